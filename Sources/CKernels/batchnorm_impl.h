// Template body, instantiated for float and double by batchnorm.c through ckernels_instantiate.h
// (T, S, MATH) in three parts: context structs, the workers (once per instruction set), the
// entry points.
// x is viewed as [n, c, inner]; statistics are per channel c. Channels are spread over threads.

#if CK_PART == CK_PART_SHARED
typedef struct {
    long n, c, inner;
    const T *x, *gy, *mean, *invstd, *weight, *bias;
    T *y, *out_mean, *out_var, *gx, *gw, *gb;
    int batch_stats;
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

// y = x * scale + offset per channel, with scale = invstd * weight, offset = bias - mean * scale.
static void CHUNK(bn_apply)(void *context, long p0, long p1) {
    CTX(bn) *k = context;
    for (long p = p0; p < p1; p++) {
        const long c = p % k->c;
        const T scale = k->invstd[c] * (k->weight ? k->weight[c] : (T)1);
        const T offset = (k->bias ? k->bias[c] : (T)0) - k->mean[c] * scale;
        const T *x = k->x + p * k->inner;
        T *y = k->y + p * k->inner;
        for (long t = 0; t < k->inner; t++) y[t] = x[t] * scale + offset;
    }
}

// Per channel: one pass for sum(gy) and sum(gy * xhat), one for gx. With batch statistics,
// gx = w * invstd * (gy - mean(gy) - xhat * mean(gy * xhat)); with fixed ones, gx = w * invstd * gy.
static void CHUNK(bn_backward)(void *context, long c0, long c1) {
    CTX(bn) *k = context;
    const double count = (double)(k->n * k->inner);
    for (long c = c0; c < c1; c++) {
        const T mean = k->mean[c], invstd = k->invstd[c];
        double sum_g = 0, sum_gx = 0;
        for (long i = 0; i < k->n; i++) {
            const T *x = k->x + (i * k->c + c) * k->inner, *gy = k->gy + (i * k->c + c) * k->inner;
            T acc_g[BN_LANES] = {0}, acc_gx[BN_LANES] = {0};
            long t = 0;
            for (; t + BN_LANES <= k->inner; t += BN_LANES)
                for (int l = 0; l < BN_LANES; l++) {
                    acc_g[l] += gy[t + l];
                    acc_gx[l] += gy[t + l] * (x[t + l] - mean);
                }
            for (; t < k->inner; t++) {
                sum_g += (double)gy[t];
                sum_gx += (double)gy[t] * ((double)x[t] - (double)mean);
            }
            for (int l = 0; l < BN_LANES; l++) { sum_g += (double)acc_g[l]; sum_gx += (double)acc_gx[l]; }
        }
        const double sum_gxhat = sum_gx * (double)invstd;
        if (k->gw) k->gw[c] = (T)sum_gxhat;
        if (k->gb) k->gb[c] = (T)sum_g;
        if (!k->gx) continue;
        const T scale = invstd * (k->weight ? k->weight[c] : (T)1);
        const T mean_g = k->batch_stats ? (T)(sum_g / count) : (T)0;
        // xhat * mean(gy * xhat) = (x - mean) * invstd^2 * sum_gx / count
        const T slope = k->batch_stats ? (T)(sum_gx / count) * invstd * invstd : (T)0;
        for (long i = 0; i < k->n; i++) {
            const T *x = k->x + (i * k->c + c) * k->inner, *gy = k->gy + (i * k->c + c) * k->inner;
            T *gx = k->gx + (i * k->c + c) * k->inner;
            for (long t = 0; t < k->inner; t++) gx[t] = scale * (gy[t] - mean_g - (x[t] - mean) * slope);
        }
    }
}

#elif CK_PART == CK_PART_ENTRIES
void FN(ck_batchnorm_stats)(long n, long c, long inner, const T *x, T *mean, T *var) {
    CTX(bn) k = {n, c, inner, x, NULL, NULL, NULL, NULL, NULL, NULL, mean, var, NULL, NULL, NULL, 0};
    ck_parallel_for(c, bn_grain(n, inner), CHUNK(bn_stats), &k);
}

void FN(ck_batchnorm_apply)(long n, long c, long inner, const T *x, const T *mean, const T *invstd,
                            const T *weight, const T *bias, T *y) {
    CTX(bn) k = {n, c, inner, x, NULL, mean, invstd, weight, bias, y, NULL, NULL, NULL, NULL, NULL, 0};
    ck_parallel_for(n * c, BN_GRAIN / (inner > 0 ? inner : 1) + 1, CHUNK(bn_apply), &k);
}

void FN(ck_batchnorm_backward)(long n, long c, long inner, const T *x, const T *gy, const T *mean,
                               const T *invstd, const T *weight, int batch_stats, T *gx, T *gw,
                               T *gb) {
    CTX(bn) k = {n, c, inner, x, gy, mean, invstd, weight, NULL, NULL, NULL, NULL, gx, gw, gb, batch_stats};
    ck_parallel_for(c, bn_grain(n, inner), CHUNK(bn_backward), &k);
}
#endif
