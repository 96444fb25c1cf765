// Template body, instantiated for float and double by batchnorm.c through ckernels_instantiate.h
// (T, S, MATH) in three parts: context structs, the workers (once per instruction set), the
// entry points.
// x is viewed as [n, c, inner]; statistics are per channel c. Channels are spread over threads.
//
// The fused variant (batchnorm_relu) computes y = relu(bn(x) + residual) in the pass that
// normalises, residual optional, and its backward recomputes z = bn(x) + residual from the saved
// inputs to mask the gradient, so neither bn(x) nor the mask is ever stored. Every expression is
// the unfused ops' own (bn's x * scale + offset, then + residual, then relu's comparisons), so
// the fused results are bit for bit those of batchNorm, add and relu run one after the other.

#if CK_PART == CK_PART_SHARED
typedef struct {
    long n, c, inner;
    const T *x, *gy, *mean, *invstd, *weight, *bias, *residual;
    T *y, *out_mean, *out_var, *gx, *gw, *gb, *gresidual;
    int batch_stats, relu;
} CTX(bn);

#elif CK_PART == CK_PART_KERNELS
// One pass: sums of (x - x0) and (x - x0)^2, shifted by the channel's first value so that a
// large mean does not cancel the variance away. Each row of `inner` values is summed in T over
// BN_LANES independent accumulators (which the compiler keeps in one vector register), rows are
// added up in double.
static void FN(row_sums)(const T *row, long count, T shift, double *sum, double *squares) {
    T acc[BN_LANES] = {0}, acc2[BN_LANES] = {0};
    long t = 0;
    for (; t + BN_LANES <= count; t += BN_LANES)
        for (int l = 0; l < BN_LANES; l++) {
            const T d = row[t + l] - shift;
            acc[l] += d;
            acc2[l] += d * d;
        }
    double s = 0, q = 0;
    for (; t < count; t++) {
        const double d = (double)row[t] - (double)shift;
        s += d;
        q += d * d;
    }
    for (int l = 0; l < BN_LANES; l++) { s += (double)acc[l]; q += (double)acc2[l]; }
    *sum += s;
    *squares += q;
}

static void CHUNK(bn_stats)(void *context, long c0, long c1) {
    CTX(bn) *k = context;
    const double count = (double)(k->n * k->inner);
    for (long c = c0; c < c1; c++) {
        const T shift = k->x[c * k->inner];
        double sum = 0, squares = 0;
        for (long i = 0; i < k->n; i++) FN(row_sums)(k->x + (i * k->c + c) * k->inner, k->inner, shift, &sum, &squares);
        const double mean = sum / count;
        const double var = squares / count - mean * mean;
        k->out_mean[c] = (T)((double)shift + mean);
        k->out_var[c] = (T)(var > 0 ? var : 0);
    }
}

// The channel's affine map: y = x * scale + offset, scale = invstd * weight, offset = bias - mean * scale.
static inline void FN(bn_affine)(const CTX(bn) *k, long c, T *scale, T *offset) {
    *scale = k->invstd[c] * (k->weight ? k->weight[c] : (T)1);
    *offset = (k->bias ? k->bias[c] : (T)0) - k->mean[c] * *scale;
}

// One row of y; `relu` and `residual` are constants after inlining, so each combination is its
// own vectorised loop. relu is `z < 0 ? 0 : z`, as the relu op: NaN stays NaN.
static inline __attribute__((always_inline)) void FN(bn_apply_row)(const T *x, const T *r, T *y, long count, T scale,
                                                                  T offset, const int relu, const int residual) {
    for (long t = 0; t < count; t++) {
        T z = x[t] * scale + offset;
        if (residual) z = z + r[t];
        y[t] = relu && z < 0 ? (T)0 : z;
    }
}

static void CHUNK(bn_apply)(void *context, long p0, long p1) {
    CTX(bn) *k = context;
    for (long p = p0; p < p1; p++) {
        T scale, offset;
        FN(bn_affine)(k, p % k->c, &scale, &offset);
        const T *x = k->x + p * k->inner, *r = k->residual ? k->residual + p * k->inner : NULL;
        T *y = k->y + p * k->inner;
        if (!k->relu) FN(bn_apply_row)(x, NULL, y, k->inner, scale, offset, 0, 0);
        else if (!r) FN(bn_apply_row)(x, NULL, y, k->inner, scale, offset, 1, 0);
        else FN(bn_apply_row)(x, r, y, k->inner, scale, offset, 1, 1);
    }
}

// The gradient reaching bn's output: gy itself, or for the fused variant gy masked by relu's
// backward at the recomputed z (`z <= 0 ? 0 : gy`: a NaN z passes gy on, as relu's backward).
static inline __attribute__((always_inline)) T FN(bn_masked)(T x, T r, T gy, T scale, T offset, const int relu,
                                                             const int residual) {
    if (!relu) return gy;
    T z = x * scale + offset;
    if (residual) z = z + r;
    return z <= 0 ? (T)0 : gy;
}

// Per channel: one pass for sum(g) and sum(g * xhat) (g = the masked gradient; the fused variant
// with a residual also writes it out as the residual's gradient), one for gx. With batch
// statistics, gx = w * invstd * (g - mean(g) - xhat * mean(g * xhat)); with fixed ones,
// gx = w * invstd * g.
static inline __attribute__((always_inline)) void FN(bn_backward_channel)(CTX(bn) *k, long c, const int relu,
                                                                         const int residual) {
    const double count = (double)(k->n * k->inner);
    const T mean = k->mean[c], invstd = k->invstd[c];
    T scale, offset;
    FN(bn_affine)(k, c, &scale, &offset);
    double sum_g = 0, sum_gx = 0;
    for (long i = 0; i < k->n; i++) {
        const long row = (i * k->c + c) * k->inner;
        const T *x = k->x + row, *gy = k->gy + row, *r = residual ? k->residual + row : NULL;
        T *gr = residual ? k->gresidual + row : NULL;
        T acc_g[BN_LANES] = {0}, acc_gx[BN_LANES] = {0};
        long t = 0;
        for (; t + BN_LANES <= k->inner; t += BN_LANES)
            for (int l = 0; l < BN_LANES; l++) {
                const T g = FN(bn_masked)(x[t + l], residual ? r[t + l] : 0, gy[t + l], scale, offset, relu, residual);
                if (residual) gr[t + l] = g;
                acc_g[l] += g;
                acc_gx[l] += g * (x[t + l] - mean);
            }
        for (; t < k->inner; t++) {
            const T g = FN(bn_masked)(x[t], residual ? r[t] : 0, gy[t], scale, offset, relu, residual);
            if (residual) gr[t] = g;
            sum_g += (double)g;
            sum_gx += (double)g * ((double)x[t] - (double)mean);
        }
        for (int l = 0; l < BN_LANES; l++) { sum_g += (double)acc_g[l]; sum_gx += (double)acc_gx[l]; }
    }
    const double sum_gxhat = sum_gx * (double)invstd;
    if (k->gw) k->gw[c] = (T)sum_gxhat;
    if (k->gb) k->gb[c] = (T)sum_g;
    if (!k->gx) return;
    const T mean_g = k->batch_stats ? (T)(sum_g / count) : (T)0;
    // xhat * mean(g * xhat) = (x - mean) * invstd^2 * sum_gx / count
    const T slope = k->batch_stats ? (T)(sum_gx / count) * invstd * invstd : (T)0;
    for (long i = 0; i < k->n; i++) {
        const long row = (i * k->c + c) * k->inner;
        const T *x = k->x + row, *gy = k->gy + row, *r = residual ? k->residual + row : NULL;
        T *gx = k->gx + row;
        for (long t = 0; t < k->inner; t++) {
            const T g = FN(bn_masked)(x[t], residual ? r[t] : 0, gy[t], scale, offset, relu, residual);
            gx[t] = scale * (g - mean_g - (x[t] - mean) * slope);
        }
    }
}

static void CHUNK(bn_backward)(void *context, long c0, long c1) {
    CTX(bn) *k = context;
    for (long c = c0; c < c1; c++) {
        if (!k->relu) FN(bn_backward_channel)(k, c, 0, 0);
        else if (!k->residual) FN(bn_backward_channel)(k, c, 1, 0);
        else FN(bn_backward_channel)(k, c, 1, 1);
    }
}

#elif CK_PART == CK_PART_ENTRIES
void FN(ck_batchnorm_stats)(long n, long c, long inner, const T *x, T *mean, T *var) {
    CTX(bn) k = {n, c, inner, .x = x, .out_mean = mean, .out_var = var};
    ck_parallel_for(c, bn_grain(n, inner), CHUNK(bn_stats), &k);
}

void FN(ck_batchnorm_apply)(long n, long c, long inner, const T *x, const T *mean, const T *invstd,
                            const T *weight, const T *bias, T *y) {
    CTX(bn) k = {n, c, inner, .x = x, .mean = mean, .invstd = invstd, .weight = weight, .bias = bias, .y = y};
    ck_parallel_for(n * c, BN_GRAIN / (inner > 0 ? inner : 1) + 1, CHUNK(bn_apply), &k);
}

void FN(ck_batchnorm_backward)(long n, long c, long inner, const T *x, const T *gy, const T *mean,
                               const T *invstd, const T *weight, int batch_stats, T *gx, T *gw,
                               T *gb) {
    CTX(bn) k = {n, c, inner, .x = x, .gy = gy, .mean = mean, .invstd = invstd, .weight = weight,
                 .gx = gx, .gw = gw, .gb = gb, .batch_stats = batch_stats};
    ck_parallel_for(c, bn_grain(n, inner), CHUNK(bn_backward), &k);
}

void FN(ck_batchnorm_relu_apply)(long n, long c, long inner, const T *x, const T *mean, const T *invstd,
                                 const T *weight, const T *bias, const T *residual, T *y) {
    CTX(bn) k = {n, c, inner, .x = x, .mean = mean, .invstd = invstd, .weight = weight, .bias = bias,
                 .residual = residual, .y = y, .relu = 1};
    ck_parallel_for(n * c, BN_GRAIN / (inner > 0 ? inner : 1) + 1, CHUNK(bn_apply), &k);
}

void FN(ck_batchnorm_relu_backward)(long n, long c, long inner, const T *x, const T *residual, const T *gy,
                                    const T *mean, const T *invstd, const T *weight, const T *bias,
                                    int batch_stats, T *gx, T *gw, T *gb, T *gresidual) {
    CTX(bn) k = {n, c, inner, .x = x, .gy = gy, .mean = mean, .invstd = invstd, .weight = weight,
                 .bias = bias, .residual = residual, .gx = gx, .gw = gw, .gb = gb, .gresidual = gresidual,
                 .batch_stats = batch_stats, .relu = 1};
    ck_parallel_for(c, bn_grain(n, inner), CHUNK(bn_backward), &k);
}
#endif
