// Template body, instantiated for float and double by reduce.c through ckernels_instantiate.h
// (T, S, MATH) in three parts: context structs, the workers (once per instruction set), the
// entry points.
// Work is split over the `outer` index; when outer is 1 it is split over `inner` instead.

#if CK_PART == CK_PART_SHARED
typedef struct {
    int op, log_space;
    long outer, r, inner;
    const T *x, *y, *gy;
    T *out;
    int32_t *argmax;
} CTX(axis);

#elif CK_PART == CK_PART_KERNELS

static void CHUNK(reduce)(void *c, long b, long e) {
    CTX(axis) *k = c;
    long r = k->r, inner = k->inner, nb = reduce_blocks(inner);
    for (long t = b; t < e; t++) {
        long o = t / nb, j0 = (t % nb) * INNER_BLOCK, j1 = j0 + INNER_BLOCK;
        if (j1 > inner) j1 = inner;
        const T *x = k->x + o * r * inner;
        T *out = k->out + o * inner;
        if (k->op == CK_REDUCE_SUM) {
            if (inner == 1) {
                T acc = 0;
                for (long i = 0; i < r; i++) acc += x[i];
                out[0] = acc;
                continue;
            }
            for (long j = j0; j < j1; j++) out[j] = 0;
            for (long i = 0; i < r; i++)
                for (long j = j0; j < j1; j++) out[j] += x[i * inner + j];
        } else {
            int32_t *am = k->argmax ? k->argmax + o * inner : NULL;
            for (long j = j0; j < j1; j++) {
                T best = x[j];
                int32_t where = 0;
                for (long i = 1; i < r; i++) {
                    T v = x[i * inner + j];
                    if (v > best || (v != v && best == best)) { best = v; where = (int32_t)i; }
                }
                out[j] = best;
                if (am) am[j] = where;
            }
        }
    }
}

// softmax / log-softmax / logsumexp, one (outer, j) line at a time with stride `inner`.
static void CHUNK(softmax)(void *c, long b, long e) {
    CTX(axis) *k = c;
    long r = k->r, inner = k->inner;
    for (long t = b; t < e; t++) {
        long o = t / inner, j = t % inner;
        const T *x = k->x + o * r * inner + j;
        T *y = k->out + o * r * inner + j;
        T m = x[0];
        for (long i = 1; i < r; i++) if (x[i * inner] > m) m = x[i * inner];
        if (!isfinite(m)) m = 0;
        T sum = 0;
        if (k->log_space) {
            for (long i = 0; i < r; i++) sum += EXP(x[i * inner] - m);
            T lse = m + MATH(log)(sum);
            for (long i = 0; i < r; i++) y[i * inner] = x[i * inner] - lse;
        } else {
            // The exponentials go to y first: that loop vectorises, the in-order sum cannot.
            for (long i = 0; i < r; i++) y[i * inner] = EXP(x[i * inner] - m);
            for (long i = 0; i < r; i++) sum += y[i * inner];
            T inv = (T)1 / sum;
            for (long i = 0; i < r; i++) y[i * inner] *= inv;
        }
    }
}

// softmax:     gx = y * (gy - sum(gy * y))
// log-softmax: gx = gy - exp(y) * sum(gy)
static void CHUNK(softmax_bw)(void *c, long b, long e) {
    CTX(axis) *k = c;
    long r = k->r, inner = k->inner;
    for (long t = b; t < e; t++) {
        long o = t / inner, j = t % inner, base = o * r * inner + j;
        const T *y = k->y + base, *gy = k->gy + base;
        T *gx = k->out + base;
        T s = 0;
        if (k->log_space) {
            for (long i = 0; i < r; i++) s += gy[i * inner];
            for (long i = 0; i < r; i++) gx[i * inner] = gy[i * inner] - EXP(y[i * inner]) * s;
        } else {
            for (long i = 0; i < r; i++) s += gy[i * inner] * y[i * inner];
            for (long i = 0; i < r; i++) gx[i * inner] = y[i * inner] * (gy[i * inner] - s);
        }
    }
}

static void CHUNK(logsumexp)(void *c, long b, long e) {
    CTX(axis) *k = c;
    long r = k->r, inner = k->inner;
    for (long t = b; t < e; t++) {
        long o = t / inner, j = t % inner;
        const T *x = k->x + o * r * inner + j;
        T m = x[0];  // a NaN wins, so logsumexp of a line with a NaN is NaN (as in PyTorch)
        for (long i = 1; i < r; i++) if (x[i * inner] > m || x[i * inner] != x[i * inner]) m = x[i * inner];
        if (!isfinite(m)) { k->out[t] = m; continue; }
        T sum = 0;
        for (long i = 0; i < r; i++) sum += EXP(x[i * inner] - m);
        k->out[t] = m + MATH(log)(sum);
    }
}

#elif CK_PART == CK_PART_ENTRIES
void FN(ck_reduce)(int op, long outer, long r, long inner, const T *x, T *out, int32_t *argmax) {
    CTX(axis) k = {op, 0, outer, r, inner, x, NULL, NULL, out, argmax};
    long tasks = outer * reduce_blocks(inner);
    long per_task = r * (inner < INNER_BLOCK ? inner : INNER_BLOCK);
    long grain = REDUCE_GRAIN / (per_task > 0 ? per_task : 1);
    ck_parallel_for(tasks, grain > 0 ? grain : 1, CHUNK(reduce), &k);
}
void FN(ck_softmax)(long outer, long r, long inner, const T *x, T *out, int log_space) {
    CTX(axis) k = {0, log_space, outer, r, inner, x, NULL, NULL, out, NULL};
    long grain = REDUCE_GRAIN / (r > 0 ? r : 1);
    ck_parallel_for(outer * inner, grain > 0 ? grain : 1, CHUNK(softmax), &k);
}
void FN(ck_softmax_backward)(long outer, long r, long inner, const T *y, const T *gy, T *gx,
                             int log_space) {
    CTX(axis) k = {0, log_space, outer, r, inner, NULL, y, gy, gx, NULL};
    long grain = REDUCE_GRAIN / (r > 0 ? r : 1);
    ck_parallel_for(outer * inner, grain > 0 ? grain : 1, CHUNK(softmax_bw), &k);
}
void FN(ck_logsumexp)(long outer, long r, long inner, const T *x, T *out) {
    CTX(axis) k = {0, 0, outer, r, inner, x, NULL, NULL, out, NULL};
    long grain = REDUCE_GRAIN / (r > 0 ? r : 1);
    ck_parallel_for(outer * inner, grain > 0 ? grain : 1, CHUNK(logsumexp), &k);
}
#endif
