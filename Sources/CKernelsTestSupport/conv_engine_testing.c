// Switches the float32 convolution engine for tests that compare the engines in one process.
// Not thread-safe against running convolutions: for serialized tests only.
#include "ckernels_testing.h"

// Defined in CKernels (conv.c), deliberately absent from its public header.
extern int ck_conv_engine_active;

int ck_testing_use_conv_engine(int engine) {
    // Reads LRN_CONV_ENGINE first (once), so that it cannot override the engine set here later.
    const int previous = ck_conv_engine();
    __atomic_store_n(&ck_conv_engine_active, engine, __ATOMIC_RELAXED);
    return previous;
}
