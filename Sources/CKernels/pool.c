// Max and average pooling over square windows, forward and backward, for float and double.
#include "ckernels.h"
#include <math.h>
#include <string.h>

// Planes per thread below which waking the other threads costs more than it saves.
static long pool_grain(const ck_pool2d_shape *s) {
    const long work = s->oh * s->ow * s->kernel * s->kernel + s->h * s->w;
    return 32768 / (work > 0 ? work : 1) + 1;
}

// Window [*a, *b) of output position o clipped to the input, and the divisor PyTorch uses with
// count_include_pad: the window clipped to the padded input (not to the real one).
static long pool_window(long o, long stride, long pad, long kernel, long size, long *a, long *b) {
    const long start = o * stride - pad;
    long end = start + kernel;
    if (end > size + pad) end = size + pad;
    const long divisor = end - start;
    *a = start < 0 ? 0 : start;
    *b = end < size ? end : size;
    return divisor;
}

#define CK_ISA_VARIANTS
#define CK_TEMPLATE "../pool_impl.h"  // relative to include/, where the expander lives
#include "ckernels_instantiate.h"
