// Batch normalisation: fused per-channel statistics, the affine normalisation, and its backward
// (input, weight and bias gradients in one kernel), for float and double.
#include "ckernels.h"

// Elements per thread below which a parallel region is not worth it.
#define BN_GRAIN 32768
// Independent partial sums per row: enough to fill a vector register and hide add latency.
#define BN_LANES 16

static long bn_grain(long n, long inner) {
    const long per_channel = n * inner;
    return BN_GRAIN / (per_channel > 0 ? per_channel : 1) + 1;
}

#define CK_ISA_VARIANTS
#define CK_TEMPLATE "../batchnorm_impl.h"  // relative to include/, where the expander lives
#include "ckernels_instantiate.h"
