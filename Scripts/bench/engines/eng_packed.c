// Engine (b): im2col + our packed micro-kernel sgemm (packed_gemm.c). Also
//   eng_packed selftest   the gemm against a double-precision naive product, every ISA this CPU
//                         runs, odd sizes, both transposes, beta 0 and not, NaN propagation
//   eng_packed gemm N     square sgemm GFLOP/s, ours (threads over column blocks) vs OpenBLAS
#include "bench.h"
#include "im2col_conv.h"
#include "packed_gemm.h"
#include <cblas.h>
#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static char description[96];
static int prepare(const conv_problem *p) { (void)p; return 1; }
static void run(const conv_problem *p, int dir) { im2col_conv_run(p, dir, packed_sgemm); }
static const char *describe(void) {
    snprintf(description, sizeof description, "micro-kernel %s, %d threads", packed_isa_name(packed_isa()),
             omp_get_max_threads());
    return description;
}

static double naive_error(int ta, int tb, long m, long n, long k, float alpha, const float *a, long lda,
                          const float *b, long ldb, float beta, const float *c0, const float *c, long ldc) {
    double max_err = 0, max_ref = 0;
    for (long i = 0; i < m; i++)
        for (long j = 0; j < n; j++) {
            double acc = 0;
            for (long p = 0; p < k; p++)
                acc += (double)(ta ? a[p * lda + i] : a[i * lda + p]) * (tb ? b[j * ldb + p] : b[p * ldb + j]);
            const double ref = alpha * acc + (beta == 0 ? 0 : beta * (double)c0[i * ldc + j]);
            const double err = fabs(ref - c[i * ldc + j]);
            if (!(err <= max_err)) max_err = err;
            if (fabs(ref) > max_ref) max_ref = fabs(ref);
        }
    return max_ref > 0 ? max_err / max_ref : max_err;
}

static float frand(void) { return (float)rand() / RAND_MAX * 2 - 1; }

static int selftest(void) {
    static const long sizes[] = {1, 3, 6, 7, 12, 13, 16, 17, 31, 33, 97, 100, 257, 300};
    const int count = sizeof sizes / sizeof sizes[0];
    int failures = 0, cases = 0;
    for (int isa = PACKED_GENERIC; isa <= packed_isa_best(); isa++) {
        packed_set_isa(isa);
        double worst = 0;
        for (int t = 0; t < 120; t++) {
            const long m = sizes[rand() % count], n = sizes[rand() % count], k = sizes[rand() % count];
            const int ta = rand() % 2, tb = rand() % 2;
            const float alpha = t % 3 ? 1.0f : 0.5f, beta = t % 4 == 0 ? 1.5f : 0.0f;
            const long lda = (ta ? m : k) + 3, ldb = (tb ? k : n) + 5, ldc = n + 2;
            float *a = malloc(sizeof(float) * (ta ? k : m) * lda), *b = malloc(sizeof(float) * (tb ? n : k) * ldb);
            float *c = malloc(sizeof(float) * m * ldc), *c0 = malloc(sizeof(float) * m * ldc);
            for (long i = 0; i < (ta ? k : m) * lda; i++) a[i] = frand();
            for (long i = 0; i < (tb ? n : k) * ldb; i++) b[i] = frand();
            for (long i = 0; i < m * ldc; i++) c0[i] = beta == 0 ? NAN : frand();  // beta 0 must not read C
            memcpy(c, c0, sizeof(float) * m * ldc);
            packed_sgemm(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
            const double err = naive_error(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c0, c, ldc);
            cases++;
            if (!(err < 1e-5)) {
                failures++;
                printf("FAIL %s ta=%d tb=%d m=%ld n=%ld k=%ld beta=%g: error %.3g\n", packed_isa_name(isa), ta, tb,
                       m, n, k, beta, err);
            }
            if (err > worst) worst = err;
            // NaN in A reaches exactly the row it is in.
            if (t % 10 == 0 && m > 1) {
                a[ta ? 0 : 0] = NAN;  // element (row 0, p 0) in either layout
                packed_sgemm(ta, tb, m, n, k, alpha, a, lda, b, ldb, 0, c, ldc);
                int ok = 1;
                for (long j = 0; j < n; j++) ok &= isnan(c[j]);
                for (long i = 1; i < m; i++)
                    for (long j = 0; j < n; j++) ok &= !isnan(c[i * ldc + j]);
                cases++;
                if (!ok) { failures++; printf("FAIL %s NaN propagation m=%ld n=%ld k=%ld\n", packed_isa_name(isa), m, n, k); }
            }
            free(a); free(b); free(c); free(c0);
        }
        printf("selftest %s: worst normwise relative error %.3g\n", packed_isa_name(isa), worst);
    }
    printf("selftest: %d cases, %d failures (AVX-512 %s on this CPU)\n", cases, failures,
           packed_isa_best() >= PACKED_AVX512 ? "tested" : "not runnable, not tested");
    return failures ? 1 : 0;
}

static int gemm_speed(long n) {
    float *a = malloc(sizeof(float) * n * n), *b = malloc(sizeof(float) * n * n), *c = malloc(sizeof(float) * n * n);
    for (long i = 0; i < n * n; i++) { a[i] = frand(); b[i] = frand(); c[i] = 0; }
    for (int round = 0; round < 5; round++) {
        for (int which = 0; which < 2; which++) {
            struct timespec c0, c1;
            clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c0);
            const double t0 = now_seconds();
            if (which == 0) packed_sgemm_parallel(0, 0, n, n, n, 1, a, n, b, n, 0, c, n);
            else cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, n, n, 1, a, n, b, n, 0, c, n);
            const double dt = now_seconds() - t0;
            clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c1);
            const double cpu = (c1.tv_sec - c0.tv_sec) + 1e-9 * (c1.tv_nsec - c0.tv_nsec);
            printf("sgemm %ld %s round %d: %.1f GFLOP/s, %.1f GFLOP per CPU-second\n", n, which ? "openblas" : "packed",
                   round, 2.0 * n * n * n / dt * 1e-9, 2.0 * n * n * n / cpu * 1e-9);
        }
    }
    return 0;
}

int main(int argc, char **argv) {
    if (argc > 1 && strcmp(argv[1], "selftest") == 0) return selftest();
    if (argc > 2 && strcmp(argv[1], "gemm") == 0) return gemm_speed(atol(argv[2]));
    const conv_engine engine = {"packed", prepare, run, NULL, NULL, describe};
    return bench_main(argc, argv, &engine);
}
