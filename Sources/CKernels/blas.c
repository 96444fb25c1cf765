// Matrix products on OpenBLAS and factorisations on LAPACKE, for float and double.
#include "ckernels.h"
#include <cblas.h>
#include <lapacke.h>

typedef struct {
    int ta, tb;
    long m, n, k, lda, ldb, ldc, sa, sb, sc;
    const void *a, *b;
    void *c;
    double alpha, beta;
} batched_ctx;

#define DEFINE_BLAS(T, S, GEMM, DOT, AXPY, POTRF)                                                  \
    void ck_gemm_##S(int ta, int tb, long m, long n, long k, T alpha, const T *a, long lda,       \
                     const T *b, long ldb, T beta, T *c, long ldc) {                              \
        if (m == 0 || n == 0) return;                                                              \
        GEMM(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans,        \
             (int)m, (int)n, (int)k, alpha, a, (int)lda, b, (int)ldb, beta, c, (int)ldc);          \
    }                                                                                              \
    static void batched_chunk_##S(void *ctx, long b0, long e0) {                                   \
        batched_ctx *q = ctx;                                                                      \
        for (long i = b0; i < e0; i++)                                                             \
            ck_gemm_##S(q->ta, q->tb, q->m, q->n, q->k, (T)q->alpha, (const T *)q->a + i * q->sa,  \
                        q->lda, (const T *)q->b + i * q->sb, q->ldb, (T)q->beta,                   \
                        (T *)q->c + i * q->sc, q->ldc);                                            \
    }                                                                                              \
    void ck_gemm_batched_##S(long batch, int ta, int tb, long m, long n, long k, T alpha,          \
                             const T *a, long lda, long sa, const T *b, long ldb, long sb, T beta, \
                             T *c, long ldc, long sc) {                                            \
        batched_ctx q = {ta, tb, m, n, k, lda, ldb, ldc, sa, sb, sc, a, b, c, alpha, beta};        \
        /* Big products parallelise inside OpenBLAS; many small ones parallelise over the batch. */\
        if (m * n * k >= 64L * 64 * 64) batched_chunk_##S(&q, 0, batch);                          \
        else ck_parallel_for(batch, 1, batched_chunk_##S, &q);                                     \
    }                                                                                              \
    int ck_cholesky_##S(long batch, long n, T *a) {                                                \
        for (long i = 0; i < batch; i++) {                                                         \
            T *m = a + i * n * n;                                                                  \
            lapack_int info = POTRF(LAPACK_ROW_MAJOR, 'L', (lapack_int)n, m, (lapack_int)n);       \
            if (info != 0) return (int)info;                                                       \
            for (long r = 0; r < n; r++)                                                           \
                for (long col = r + 1; col < n; col++) m[r * n + col] = 0;                         \
        }                                                                                          \
        return 0;                                                                                  \
    }                                                                                              \
    T ck_dot_##S(long n, const T *a, const T *b) { return DOT((int)n, a, 1, b, 1); }               \
    void ck_axpy_##S(long n, T alpha, const T *x, T *y) { AXPY((int)n, alpha, x, 1, y, 1); }

DEFINE_BLAS(float, f32, cblas_sgemm, cblas_sdot, cblas_saxpy, LAPACKE_spotrf)
DEFINE_BLAS(double, f64, cblas_dgemm, cblas_ddot, cblas_daxpy, LAPACKE_dpotrf)
