// Per-thread scratch buffers that grow on demand and are kept for the next call, so hot
// kernels (convolution) allocate nothing once warm. Internal to CKernels.
#ifndef CK_SCRATCH_H
#define CK_SCRATCH_H
#include <stddef.h>

// Independent buffers a thread can hold at once: a parallel region's caller is also one of its
// workers, so the caller's reduction buffer and its worker buffer need different slots.
enum { CK_SCRATCH_WORK = 0, CK_SCRATCH_REDUCE = 1, CK_SCRATCH_SLOTS = 2 };

/// A 64-byte aligned buffer of at least `bytes` for the calling thread (contents undefined).
/// Valid until the same thread asks for the same slot again; freed when the thread exits.
/// Aborts with a message on stderr if memory is exhausted.
void *ck_scratch(int slot, size_t bytes);
#endif
