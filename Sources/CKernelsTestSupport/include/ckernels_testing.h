// Test support for CKernels: probes the thread tests use. Only test targets depend on this.
#ifndef CKERNELS_TESTING_H
#define CKERNELS_TESTING_H

/// Number of distinct OpenMP threads that executed one parallel region of `n` chunks (for tests).
int ck_probe_parallel_threads(void);
/// Number of distinct threads OpenBLAS used during one large sgemm (for tests).
int ck_probe_blas_threads(void);

#endif
