// Engine (c): im2col (im2col_conv.c, the same driver as engine (b)) + libxsmm's JIT GEMM
// kernels. libxsmm generates code for a fixed small (m, n, k, ld) at run time for the CPU it
// finds; it does not pack, so the product is cut into blocks and one kernel per block shape is
// dispatched (libxsmm caches them). It is column-major with alpha 1 and beta 0 or 1, so the
// row-major C = op(A) op(B) is computed as C^T = op(B)^T op(A)^T, and transposed operands are
// first copied untransposed (the copy is timed: it is the cost of using these kernels here).
#include "bench.h"
#include "im2col_conv.h"
#include <libxsmm.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>

#define BLOCK_COLS 64  // of C (libxsmm's m)
#define BLOCK_ROWS 16  // of C (libxsmm's n)
#define BLOCK_K 256

static char description[128];

static float *thread_copy(int which, size_t count) {
    static __thread float *buffers[2];
    static __thread size_t capacity[2];
    if (count > capacity[which]) {
        free(buffers[which]);
        buffers[which] = malloc(sizeof(float) * count);
        capacity[which] = count;
    }
    return buffers[which];
}

// Row-major rows x cols (leading dimension ld) transposed into a dense cols x rows copy.
static const float *transposed(int which, const float *m, long rows, long cols, long ld) {
    float *t = thread_copy(which, (size_t)rows * cols);
    for (long i = 0; i < rows; i++)
        for (long j = 0; j < cols; j++) t[j * rows + i] = m[i * ld + j];
    return t;
}

static void xsmm_gemm(int ta, int tb, long m, long n, long k, float alpha, const float *a, long lda,
                      const float *b, long ldb, float beta, float *c, long ldc) {
    if (alpha != 1 || (beta != 0 && beta != 1)) abort();  // the driver only asks for these
    if (ta) { a = transposed(0, a, k, m, lda); lda = k; }
    if (tb) { b = transposed(1, b, n, k, ldb); ldb = n; }
    const libxsmm_blasint la = ldb, lb = lda, lc = ldc;
    for (long i0 = 0; i0 < m; i0 += BLOCK_ROWS) {
        const libxsmm_blasint rows = m - i0 < BLOCK_ROWS ? m - i0 : BLOCK_ROWS;
        for (long j0 = 0; j0 < n; j0 += BLOCK_COLS) {
            const libxsmm_blasint cols = n - j0 < BLOCK_COLS ? n - j0 : BLOCK_COLS;
            for (long p0 = 0; p0 < k; p0 += BLOCK_K) {
                const libxsmm_blasint depth = k - p0 < BLOCK_K ? k - p0 : BLOCK_K;
                const float one = 1, block_beta = p0 == 0 ? beta : 1;
                const libxsmm_smmfunction kernel =
                    libxsmm_smmdispatch(cols, rows, depth, &la, &lb, &lc, &one, &block_beta, NULL, NULL);
                if (!kernel) abort();
                kernel(b + p0 * ldb + j0, a + i0 * lda + p0, c + i0 * ldc + j0);
            }
        }
    }
}

static int prepare(const conv_problem *p) {
    (void)p;
    libxsmm_init();
    return 1;
}
static void run(const conv_problem *p, int dir) { im2col_conv_run(p, dir, xsmm_gemm); }
static const char *describe(void) {
    snprintf(description, sizeof description, "libxsmm %s, target %s, blocks %dx%dx%d, %d threads",
             LIBXSMM_VERSION, libxsmm_get_target_arch(), BLOCK_ROWS, BLOCK_COLS, BLOCK_K, omp_get_max_threads());
    return description;
}

int main(int argc, char **argv) {
    const conv_engine engine = {"libxsmm-jit", prepare, run, NULL, NULL, describe};
    return bench_main(argc, argv, &engine);
}
