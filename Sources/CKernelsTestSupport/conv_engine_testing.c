// Switches the float32 convolution engine for tests that compare the engines in one process.
// Not thread-safe against running convolutions: for serialized tests only.
#include "ckernels_testing.h"

// Defined in CKernels (conv.c), deliberately absent from its public header.
extern int ck_conv_engine_active;

int ck_testing_use_conv_engine(int engine) {
    const int previous = __atomic_load_n(&ck_conv_engine_active, __ATOMIC_RELAXED);
    __atomic_store_n(&ck_conv_engine_active, engine, __ATOMIC_RELAXED);
    return previous;
}
