// Template body, included twice by optim.c with T (element type), S (suffix), MATH(f) (libm name).
// Hyper-parameters arrive as double and are rounded to T once, the way PyTorch applies a Python
// float to a float32 tensor.
#define CAT2(a, b) a##_##b
#define CAT(a, b) CAT2(a, b)
#define FN(name) CAT(name, S)
#define CTX(name) CAT(name##_ctx, S)
#define CHUNK(name) CAT(name##_chunk, S)

// ---- SGD -----------------------------------------------------------------------------------------
typedef struct {
    T *param;
    const T *grad;
    T *buffer;
    T lr, momentum, one_minus_dampening, weight_decay;
    int nesterov, first_step;
} CTX(sgd);

static void CHUNK(sgd)(void *c, long begin, long end) {
    CTX(sgd) *k = c;
    T *p = k->param, *buf = k->buffer;
    const T *g = k->grad;
    for (long i = begin; i < end; i++) {
        T d = g[i];
        if (k->weight_decay != 0) d = d + k->weight_decay * p[i];
        if (buf) {
            T b = k->first_step ? d : k->momentum * buf[i] + k->one_minus_dampening * d;
            buf[i] = b;
            d = k->nesterov ? d + k->momentum * b : b;
        }
        p[i] = p[i] - k->lr * d;
    }
}

void FN(ck_sgd_step)(long n, T *param, const T *grad, T *momentum_buffer, const ck_sgd_hyper *h,
                     int first_step) {
    CTX(sgd) k = {param, grad, momentum_buffer, (T)h->learning_rate, (T)h->momentum,
                  (T)(1.0 - h->dampening), (T)h->weight_decay, h->nesterov, first_step};
    ck_parallel_for(n, OPTIM_GRAIN, CHUNK(sgd), &k);
}

// ---- Adam / AdamW --------------------------------------------------------------------------------
typedef struct {
    T *param;
    const T *grad;
    T *exp_avg, *exp_avg_sq;
    T beta1, one_minus_beta1, beta2, one_minus_beta2, step_size, bias_correction2_sqrt, epsilon,
        l2_weight_decay, param_scale;
} CTX(adam);

static void CHUNK(adam)(void *c, long begin, long end) {
    CTX(adam) *k = c;
    T *p = k->param, *m = k->exp_avg, *v = k->exp_avg_sq;
    const T *grad = k->grad;
    for (long i = begin; i < end; i++) {
        T g = grad[i];
        if (k->l2_weight_decay != 0) g = g + k->l2_weight_decay * p[i];
        T pi = k->param_scale != 1 ? p[i] * k->param_scale : p[i];
        T mi = k->beta1 * m[i] + k->one_minus_beta1 * g;
        T vi = k->beta2 * v[i] + k->one_minus_beta2 * (g * g);
        m[i] = mi;
        v[i] = vi;
        T denom = MATH(sqrt)(vi) / k->bias_correction2_sqrt + k->epsilon;
        p[i] = pi - k->step_size * (mi / denom);
    }
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

// ---- gradient norm and scaling ------------------------------------------------------------------
typedef struct { const T *x; long n, block; double *partial; } CTX(sumsq);

static void CHUNK(sumsq)(void *c, long begin, long end) {
    CTX(sumsq) *k = c;
    for (long blk = begin; blk < end; blk++) {
        long lo = blk * k->block, hi = lo + k->block < k->n ? lo + k->block : k->n;
        double acc = 0;
        for (long i = lo; i < hi; i++) acc += (double)k->x[i] * (double)k->x[i];
        k->partial[blk] = acc;
    }
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

typedef struct { T *x; T factor; } CTX(scale);

static void CHUNK(scale)(void *c, long begin, long end) {
    CTX(scale) *k = c;
    for (long i = begin; i < end; i++) k->x[i] = k->x[i] * k->factor;
}

void FN(ck_scale_inplace)(long n, T *x, double factor) {
    CTX(scale) k = {x, (T)factor};
    ck_parallel_for(n, OPTIM_GRAIN, CHUNK(scale), &k);
}

#undef CAT2
#undef CAT
#undef FN
#undef CTX
#undef CHUNK
