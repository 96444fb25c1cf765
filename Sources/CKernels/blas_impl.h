// Template body, instantiated for float and double by blas.c through ckernels_instantiate.h
// (T, S, BY_TYPE picks the OpenBLAS / LAPACKE routine).

void FN(ck_gemm)(int ta, int tb, long m, long n, long k, T alpha, const T *a, long lda, const T *b,
                 long ldb, T beta, T *c, long ldc) {
    if (m == 0 || n == 0) return;
    BY_TYPE(cblas_sgemm, cblas_dgemm)(CblasRowMajor, ta ? CblasTrans : CblasNoTrans,
                                      tb ? CblasTrans : CblasNoTrans, (int)m, (int)n, (int)k,
                                      alpha, a, (int)lda, b, (int)ldb, beta, c, (int)ldc);
}

static void CHUNK(batched)(void *ctx, long b0, long e0) {
    batched_ctx *q = ctx;
    for (long i = b0; i < e0; i++)
        FN(ck_gemm)(q->ta, q->tb, q->m, q->n, q->k, (T)q->alpha, (const T *)q->a + i * q->sa,
                    q->lda, (const T *)q->b + i * q->sb, q->ldb, (T)q->beta,
                    (T *)q->c + i * q->sc, q->ldc);
}

void FN(ck_gemm_batched)(long batch, int ta, int tb, long m, long n, long k, T alpha, const T *a,
                         long lda, long sa, const T *b, long ldb, long sb, T beta, T *c, long ldc,
                         long sc) {
    batched_ctx q = {ta, tb, m, n, k, lda, ldb, ldc, sa, sb, sc, a, b, c, alpha, beta};
    // Big products parallelise inside OpenBLAS; many small ones parallelise over the batch.
    if (m * n * k >= 64L * 64 * 64) CHUNK(batched)(&q, 0, batch);
    else ck_parallel_for(batch, 1, CHUNK(batched), &q);
}

int FN(ck_cholesky)(long batch, long n, T *a) {
    for (long i = 0; i < batch; i++) {
        T *m = a + i * n * n;
        lapack_int info = BY_TYPE(LAPACKE_spotrf, LAPACKE_dpotrf)(LAPACK_ROW_MAJOR, 'L',
                                                                  (lapack_int)n, m, (lapack_int)n);
        if (info != 0) return (int)info;
        for (long r = 0; r < n; r++)
            for (long col = r + 1; col < n; col++) m[r * n + col] = 0;
    }
    return 0;
}

T FN(ck_dot)(long n, const T *a, const T *b) {
    return BY_TYPE(cblas_sdot, cblas_ddot)((int)n, a, 1, b, 1);
}

void FN(ck_axpy)(long n, T alpha, const T *x, T *y) {
    BY_TYPE(cblas_saxpy, cblas_daxpy)((int)n, alpha, x, 1, y, 1);
}
