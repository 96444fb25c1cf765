// The typed kernel entry points, written once with T (element type) and FN(name) (name with the
// type suffix): ckernels.h expands this template through ckernels_instantiate.h for float (f32)
// and double (f64), exactly as the kernel sources expand their bodies.

// ---- elementwise, reductions, linear algebra ---------------------------------------------------
void FN(ck_fill)(long n, T value, T *out);
/* out = f(x), one of the CK_NEG.. codes */
void FN(ck_unary)(int op, long n, const T *x, T *out);
/* gx = gy * f'(x), given x and y = f(x) */
void FN(ck_unary_backward)(int op, long n, const T *x, const T *y, const T *gy, T *gx);
/* out = x op scalar */
void FN(ck_binary_scalar)(int op, long n, const T *x, T scalar, T *out);
/* out = scalar op x */
void FN(ck_scalar_binary)(int op, long n, T scalar, const T *x, T *out);
/* out = a op b, same length */
void FN(ck_binary)(int op, long n, const T *a, const T *b, T *out);
/* out[idx] = a[idx . sa] op b[idx . sb] over an ndim-dimensional index space (broadcast:
   stride 0) */
void FN(ck_binary_strided)(int op, int ndim, const long *shape, const long *sa, const T *a,
                           const long *sb, const T *b, T *out);
/* out[idx] = x[idx . strides] : permutation, broadcast expansion or any strided gather */
void FN(ck_strided_copy)(int ndim, const long *shape, const long *strides, const T *x, T *out);
/* x viewed as [outer, r, inner]; out is [outer, inner]. For MAX, argmax (may be NULL) gets
   the index along r. */
void FN(ck_reduce)(int op, long outer, long r, long inner, const T *x, T *out, int32_t *argmax);
/* softmax (or log-softmax) along r of x viewed as [outer, r, inner] */
void FN(ck_softmax)(long outer, long r, long inner, const T *x, T *out, int log_space);
/* backward of softmax / log-softmax given y = output, gy; writes gx */
void FN(ck_softmax_backward)(long outer, long r, long inner, const T *y, const T *gy, T *gx,
                             int log_space);
/* logsumexp along r; out is [outer, inner] */
void FN(ck_logsumexp)(long outer, long r, long inner, const T *x, T *out);
/* out = where(cond, a, b), all the same length */
void FN(ck_where)(long n, const uint8_t *cond, const T *a, const T *b, T *out);
/* out = clamp(x, lo, hi); gx = gy where lo < x < hi (ties pass the gradient) */
void FN(ck_clamp)(long n, const T *x, T lo, T hi, T *out);
void FN(ck_clamp_backward)(long n, const T *x, T lo, T hi, const T *gy, T *gx);
/* C[b] = alpha op(A[b]) op(B[b]) + beta C[b] for b in [0, batch) with the given strides */
void FN(ck_gemm)(int trans_a, int trans_b, long m, long n, long k, T alpha, const T *a,
                 long lda, const T *b, long ldb, T beta, T *c, long ldc);
void FN(ck_gemm_batched)(long batch, int trans_a, int trans_b, long m, long n, long k, T alpha,
                         const T *a, long lda, long stride_a, const T *b, long ldb,
                         long stride_b, T beta, T *c, long ldc, long stride_c);
/* Cholesky factor (lower) of each of `batch` n x n SPD matrices, in place; returns 0 or the
   LAPACK info of the first failure */
int FN(ck_cholesky)(long batch, long n, T *a);
T FN(ck_dot)(long n, const T *a, const T *b);
void FN(ck_axpy)(long n, T alpha, const T *x, T *y);

// ---- indexing and shape: gather, scatter, slices, concatenation, triangular fill -------------
/* dst[r * dst_stride + i] (+)= src[r * src_stride + i] for r < rows, i < width: slices and
   concatenation (accumulate = 0 copies, 1 adds) */
void FN(ck_copy_rows)(long rows, long width, const T *src, long src_stride, T *dst,
                      long dst_stride, int accumulate);
/* x viewed as [outer, n, inner]; out [outer, count, inner] = x[:, idx[j], :] */
void FN(ck_index_select)(long outer, long n, long inner, const T *x, long count,
                         const long *idx, T *out);
/* gx (zeroed here) [outer, n, inner]: gx[:, idx[j], :] += g[:, j, :]; repeats add up */
void FN(ck_index_select_backward)(long outer, long n, long inner, const T *g, long count,
                                  const long *idx, T *gx);
/* x viewed as [outer, n, inner]; out[o, i] = x[o, idx[o * inner + i], i] */
void FN(ck_gather)(long outer, long n, long inner, const T *x, const long *idx, T *out);
/* gx (zeroed here) [outer, n, inner]: gx[o, idx[o * inner + i], i] = g[o, i] */
void FN(ck_gather_backward)(long outer, long n, long inner, const T *g, const long *idx,
                            T *gx);
/* v [batch, n(n+1)/2] -> out [batch, n, n], lower triangle filled row by row, zeros above */
void FN(ck_fill_lower)(long batch, long n, const T *v, T *out);
void FN(ck_fill_lower_backward)(long batch, long n, const T *g, T *gv);

// ---- convolution, pooling, batch normalisation ------------------------------------------------
/* y = conv(x, w) (+ bias per output channel; bias may be NULL) */
void FN(ck_conv2d_forward)(const ck_conv2d_shape *s, const T *x, const T *w, const T *bias,
                           T *y);
/* Gradients given gy; each of gx [n,c,h,w], gw [o,c/g,kh,kw], gb [o] may be NULL (not
   wanted) and is overwritten. The weight gradient sums over the batch. */
void FN(ck_conv2d_backward)(const ck_conv2d_shape *s, const T *x, const T *w, const T *gy,
                            T *gx, T *gw, T *gb);
/* The same two on im2col + gemm whatever the engine (the reference the other engine is tested
   against) */
void FN(ck_conv2d_im2col_forward)(const ck_conv2d_shape *s, const T *x, const T *w,
                                  const T *bias, T *y);
void FN(ck_conv2d_im2col_backward)(const ck_conv2d_shape *s, const T *x, const T *w,
                                   const T *gy, T *gx, T *gw, T *gb);
/* Winograd F(2x2, 3x3) (winograd.c): the 3x3 filters w [o, c, 3, 3] as the 16 matrices
   u [16, o, c] that ck_winograd3x3 multiplies by */
void FN(ck_winograd3x3_weights)(const T *w, long o, long c, T *u);
/* y = conv(x, w) + bias (NULL: none), 3x3 kernel, stride 1, padding 1, on channel-blocked
   activations [n, channels / block, h, w, block] (block 1: NCHW; 8 or 16: oneDNN's nChw8c /
   nChw16c with c and o whole blocks), u from ck_winograd3x3_weights; with accumulate the result
   is added to y instead of written; then ReLU if relu (NaN passes). With data_gradient, x is
   the output gradient gy [n, o, h, w] and y gets the input gradient gx [n, c, h, w] (bias NULL). */
void FN(ck_winograd3x3)(const T *x, long n, long c, long h, long w, long block, const T *u,
                        long o, const T *bias, T *y, int accumulate, int relu, int data_gradient);
/* The weight gradient gw [o, c, 3, 3] (overwritten) of that convolution, given x [n, c, h, w]
   and gy [n, o, h, w] in the same blocks */
void FN(ck_winograd3x3_weight_gradient)(const T *x, const T *gy, long n, long c, long h, long w,
                                        long block, long o, T *gw);
/* Max pooling, padding counts as -inf; argmax gets each maximum's index in its plane (the
   first one on ties) */
void FN(ck_maxpool2d_forward)(const ck_pool2d_shape *s, const T *x, T *y, int32_t *argmax);
/* gx (overwritten) = gy routed back to the argmax positions */
void FN(ck_maxpool2d_backward)(const ck_pool2d_shape *s, const int32_t *argmax, const T *gy,
                               T *gx);
/* Average pooling, padding counted in the divisor (count_include_pad) */
void FN(ck_avgpool2d_forward)(const ck_pool2d_shape *s, const T *x, T *y);
void FN(ck_avgpool2d_backward)(const ck_pool2d_shape *s, const T *gy, T *gx);
/* Per-channel mean and biased variance of x viewed as [n, c, inner] (one pass over x) */
void FN(ck_batchnorm_stats)(long n, long c, long inner, const T *x, T *mean, T *var);
/* y = (x - mean) * invstd * weight + bias per channel; weight, bias may be NULL */
void FN(ck_batchnorm_apply)(long n, long c, long inner, const T *x, const T *mean,
                            const T *invstd, const T *weight, const T *bias, T *y);
/* Backward of batchnorm_apply. batch_stats != 0: mean/invstd came from this batch, so the
   gradient also flows through them. gx, gw, gb may be NULL; all are overwritten. */
void FN(ck_batchnorm_backward)(long n, long c, long inner, const T *x, const T *gy,
                               const T *mean, const T *invstd, const T *weight,
                               int batch_stats, T *gx, T *gw, T *gb);
/* Fused y = relu(batchnorm_apply(x) + residual), residual optional (NULL): one pass, bit for bit
   the unfused ops' result (relu keeps NaN). */
void FN(ck_batchnorm_relu_apply)(long n, long c, long inner, const T *x, const T *mean,
                                 const T *invstd, const T *weight, const T *bias,
                                 const T *residual, T *y);
/* Its backward from the saved inputs (x, residual, the statistics and affine parameters):
   the relu mask is recomputed, never stored. gresidual (the masked gy) is required with a
   residual and NULL without; gx, gw, gb may be NULL; all are overwritten. */
void FN(ck_batchnorm_relu_backward)(long n, long c, long inner, const T *x, const T *residual,
                                    const T *gy, const T *mean, const T *invstd,
                                    const T *weight, const T *bias, int batch_stats, T *gx,
                                    T *gw, T *gb, T *gresidual);

// ---- optimisers: fused parameter updates and gradient-norm clipping ---------------------------
/* PyTorch SGD: d = g + wd p; with momentum, buf = first_step ? d : momentum buf +
   (1 - dampening) d, and d = nesterov ? d + momentum buf : buf; then p -= lr d.
   momentum_buffer is NULL when momentum is 0. */
void FN(ck_sgd_step)(long n, T *param, const T *grad, T *momentum_buffer,
                     const ck_sgd_hyper *hyper, int first_step);
/* PyTorch Adam / AdamW, one step; `step` counts this parameter's updates including this one
   (1 on the first), for the bias corrections. */
void FN(ck_adam_step)(long n, T *param, const T *grad, T *exp_avg, T *exp_avg_sq,
                      const ck_adam_hyper *hyper, long step);
/* sum of x[i]^2, accumulated in double in a thread-count-independent order */
double FN(ck_sum_squares)(long n, const T *x);
/* x *= factor (factor rounded to T) */
void FN(ck_scale_inplace)(long n, T *x, double factor);
