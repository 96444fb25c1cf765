// Template body, instantiated for float and double by elementwise.c through ckernels_instantiate.h
// (T, S, MATH), in three parts: context structs, the chunk workers (once per instruction set),
// and the entry points, which run the workers of the instruction set in use.

#if CK_PART == CK_PART_SHARED
// ---- fill --------------------------------------------------------------------------------------
typedef struct { T value; T *out; } CTX(fill);

// ---- unary -------------------------------------------------------------------------------------
typedef struct { int op; const T *x; T *out; } CTX(unary);

typedef struct { int op; const T *x, *y, *gy; T *gx; } CTX(unary_bw);

typedef struct { int op; const T *a, *b; T scalar; T *out; } CTX(binary);

// Broadcast: the index space is split into rows of the last dimension; each chunk of rows
// decodes its starting multi-index once and then walks the inner dimension with its strides.
typedef struct {
    int op, ndim;
    const long *shape, *sa, *sb;
    const T *a, *b;
    T *out;
} CTX(strided);

typedef struct { int ndim; const long *shape, *strides; const T *x; T *out; } CTX(gather);

// ---- where, clamp ------------------------------------------------------------------------------
typedef struct { const uint8_t *cond; const T *a, *b; T *out; } CTX(where);

typedef struct { const T *x; T lo, hi; const T *gy; T *out; } CTX(clamp);

#elif CK_PART == CK_PART_KERNELS
static inline T FN(softplus_value)(T x) {
    // log(1 + e^x) without overflow: max(x, 0) + log1p(e^-|x|)
    return (x > 0 ? x : (T)0) + MATH(log1p)(EXP(-MATH(fabs)(x)));
}
// 1 / (1 + e^-x) for x >= 0, e^x / (1 + e^x) below, from one e^-|x| and without a branch, so
// that the loop vectorises.
static inline T FN(sigmoid_value)(T x) {
    const T e = EXP(-MATH(fabs)(x)), d = (T)1 + e;
    return x >= 0 ? (T)1 / d : e / d;
}
static void CHUNK(fill)(void *c, long b, long e) {
    CTX(fill) *k = c;
    for (long i = b; i < e; i++) k->out[i] = k->value;
}
// The forward and backward loops of every op in ck_unary_ops.h, one `case` each with the switch
// outside the loop, so each loop body is one expression the vectoriser sees whole.
static void CHUNK(unary)(void *c, long b, long e) {
    CTX(unary) *k = c;
    const T *xs = k->x;
    T *out = k->out;
    switch (k->op) {
#define CK_UNARY_OP(NAME, FORWARD, BACKWARD)                                                      \
    case CK_##NAME:                                                                                \
        for (long i = b; i < e; i++) {                                                             \
            const T x = xs[i];                                                                     \
            out[i] = (FORWARD);                                                                    \
        }                                                                                          \
        break;
#include "ck_unary_ops.h"
#undef CK_UNARY_OP
    }
}
static void CHUNK(unary_bw)(void *c, long b, long e) {
    CTX(unary_bw) *k = c;
    const T *xs = k->x, *ys = k->y, *gs = k->gy;
    T *gx = k->gx;
    switch (k->op) {
#define CK_UNARY_OP(NAME, FORWARD, BACKWARD)                                                      \
    case CK_##NAME:                                                                                \
        for (long i = b; i < e; i++) {                                                             \
            const T x = xs[i], y = ys[i], g = gs[i];                                               \
            (void)x, (void)y;                                                                      \
            gx[i] = (BACKWARD);                                                                    \
        }                                                                                          \
        break;
#include "ck_unary_ops.h"
#undef CK_UNARY_OP
    }
}

// ---- binary ------------------------------------------------------------------------------------
static inline T FN(apply_binary)(int op, T a, T b) {
    switch (op) {
    case CK_ADD: return a + b;
    case CK_SUB: return a - b;
    case CK_MUL: return a * b;
    case CK_DIV: return a / b;
    // A NaN on either side wins, as in PyTorch's maximum/minimum.
    case CK_MAXIMUM: return (a >= b || a != a) ? a : b;
    case CK_MINIMUM: return (a <= b || a != a) ? a : b;
    case CK_POW: return MATH(pow)(a, b);
    }
    return 0;
}

// The switch sits outside the loop so each loop body vectorises.
#define BINARY_LOOP(EXPR_A, EXPR_B)                                                               \
    switch (op) {                                                                                  \
    case CK_ADD: for (long i = b0; i < e0; i++) out[i] = (EXPR_A) + (EXPR_B); break;               \
    case CK_SUB: for (long i = b0; i < e0; i++) out[i] = (EXPR_A) - (EXPR_B); break;               \
    case CK_MUL: for (long i = b0; i < e0; i++) out[i] = (EXPR_A) * (EXPR_B); break;               \
    case CK_DIV: for (long i = b0; i < e0; i++) out[i] = (EXPR_A) / (EXPR_B); break;               \
    default: for (long i = b0; i < e0; i++) out[i] = FN(apply_binary)(op, (EXPR_A), (EXPR_B));     \
    }

static void CHUNK(binary)(void *c, long b0, long e0) {
    CTX(binary) *k = c;
    int op = k->op;
    const T *a = k->a, *bb = k->b;
    T *out = k->out;
    BINARY_LOOP(a[i], bb[i])
}
static void CHUNK(binary_scalar)(void *c, long b0, long e0) {
    CTX(binary) *k = c;
    int op = k->op;
    const T *a = k->a;
    T s = k->scalar;
    T *out = k->out;
    BINARY_LOOP(a[i], s)
}
static void CHUNK(scalar_binary)(void *c, long b0, long e0) {
    CTX(binary) *k = c;
    int op = k->op;
    const T *a = k->a;
    T s = k->scalar;
    T *out = k->out;
    BINARY_LOOP(s, a[i])
}
static void CHUNK(strided)(void *c, long row_begin, long row_end) {
    CTX(strided) *k = c;
    int nd = k->ndim, op = k->op;
    long inner = k->shape[nd - 1], ia = k->sa[nd - 1], ib = k->sb[nd - 1];
    long index[16];
    long rem = row_begin;
    for (int d = nd - 2; d >= 0; d--) { index[d] = rem % k->shape[d]; rem /= k->shape[d]; }
    for (long row = row_begin; row < row_end; row++) {
        long oa = 0, ob = 0;
        for (int d = 0; d < nd - 1; d++) { oa += index[d] * k->sa[d]; ob += index[d] * k->sb[d]; }
        const T *a = k->a + oa, *b = k->b + ob;
        T *out = k->out + row * inner;
        long b0 = 0, e0 = inner;
        if (ia == 1 && ib == 1) { BINARY_LOOP(a[i], b[i]) }
        else if (ia == 1 && ib == 0) { T s = b[0]; BINARY_LOOP(a[i], s) }
        else if (ia == 0 && ib == 1) { T s = a[0]; BINARY_LOOP(s, b[i]) }
        else { BINARY_LOOP(a[i * ia], b[i * ib]) }
        for (int d = nd - 2; d >= 0; d--) {
            if (++index[d] < k->shape[d]) break;
            index[d] = 0;
        }
    }
}
static void CHUNK(gather)(void *c, long row_begin, long row_end) {
    CTX(gather) *k = c;
    int nd = k->ndim;
    long inner = k->shape[nd - 1], is = k->strides[nd - 1];
    long index[16];
    long rem = row_begin;
    for (int d = nd - 2; d >= 0; d--) { index[d] = rem % k->shape[d]; rem /= k->shape[d]; }
    for (long row = row_begin; row < row_end; row++) {
        long off = 0;
        for (int d = 0; d < nd - 1; d++) off += index[d] * k->strides[d];
        const T *x = k->x + off;
        T *out = k->out + row * inner;
        if (is == 1) memcpy(out, x, sizeof(T) * inner);
        else for (long i = 0; i < inner; i++) out[i] = x[i * is];
        for (int d = nd - 2; d >= 0; d--) {
            if (++index[d] < k->shape[d]) break;
            index[d] = 0;
        }
    }
}
static void CHUNK(where)(void *c, long b0, long e0) {
    CTX(where) *k = c;
    for (long i = b0; i < e0; i++) k->out[i] = k->cond[i] ? k->a[i] : k->b[i];
}
static void CHUNK(clamp)(void *c, long b0, long e0) {
    CTX(clamp) *k = c;
    for (long i = b0; i < e0; i++) {
        T v = k->x[i];
        k->out[i] = v < k->lo ? k->lo : (v > k->hi ? k->hi : v);
    }
}
static void CHUNK(clamp_bw)(void *c, long b0, long e0) {
    CTX(clamp) *k = c;
    for (long i = b0; i < e0; i++) {
        T v = k->x[i];
        k->out[i] = (v >= k->lo && v <= k->hi) ? k->gy[i] : (T)0;
    }
}

#elif CK_PART == CK_PART_ENTRIES
void FN(ck_fill)(long n, T value, T *out) {
    CTX(fill) k = {value, out};
    ck_parallel_for(n, ELEMENTWISE_GRAIN, CHUNK(fill), &k);
}
void FN(ck_unary)(int op, long n, const T *x, T *out) {
    CTX(unary) k = {op, x, out};
    ck_parallel_for(n, ELEMENTWISE_GRAIN, CHUNK(unary), &k);
}
void FN(ck_unary_backward)(int op, long n, const T *x, const T *y, const T *gy, T *gx) {
    CTX(unary_bw) k = {op, x, y, gy, gx};
    ck_parallel_for(n, ELEMENTWISE_GRAIN, CHUNK(unary_bw), &k);
}
void FN(ck_binary)(int op, long n, const T *a, const T *b, T *out) {
    CTX(binary) k = {op, a, b, 0, out};
    ck_parallel_for(n, ELEMENTWISE_GRAIN, CHUNK(binary), &k);
}
void FN(ck_binary_scalar)(int op, long n, const T *x, T scalar, T *out) {
    CTX(binary) k = {op, x, NULL, scalar, out};
    ck_parallel_for(n, ELEMENTWISE_GRAIN, CHUNK(binary_scalar), &k);
}
void FN(ck_scalar_binary)(int op, long n, T scalar, const T *x, T *out) {
    CTX(binary) k = {op, x, NULL, scalar, out};
    ck_parallel_for(n, ELEMENTWISE_GRAIN, CHUNK(scalar_binary), &k);
}
void FN(ck_binary_strided)(int op, int ndim, const long *shape, const long *sa, const T *a,
                           const long *sb, const T *b, T *out) {
    long rows = 1;
    for (int d = 0; d < ndim - 1; d++) rows *= shape[d];
    long inner = shape[ndim - 1];
    CTX(strided) k = {op, ndim, shape, sa, sb, a, b, out};
    long grain = ELEMENTWISE_GRAIN / (inner > 0 ? inner : 1);
    ck_parallel_for(rows, grain > 0 ? grain : 1, CHUNK(strided), &k);
}
void FN(ck_strided_copy)(int ndim, const long *shape, const long *strides, const T *x, T *out) {
    long rows = 1;
    for (int d = 0; d < ndim - 1; d++) rows *= shape[d];
    long inner = shape[ndim - 1];
    CTX(gather) k = {ndim, shape, strides, x, out};
    long grain = ELEMENTWISE_GRAIN / (inner > 0 ? inner : 1);
    ck_parallel_for(rows, grain > 0 ? grain : 1, CHUNK(gather), &k);
}
void FN(ck_where)(long n, const uint8_t *cond, const T *a, const T *b, T *out) {
    CTX(where) k = {cond, a, b, out};
    ck_parallel_for(n, ELEMENTWISE_GRAIN, CHUNK(where), &k);
}
void FN(ck_clamp)(long n, const T *x, T lo, T hi, T *out) {
    CTX(clamp) k = {x, lo, hi, NULL, out};
    ck_parallel_for(n, ELEMENTWISE_GRAIN, CHUNK(clamp), &k);
}
void FN(ck_clamp_backward)(long n, const T *x, T lo, T hi, const T *gy, T *gx) {
    CTX(clamp) k = {x, lo, hi, gy, gx};
    ck_parallel_for(n, ELEMENTWISE_GRAIN, CHUNK(clamp_bw), &k);
}
#endif
