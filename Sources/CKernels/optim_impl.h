// Template body, instantiated for float and double by optim.c through ckernels_instantiate.h
// (T, S, MATH) in three parts: context structs, the workers (once per instruction set), the
// entry points.
// Hyper-parameters arrive as double and are rounded to T once, the way PyTorch applies a Python
// float to a float32 tensor.

#if CK_PART == CK_PART_SHARED
// ---- SGD -----------------------------------------------------------------------------------------
typedef struct {
    T *param;
    const T *grad;
    T *buffer;
    T lr, momentum, one_minus_dampening, weight_decay;
    int nesterov, first_step;
} CTX(sgd);

// ---- Adam / AdamW --------------------------------------------------------------------------------
typedef struct {
    T *param;
    const T *grad;
    T *exp_avg, *exp_avg_sq;
    T beta1, one_minus_beta1, beta2, one_minus_beta2, step_size, bias_correction2_sqrt, epsilon,
        l2_weight_decay, param_scale;
} CTX(adam);

// ---- gradient norm and scaling ------------------------------------------------------------------
typedef struct { const T *x; long n, block; double *partial; } CTX(sumsq);

typedef struct { T *x; T factor; } CTX(scale);

#elif CK_PART == CK_PART_KERNELS
// The loop, written once; called with literal flags so that each combination compiles to its
// own branch-free, vectorised loop.
static inline __attribute__((always_inline)) void FN(sgd_loop)(const CTX(sgd) *k, long begin, long end,
                                                                 int decay, int momentum_on, int first,
                                                                 int nesterov) {
    T *restrict p = k->param, *restrict buf = k->buffer;
    const T *restrict g = k->grad;
    const T lr = k->lr, momentum = k->momentum, keep = k->one_minus_dampening, wd = k->weight_decay;
    for (long i = begin; i < end; i++) {
        T d = decay ? g[i] + wd * p[i] : g[i];
        if (momentum_on) {
            T b = first ? d : momentum * buf[i] + keep * d;
            buf[i] = b;
            d = nesterov ? d + momentum * b : b;
        }
        p[i] = p[i] - lr * d;
    }
}

static void CHUNK(sgd)(void *c, long begin, long end) {
    const CTX(sgd) *k = c;
    int decay = k->weight_decay != 0;
    if (!k->buffer) {
        if (decay) FN(sgd_loop)(k, begin, end, 1, 0, 0, 0); else FN(sgd_loop)(k, begin, end, 0, 0, 0, 0);
        return;
    }
    switch (decay << 2 | (k->first_step != 0) << 1 | (k->nesterov != 0)) {
    case 0: FN(sgd_loop)(k, begin, end, 0, 1, 0, 0); break;
    case 1: FN(sgd_loop)(k, begin, end, 0, 1, 0, 1); break;
    case 2: FN(sgd_loop)(k, begin, end, 0, 1, 1, 0); break;
    case 3: FN(sgd_loop)(k, begin, end, 0, 1, 1, 1); break;
    case 4: FN(sgd_loop)(k, begin, end, 1, 1, 0, 0); break;
    case 5: FN(sgd_loop)(k, begin, end, 1, 1, 0, 1); break;
    case 6: FN(sgd_loop)(k, begin, end, 1, 1, 1, 0); break;
    default: FN(sgd_loop)(k, begin, end, 1, 1, 1, 1); break;
    }
}

static inline __attribute__((always_inline)) void FN(adam_loop)(const CTX(adam) *k, long begin, long end,
                                                                  int coupled, int decoupled) {
    T *restrict p = k->param, *restrict m = k->exp_avg, *restrict v = k->exp_avg_sq;
    const T *restrict grad = k->grad;
    const T beta1 = k->beta1, keep1 = k->one_minus_beta1, beta2 = k->beta2, keep2 = k->one_minus_beta2;
    const T step_size = k->step_size, correction2 = k->bias_correction2_sqrt, eps = k->epsilon;
    const T l2 = k->l2_weight_decay, scale = k->param_scale;
    for (long i = begin; i < end; i++) {
        T g = coupled ? grad[i] + l2 * p[i] : grad[i];
        T pi = decoupled ? p[i] * scale : p[i];
        T mi = beta1 * m[i] + keep1 * g;
        T vi = beta2 * v[i] + keep2 * (g * g);
        m[i] = mi;
        v[i] = vi;
        T denom = SQRT(vi) / correction2 + eps;
        p[i] = pi - step_size * (mi / denom);
    }
}

static void CHUNK(adam)(void *c, long begin, long end) {
    const CTX(adam) *k = c;
    int coupled = k->l2_weight_decay != 0, decoupled = k->param_scale != 1;
    if (coupled && decoupled) FN(adam_loop)(k, begin, end, 1, 1);
    else if (coupled) FN(adam_loop)(k, begin, end, 1, 0);
    else if (decoupled) FN(adam_loop)(k, begin, end, 0, 1);
    else FN(adam_loop)(k, begin, end, 0, 0);
}

static void CHUNK(sumsq)(void *c, long begin, long end) {
    CTX(sumsq) *k = c;
    for (long blk = begin; blk < end; blk++) {
        long lo = blk * k->block, hi = lo + k->block < k->n ? lo + k->block : k->n;
        // Four interleaved accumulators, combined in a fixed order: faster than one chain of
        // dependent additions, and still the same bits on every run.
        const T *restrict x = k->x;
        double a0 = 0, a1 = 0, a2 = 0, a3 = 0;
        long i = lo;
        for (; i + 4 <= hi; i += 4) {
            a0 += (double)x[i] * (double)x[i];
            a1 += (double)x[i + 1] * (double)x[i + 1];
            a2 += (double)x[i + 2] * (double)x[i + 2];
            a3 += (double)x[i + 3] * (double)x[i + 3];
        }
        for (; i < hi; i++) a0 += (double)x[i] * (double)x[i];
        k->partial[blk] = (a0 + a1) + (a2 + a3);
    }
}

static void CHUNK(scale)(void *c, long begin, long end) {
    const CTX(scale) *k = c;
    T *restrict x = k->x;
    const T factor = k->factor;
    for (long i = begin; i < end; i++) x[i] = x[i] * factor;
}

#elif CK_PART == CK_PART_ENTRIES
void FN(ck_sgd_step)(long n, T *param, const T *grad, T *momentum_buffer, const ck_sgd_hyper *h,
                     int first_step) {
    CTX(sgd) k = {param, grad, momentum_buffer, (T)h->learning_rate, (T)h->momentum,
                  (T)(1.0 - h->dampening), (T)h->weight_decay, h->nesterov, first_step};
    ck_parallel_for(n, OPTIM_GRAIN, CHUNK(sgd), &k);
}

void FN(ck_adam_step)(long n, T *param, const T *grad, T *exp_avg, T *exp_avg_sq,
                      const ck_adam_hyper *h, long step) {
    // Bias corrections in double, as PyTorch computes them from Python floats.
    double bias_correction1 = 1.0 - pow(h->beta1, (double)step);
    double bias_correction2 = 1.0 - pow(h->beta2, (double)step);
    CTX(adam) k = {param, grad, exp_avg, exp_avg_sq,
                   (T)h->beta1, (T)(1.0 - h->beta1), (T)h->beta2, (T)(1.0 - h->beta2),
                   (T)(h->learning_rate / bias_correction1), (T)sqrt(bias_correction2),
                   (T)h->epsilon,
                   (T)(h->decoupled ? 0.0 : h->weight_decay),
                   (T)(h->decoupled ? 1.0 - h->learning_rate * h->weight_decay : 1.0)};
    ck_parallel_for(n, OPTIM_GRAIN, CHUNK(adam), &k);
}

double FN(ck_sum_squares)(long n, const T *x) {
    if (n <= 0) return 0;
    long block = (n + NORM_MAX_BLOCKS - 1) / NORM_MAX_BLOCKS;
    if (block < NORM_MIN_BLOCK) block = NORM_MIN_BLOCK;
    long blocks = (n + block - 1) / block;
    double partial[NORM_MAX_BLOCKS];
    CTX(sumsq) k = {x, n, block, partial};
    ck_parallel_for(blocks, 4, CHUNK(sumsq), &k);
    double total = 0;
    for (long b = 0; b < blocks; b++) total += partial[b];
    return total;
}

void FN(ck_scale_inplace)(long n, T *x, double factor) {
    CTX(scale) k = {x, (T)factor};
    ck_parallel_for(n, OPTIM_GRAIN, CHUNK(scale), &k);
}
#endif
