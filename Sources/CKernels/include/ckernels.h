// CKernels: every hot loop of the library, in C99, for float (f32) and double (f64).
// Callers own all memory: kernels take pointers and sizes and never allocate what they return.
// Parallel loops run on the OpenMP runtime through ck_parallel_for (parallel.c); matrix products
// go to OpenBLAS, which shares that thread pool.
#ifndef CKERNELS_H
#define CKERNELS_H

#include <stddef.h>
#include <stdint.h>

// ---- threading -------------------------------------------------------------------------------
typedef void (*ck_range_fn)(void *context, long begin, long end);
/// Runs fn over [0, n) split into contiguous chunks, one per thread. Runs serially when
/// n < grain or when called from inside another parallel region.
void ck_parallel_for(long n, long grain, ck_range_fn fn, void *context);
int ck_max_threads(void);
void ck_set_num_threads(int n);
/// Number of distinct OpenMP threads that executed one parallel region of `n` chunks (for tests).
int ck_probe_parallel_threads(void);
/// Number of distinct threads OpenBLAS used during one large sgemm (for tests).
int ck_probe_blas_threads(void);

// ---- operation codes -------------------------------------------------------------------------
enum {
    CK_NEG = 0, CK_EXP, CK_LOG, CK_SQRT, CK_RELU, CK_SIGMOID, CK_TANH, CK_SOFTPLUS, CK_ABS,
    CK_SQUARE, CK_RECIPROCAL
};
enum { CK_ADD = 0, CK_SUB, CK_MUL, CK_DIV, CK_MAXIMUM, CK_MINIMUM, CK_POW };
enum { CK_REDUCE_SUM = 0, CK_REDUCE_MAX };

#define CK_DECLARE(T, S)                                                                          \
    void ck_fill_##S(long n, T value, T *out);                                                     \
    /* out = f(x), one of the CK_NEG.. codes */                                                    \
    void ck_unary_##S(int op, long n, const T *x, T *out);                                         \
    /* gx = gy * f'(x), given x and y = f(x) */                                                    \
    void ck_unary_backward_##S(int op, long n, const T *x, const T *y, const T *gy, T *gx);         \
    /* out = x op scalar */                                                                        \
    void ck_binary_scalar_##S(int op, long n, const T *x, T scalar, T *out);                       \
    /* out = scalar op x */                                                                        \
    void ck_scalar_binary_##S(int op, long n, T scalar, const T *x, T *out);                       \
    /* out = a op b, same length */                                                                \
    void ck_binary_##S(int op, long n, const T *a, const T *b, T *out);                            \
    /* out[idx] = a[idx . sa] op b[idx . sb] over an ndim-dimensional index space (broadcast:     \
       stride 0) */                                                                                \
    void ck_binary_strided_##S(int op, int ndim, const long *shape, const long *sa, const T *a,    \
                               const long *sb, const T *b, T *out);                                \
    /* out[idx] = x[idx . strides] : permutation, broadcast expansion or any strided gather */     \
    void ck_strided_copy_##S(int ndim, const long *shape, const long *strides, const T *x, T *out); \
    /* x viewed as [outer, r, inner]; out is [outer, inner]. For MAX, argmax (may be NULL) gets    \
       the index along r. */                                                                       \
    void ck_reduce_##S(int op, long outer, long r, long inner, const T *x, T *out, int32_t *argmax); \
    /* softmax (or log-softmax) along r of x viewed as [outer, r, inner] */                        \
    void ck_softmax_##S(long outer, long r, long inner, const T *x, T *out, int log_space);        \
    /* backward of softmax / log-softmax given y = output, gy; writes gx */                        \
    void ck_softmax_backward_##S(long outer, long r, long inner, const T *y, const T *gy, T *gx,   \
                                 int log_space);                                                   \
    /* logsumexp along r; out is [outer, inner] */                                                 \
    void ck_logsumexp_##S(long outer, long r, long inner, const T *x, T *out);                     \
    /* out = where(cond, a, b), all the same length */                                             \
    void ck_where_##S(long n, const uint8_t *cond, const T *a, const T *b, T *out);                \
    /* out = clamp(x, lo, hi); gx = gy where lo < x < hi (ties pass the gradient) */               \
    void ck_clamp_##S(long n, const T *x, T lo, T hi, T *out);                                     \
    void ck_clamp_backward_##S(long n, const T *x, T lo, T hi, const T *gy, T *gx);                \
    /* C[b] = alpha op(A[b]) op(B[b]) + beta C[b] for b in [0, batch) with the given strides */     \
    void ck_gemm_##S(int trans_a, int trans_b, long m, long n, long k, T alpha, const T *a,        \
                     long lda, const T *b, long ldb, T beta, T *c, long ldc);                      \
    void ck_gemm_batched_##S(long batch, int trans_a, int trans_b, long m, long n, long k, T alpha, \
                             const T *a, long lda, long stride_a, const T *b, long ldb,            \
                             long stride_b, T beta, T *c, long ldc, long stride_c);                \
    /* Cholesky factor (lower) of each of `batch` n x n SPD matrices, in place; returns 0 or the   \
       LAPACK info of the first failure */                                                         \
    int ck_cholesky_##S(long batch, long n, T *a);                                                 \
    T ck_dot_##S(long n, const T *a, const T *b);                                                  \
    void ck_axpy_##S(long n, T alpha, const T *x, T *y);

CK_DECLARE(float, f32)
CK_DECLARE(double, f64)

// ---- indexing and shape: gather, scatter, slices, concatenation, triangular fill -------------
#define CK_DECLARE_INDEXING(T, S)                                                                 \
    /* dst[r * dst_stride + i] (+)= src[r * src_stride + i] for r < rows, i < width: slices and    \
       concatenation (accumulate = 0 copies, 1 adds) */                                            \
    void ck_copy_rows_##S(long rows, long width, const T *src, long src_stride, T *dst,            \
                          long dst_stride, int accumulate);                                        \
    /* x viewed as [outer, n, inner]; out [outer, count, inner] = x[:, idx[j], :] */               \
    void ck_index_select_##S(long outer, long n, long inner, const T *x, long count,               \
                             const long *idx, T *out);                                             \
    /* gx (zeroed here) [outer, n, inner]: gx[:, idx[j], :] += g[:, j, :]; repeats add up */       \
    void ck_index_select_backward_##S(long outer, long n, long inner, const T *g, long count,      \
                                      const long *idx, T *gx);                                     \
    /* x viewed as [outer, n, inner]; out[o, i] = x[o, idx[o * inner + i], i] */                   \
    void ck_gather_##S(long outer, long n, long inner, const T *x, const long *idx, T *out);       \
    /* gx (zeroed here) [outer, n, inner]: gx[o, idx[o * inner + i], i] = g[o, i] */               \
    void ck_gather_backward_##S(long outer, long n, long inner, const T *g, const long *idx,       \
                                T *gx);                                                            \
    /* v [batch, n(n+1)/2] -> out [batch, n, n], lower triangle filled row by row, zeros above */   \
    void ck_fill_lower_##S(long batch, long n, const T *v, T *out);                                \
    void ck_fill_lower_backward_##S(long batch, long n, const T *g, T *gv);

CK_DECLARE_INDEXING(float, f32)
CK_DECLARE_INDEXING(double, f64)

// ---- convolution, pooling, batch normalisation ------------------------------------------------
/// Geometry of a 2-D convolution: input [n, c, h, w], weight [o, c/groups, kh, kw], output
/// [n, o, oh, ow]; square stride, padding and dilation. Callers validate it (sizes >= 1,
/// groups dividing c and o, oh/ow from the usual formula).
typedef struct {
    long n, c, h, w;
    long o, kh, kw;
    long oh, ow;
    long stride, pad, dilation, groups;
} ck_conv2d_shape;

/// Geometry of a 2-D pooling: input [n, c, h, w] (n*c planes), square window, output [.., oh, ow].
typedef struct {
    long planes, h, w;
    long kernel, stride, pad;
    long oh, ow;
} ck_pool2d_shape;

#define CK_DECLARE_CONV(T, S)                                                                     \
    /* y = conv(x, w) (+ bias per output channel; bias may be NULL) */                            \
    void ck_conv2d_forward_##S(const ck_conv2d_shape *s, const T *x, const T *w, const T *bias,   \
                               T *y);                                                             \
    /* Gradients given gy; each of gx [n,c,h,w], gw [o,c/g,kh,kw], gb [o] may be NULL (not        \
       wanted) and is overwritten. The weight gradient sums over the batch. */                    \
    void ck_conv2d_backward_##S(const ck_conv2d_shape *s, const T *x, const T *w, const T *gy,    \
                                T *gx, T *gw, T *gb);                                             \
    /* Max pooling, padding counts as -inf; argmax gets each maximum's index in its plane (the   \
       first one on ties) */                                                                      \
    void ck_maxpool2d_forward_##S(const ck_pool2d_shape *s, const T *x, T *y, int32_t *argmax);   \
    /* gx (overwritten) = gy routed back to the argmax positions */                              \
    void ck_maxpool2d_backward_##S(const ck_pool2d_shape *s, const int32_t *argmax, const T *gy,  \
                                   T *gx);                                                        \
    /* Average pooling, padding counted in the divisor (count_include_pad) */                     \
    void ck_avgpool2d_forward_##S(const ck_pool2d_shape *s, const T *x, T *y);                    \
    void ck_avgpool2d_backward_##S(const ck_pool2d_shape *s, const T *gy, T *gx);                 \
    /* Per-channel mean and biased variance of x viewed as [n, c, inner] (one pass over x) */     \
    void ck_batchnorm_stats_##S(long n, long c, long inner, const T *x, T *mean, T *var);         \
    /* y = (x - mean) * invstd * weight + bias per channel; weight, bias may be NULL */           \
    void ck_batchnorm_apply_##S(long n, long c, long inner, const T *x, const T *mean,           \
                                const T *invstd, const T *weight, const T *bias, T *y);           \
    /* Backward of batchnorm_apply. batch_stats != 0: mean/invstd came from this batch, so the    \
       gradient also flows through them. gx, gw, gb may be NULL; all are overwritten. */         \
    void ck_batchnorm_backward_##S(long n, long c, long inner, const T *x, const T *gy,          \
                                   const T *mean, const T *invstd, const T *weight,               \
                                   int batch_stats, T *gx, T *gw, T *gb);

CK_DECLARE_CONV(float, f32)
CK_DECLARE_CONV(double, f64)

void ck_convert_f32_to_f64(long n, const float *x, double *out);
void ck_convert_f64_to_f32(long n, const double *x, float *out);

// ---- optimisers: fused parameter updates and gradient-norm clipping -------------------------------
// Hyper-parameters as double; each kernel rounds them to the element type once.
typedef struct {
    double learning_rate, momentum, dampening, weight_decay;
    int nesterov;
} ck_sgd_hyper;
typedef struct {
    double learning_rate, beta1, beta2, epsilon, weight_decay;
    /* 0: Adam (L2 penalty added to the gradient); 1: AdamW (param *= 1 - lr * weight_decay) */
    int decoupled;
} ck_adam_hyper;

#define CK_DECLARE_OPTIM(T, S)                                                                    \
    /* PyTorch SGD: d = g + wd p; with momentum, buf = first_step ? d : momentum buf +            \
       (1 - dampening) d, and d = nesterov ? d + momentum buf : buf; then p -= lr d.              \
       momentum_buffer is NULL when momentum is 0. */                                             \
    void ck_sgd_step_##S(long n, T *param, const T *grad, T *momentum_buffer,                     \
                         const ck_sgd_hyper *hyper, int first_step);                              \
    /* PyTorch Adam / AdamW, one step; `step` counts this parameter's updates including this one \
       (1 on the first), for the bias corrections. */                                             \
    void ck_adam_step_##S(long n, T *param, const T *grad, T *exp_avg, T *exp_avg_sq,             \
                          const ck_adam_hyper *hyper, long step);                                 \
    /* sum of x[i]^2, accumulated in double in a thread-count-independent order */                \
    double ck_sum_squares_##S(long n, const T *x);                                                \
    /* x *= factor (factor rounded to T) */                                                       \
    void ck_scale_inplace_##S(long n, T *x, double factor);

CK_DECLARE_OPTIM(float, f32)
CK_DECLARE_OPTIM(double, f64)

#endif
