// Template body, instantiated for float and double by indexing.c through ckernels_instantiate.h (T, S, MATH).

// Grain in tasks for a loop whose tasks each touch `width` elements.
static inline long FN(task_grain)(long width) {
    long g = INDEXING_GRAIN / (width > 0 ? width : 1);
    return g > 0 ? g : 1;
}

// ---- row copies: slice, concat and their backward ----------------------------------------------
typedef struct { long width, src_stride, dst_stride; const T *src; T *dst; int accumulate; } CTX(rows);
static void CHUNK(rows)(void *c, long b, long e) {
    CTX(rows) *k = c;
    for (long r = b; r < e; r++) {
        const T *src = k->src + r * k->src_stride;
        T *dst = k->dst + r * k->dst_stride;
        if (k->accumulate) for (long i = 0; i < k->width; i++) dst[i] += src[i];
        else memcpy(dst, src, sizeof(T) * (size_t)k->width);
    }
}
void FN(ck_copy_rows)(long rows, long width, const T *src, long src_stride, T *dst, long dst_stride,
                      int accumulate) {
    if (width <= 0) return;
    CTX(rows) k = {width, src_stride, dst_stride, src, dst, accumulate};
    ck_parallel_for(rows, FN(task_grain)(width), CHUNK(rows), &k);
}

// ---- index-select ------------------------------------------------------------------------------
typedef struct { long n, inner, k; const long *idx; const T *src; T *dst; } CTX(select);
// Forward: one task per (o, j) output slice.
static void CHUNK(select)(void *c, long b, long e) {
    CTX(select) *k = c;
    for (long t = b; t < e; t++) {
        long o = t / k->k, j = t % k->k;
        memcpy(k->dst + t * k->inner, k->src + (o * k->n + k->idx[j]) * k->inner,
               sizeof(T) * (size_t)k->inner);
    }
}
void FN(ck_index_select)(long outer, long n, long inner, const T *x, long count, const long *idx, T *out) {
    if (inner <= 0) return;
    CTX(select) k = {n, inner, count, idx, x, out};
    ck_parallel_for(outer * count, FN(task_grain)(inner), CHUNK(select), &k);
}
// Backward: one task per outer index, so repeated indices add up within one thread.
static void CHUNK(select_bw)(void *c, long b, long e) {
    CTX(select) *k = c;
    for (long o = b; o < e; o++) {
        for (long j = 0; j < k->k; j++) {
            const T *g = k->src + (o * k->k + j) * k->inner;
            T *gx = k->dst + (o * k->n + k->idx[j]) * k->inner;
            for (long i = 0; i < k->inner; i++) gx[i] += g[i];
        }
    }
}
void FN(ck_index_select_backward)(long outer, long n, long inner, const T *g, long count, const long *idx,
                                  T *gx) {
    if (inner <= 0) return;
    memset(gx, 0, sizeof(T) * (size_t)(outer * n * inner));
    CTX(select) k = {n, inner, count, idx, g, gx};
    ck_parallel_for(outer, FN(task_grain)(count * inner), CHUNK(select_bw), &k);
}

// ---- gather: one index per (outer, inner) position ---------------------------------------------
typedef struct { long n, inner; const long *idx; const T *src; T *dst; } CTX(gather_axis);
static void CHUNK(gather_axis)(void *c, long b, long e) {
    CTX(gather_axis) *k = c;
    for (long o = b; o < e; o++)
        for (long i = 0; i < k->inner; i++)
            k->dst[o * k->inner + i] = k->src[(o * k->n + k->idx[o * k->inner + i]) * k->inner + i];
}
void FN(ck_gather)(long outer, long n, long inner, const T *x, const long *idx, T *out) {
    CTX(gather_axis) k = {n, inner, idx, x, out};
    ck_parallel_for(outer, FN(task_grain)(inner), CHUNK(gather_axis), &k);
}
// Each (o, i) writes a distinct element of gx: no two tasks collide.
static void CHUNK(gather_axis_bw)(void *c, long b, long e) {
    CTX(gather_axis) *k = c;
    for (long o = b; o < e; o++)
        for (long i = 0; i < k->inner; i++)
            k->dst[(o * k->n + k->idx[o * k->inner + i]) * k->inner + i] = k->src[o * k->inner + i];
}
void FN(ck_gather_backward)(long outer, long n, long inner, const T *g, const long *idx, T *gx) {
    memset(gx, 0, sizeof(T) * (size_t)(outer * n * inner));
    CTX(gather_axis) k = {n, inner, idx, g, gx};
    ck_parallel_for(outer, FN(task_grain)(inner), CHUNK(gather_axis_bw), &k);
}

// ---- lower-triangular fill (row by row: (0,0), (1,0), (1,1), (2,0), ...) ------------------------
typedef struct { long n; const T *src; T *dst; } CTX(tril);
static void CHUNK(tril)(void *c, long b, long e) {
    CTX(tril) *k = c;
    long n = k->n, m = n * (n + 1) / 2;
    for (long t = b; t < e; t++) {
        const T *v = k->src + t * m;
        T *out = k->dst + t * n * n;
        for (long i = 0; i < n; i++) {
            const T *row = v + i * (i + 1) / 2;
            for (long j = 0; j <= i; j++) out[i * n + j] = row[j];
            for (long j = i + 1; j < n; j++) out[i * n + j] = 0;
        }
    }
}
void FN(ck_fill_lower)(long batch, long n, const T *v, T *out) {
    CTX(tril) k = {n, v, out};
    ck_parallel_for(batch, FN(task_grain)(n * n), CHUNK(tril), &k);
}
static void CHUNK(tril_bw)(void *c, long b, long e) {
    CTX(tril) *k = c;
    long n = k->n, m = n * (n + 1) / 2;
    for (long t = b; t < e; t++) {
        const T *g = k->src + t * n * n;
        T *gv = k->dst + t * m;
        for (long i = 0; i < n; i++)
            for (long j = 0; j <= i; j++) gv[i * (i + 1) / 2 + j] = g[i * n + j];
    }
}
void FN(ck_fill_lower_backward)(long batch, long n, const T *g, T *gv) {
    CTX(tril) k = {n, g, gv};
    ck_parallel_for(batch, FN(task_grain)(n * n), CHUNK(tril_bw), &k);
}
