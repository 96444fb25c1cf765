// 2-D convolution (im2col + gemm) forward and backward, for float and double.
#include "ckernels.h"
#include "scratch.h"
#include <string.h>

// Below this many columns per gemm, images of a chunk are batched into one gemm.
#define CONV_MIN_GEMM_COLUMNS 256
// Backward work units: more than the threads so that the load balances, few enough that the
// per-slab weight-gradient partials stay small.
#define CONV_BACKWARD_SLABS 4
// Chunks of images per gemm are sized as for this many threads whatever the actual count, so
// results do not depend on it; 2 keeps the results runs on 2 cores had before (more threads
// then share about 4 chunks per convolution).
#define CONV_CHUNKING_THREADS 2

// Smallest o >= 0 with o*stride + offset >= 0.
static inline long first_valid(long offset, long stride) {
    return offset >= 0 ? 0 : (-offset + stride - 1) / stride;
}
// One past the largest o < limit with o*stride + offset < size.
static inline long end_valid(long offset, long stride, long size, long limit) {
    long e = size - offset <= 0 ? 0 : (size - offset + stride - 1) / stride;
    return e < limit ? e : limit;
}

#define CK_ISA_VARIANTS
#define CK_TEMPLATE "../conv_impl.h"  // relative to include/, where the expander lives
#include "ckernels_instantiate.h"
