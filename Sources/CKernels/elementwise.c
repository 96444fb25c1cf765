// Elementwise kernels (unary, binary, broadcast, where, clamp) for float and double.
#include "ckernels.h"
#include "fast_exp.h"
#include <math.h>

// exp in the templates: the vectorisable one for float, libm's for double (fast_exp.h).
#define EXP(x) BY_TYPE(ck_exp_f32, exp)(x)
#include <string.h>

// Below this many elements a loop is not worth waking the other threads for.
#define ELEMENTWISE_GRAIN 32768

#define CK_ISA_VARIANTS
#define CK_TEMPLATE "../elementwise_impl.h"  // relative to include/, where the expander lives
#include "ckernels_instantiate.h"

typedef struct { const float *x; double *out; } widen_ctx;
static void widen_chunk(void *c, long b, long e) {
    widen_ctx *w = c;
    for (long i = b; i < e; i++) w->out[i] = (double)w->x[i];
}
void ck_convert_f32_to_f64(long n, const float *x, double *out) {
    widen_ctx w = {x, out};
    ck_parallel_for(n, ELEMENTWISE_GRAIN, widen_chunk, &w);
}
typedef struct { const double *x; float *out; } narrow_ctx;
static void narrow_chunk(void *c, long b, long e) {
    narrow_ctx *w = c;
    for (long i = b; i < e; i++) w->out[i] = (float)w->x[i];
}
void ck_convert_f64_to_f32(long n, const double *x, float *out) {
    narrow_ctx w = {x, out};
    ck_parallel_for(n, ELEMENTWISE_GRAIN, narrow_chunk, &w);
}
