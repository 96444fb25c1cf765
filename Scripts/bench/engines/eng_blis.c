// Engine (e): im2col (im2col_conv.c, the same driver as engine (b)) + BLIS sgemm (Debian's
// OpenMP build, its own run-time kernel choice), one BLIS thread per call inside our threads.
#include "bench.h"
#include "im2col_conv.h"
#include <blis.h>
#include <omp.h>
#include <stdio.h>

static char description[128];

static void blis_gemm(int ta, int tb, long m, long n, long k, float alpha, const float *a, long lda,
                      const float *b, long ldb, float beta, float *c, long ldc) {
    // Row-major operands as BLIS strides: a transposed operand just swaps row and column strides.
    bli_sgemm(BLIS_NO_TRANSPOSE, BLIS_NO_TRANSPOSE, m, n, k, &alpha, (float *)a, ta ? 1 : lda, ta ? lda : 1,
              (float *)b, tb ? 1 : ldb, tb ? ldb : 1, &beta, c, ldc, 1);
}

static int prepare(const conv_problem *p) {
    (void)p;
    bli_thread_set_num_threads(1);
    return 1;
}
static void run(const conv_problem *p, int dir) { im2col_conv_run(p, dir, blis_gemm); }
static const char *describe(void) {
    snprintf(description, sizeof description, "BLIS %s, config %s, %d threads", bli_info_get_version_str(),
             bli_arch_string(bli_arch_query_id()), omp_get_max_threads());
    return description;
}

int main(int argc, char **argv) {
    const conv_engine engine = {"blis", prepare, run, NULL, NULL, describe};
    return bench_main(argc, argv, &engine);
}
