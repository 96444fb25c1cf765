// Engine (b): our own packed sgemm. A and B are copied into micro-panels (MR rows of A, NR
// columns of B, KC deep) and a register-blocked micro-kernel computes one MR x NR tile of C
// from them: 6x16 with AVX2+FMA (12 ymm accumulators), 12x32 with AVX-512 (24 zmm), and a plain
// C 4x8 kernel as the fallback and reference. The instruction set is chosen once from cpuid,
// capped by ENGINES_MAX_ISA=generic|avx2|avx512; this file is compiled for baseline x86-64 and
// the kernels carry target attributes, as a SwiftPM C target would need.
#ifndef ENGINES_PACKED_GEMM_H
#define ENGINES_PACKED_GEMM_H

enum { PACKED_GENERIC = 0, PACKED_AVX2, PACKED_AVX512 };

// The instruction set in use, and the best one the CPU and OS allow.
int packed_isa(void);
int packed_isa_best(void);
// Forces an instruction set (tests); returns 0 if this CPU cannot run it.
int packed_set_isa(int isa);
const char *packed_isa_name(int isa);

// Row-major C[m,n] = alpha op(A) op(B) + beta C on the calling thread. beta == 0 never reads C.
void packed_sgemm(int ta, int tb, long m, long n, long k, float alpha, const float *a, long lda,
                  const float *b, long ldb, float beta, float *c, long ldc);
// The same, split over OpenMP threads by blocks of columns of C.
void packed_sgemm_parallel(int ta, int tb, long m, long n, long k, float alpha, const float *a,
                           long lda, const float *b, long ldb, float beta, float *c, long ldc);
#endif
