#include "packed_gemm.h"
#include <immintrin.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>

#define KC 256
#define MC 96   // a multiple of every MR
#define NC 2048 // a multiple of every NR

typedef void (*micro_kernel)(long kc, const float *a, const float *b, float *c, long ldc, float alpha, float beta);

// ---- micro-kernels: C[MR,NR] = alpha * sum_p a[p*MR + i] * b[p*NR + j] + beta * C ----------

static void kernel_generic(long kc, const float *a, const float *b, float *c, long ldc, float alpha, float beta) {
    float acc[4][8] = {{0}};
    for (long p = 0; p < kc; p++, a += 4, b += 8)
        for (int i = 0; i < 4; i++)
            for (int j = 0; j < 8; j++) acc[i][j] += a[i] * b[j];
    for (int i = 0; i < 4; i++)
        for (int j = 0; j < 8; j++)
            c[i * ldc + j] = beta == 0 ? alpha * acc[i][j] : alpha * acc[i][j] + beta * c[i * ldc + j];
}

#if defined(__x86_64__)
__attribute__((target("avx2,fma")))
static void kernel_avx2(long kc, const float *a, const float *b, float *c, long ldc, float alpha, float beta) {
    __m256 c00 = _mm256_setzero_ps(), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00;
    __m256 c30 = c00, c31 = c00, c40 = c00, c41 = c00, c50 = c00, c51 = c00;
    for (long p = 0; p < kc; p++, a += 6, b += 16) {
        const __m256 b0 = _mm256_load_ps(b), b1 = _mm256_load_ps(b + 8);
        __m256 x = _mm256_broadcast_ss(a + 0);
        c00 = _mm256_fmadd_ps(x, b0, c00); c01 = _mm256_fmadd_ps(x, b1, c01);
        x = _mm256_broadcast_ss(a + 1);
        c10 = _mm256_fmadd_ps(x, b0, c10); c11 = _mm256_fmadd_ps(x, b1, c11);
        x = _mm256_broadcast_ss(a + 2);
        c20 = _mm256_fmadd_ps(x, b0, c20); c21 = _mm256_fmadd_ps(x, b1, c21);
        x = _mm256_broadcast_ss(a + 3);
        c30 = _mm256_fmadd_ps(x, b0, c30); c31 = _mm256_fmadd_ps(x, b1, c31);
        x = _mm256_broadcast_ss(a + 4);
        c40 = _mm256_fmadd_ps(x, b0, c40); c41 = _mm256_fmadd_ps(x, b1, c41);
        x = _mm256_broadcast_ss(a + 5);
        c50 = _mm256_fmadd_ps(x, b0, c50); c51 = _mm256_fmadd_ps(x, b1, c51);
    }
    const __m256 va = _mm256_set1_ps(alpha), vb = _mm256_set1_ps(beta);
    __m256 rows[12] = {c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51};
    for (int i = 0; i < 6; i++)
        for (int h = 0; h < 2; h++) {
            float *dst = c + i * ldc + 8 * h;
            __m256 v = _mm256_mul_ps(va, rows[2 * i + h]);
            if (beta != 0) v = _mm256_fmadd_ps(vb, _mm256_loadu_ps(dst), v);
            _mm256_storeu_ps(dst, v);
        }
}

// Not runnable on the development VM (its hypervisor hides AVX-512): compiled, and exercised by
// the self-test wherever the CPU has it.
__attribute__((target("avx512f")))
static void kernel_avx512(long kc, const float *a, const float *b, float *c, long ldc, float alpha, float beta) {
    __m512 acc[12][2];
    for (int i = 0; i < 12; i++) acc[i][0] = acc[i][1] = _mm512_setzero_ps();
    for (long p = 0; p < kc; p++, a += 12, b += 32) {
        const __m512 b0 = _mm512_load_ps(b), b1 = _mm512_load_ps(b + 16);
#pragma GCC unroll 12
        for (int i = 0; i < 12; i++) {
            const __m512 x = _mm512_set1_ps(a[i]);
            acc[i][0] = _mm512_fmadd_ps(x, b0, acc[i][0]);
            acc[i][1] = _mm512_fmadd_ps(x, b1, acc[i][1]);
        }
    }
    const __m512 va = _mm512_set1_ps(alpha), vb = _mm512_set1_ps(beta);
    for (int i = 0; i < 12; i++)
        for (int h = 0; h < 2; h++) {
            float *dst = c + i * ldc + 16 * h;
            __m512 v = _mm512_mul_ps(va, acc[i][h]);
            if (beta != 0) v = _mm512_fmadd_ps(vb, _mm512_loadu_ps(dst), v);
            _mm512_storeu_ps(dst, v);
        }
}
#endif

typedef struct {
    int mr, nr;
    micro_kernel kernel;
} isa_table;

static const isa_table tables[3] = {
    {4, 8, kernel_generic},
#if defined(__x86_64__)
    {6, 16, kernel_avx2},
    {12, 32, kernel_avx512},
#endif
};

static int active = -1;

int packed_isa_best(void) {
#if defined(__x86_64__)
    __builtin_cpu_init();  // gcc's checks include the OS saving the registers (XCR0)
    if (__builtin_cpu_supports("avx512f")) return PACKED_AVX512;
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return PACKED_AVX2;
#endif
    return PACKED_GENERIC;
}

const char *packed_isa_name(int isa) {
    return isa == PACKED_AVX512 ? "avx512" : isa == PACKED_AVX2 ? "avx2" : "generic";
}

int packed_isa(void) {
    if (active < 0) {
        int best = packed_isa_best();
        const char *cap = getenv("ENGINES_MAX_ISA");
        if (cap && strcmp(cap, "generic") == 0) best = PACKED_GENERIC;
        else if (cap && strcmp(cap, "avx2") == 0 && best > PACKED_AVX2) best = PACKED_AVX2;
        active = best;
    }
    return active;
}

int packed_set_isa(int isa) {
    if (isa > packed_isa_best()) return 0;
    active = isa;
    return 1;
}

// ---- packing -------------------------------------------------------------------------------

// op(A)[i0.., p0..] (mc x kc) into panels of mr rows: panel r holds, for each p, mr values.
// Rows past mc are zero so the kernel can always run a full tile.
static void pack_a(int ta, const float *a, long lda, long i0, long p0, long mc, long kc, int mr, float *out) {
    for (long r = 0; r < mc; r += mr) {
        const long rows = mc - r < mr ? mc - r : mr;
        for (long p = 0; p < kc; p++) {
            for (long i = 0; i < rows; i++)
                out[p * mr + i] = ta ? a[(p0 + p) * lda + i0 + r + i] : a[(i0 + r + i) * lda + p0 + p];
            for (long i = rows; i < mr; i++) out[p * mr + i] = 0;
        }
        out += kc * mr;
    }
}

// op(B)[p0.., j0..] (kc x nc) into panels of nr columns: panel q holds, for each p, nr values.
static void pack_b(int tb, const float *b, long ldb, long p0, long j0, long kc, long nc, int nr, float *out) {
    for (long q = 0; q < nc; q += nr) {
        const long cols = nc - q < nr ? nc - q : nr;
        for (long p = 0; p < kc; p++) {
            if (!tb && cols == nr) memcpy(out + p * nr, b + (p0 + p) * ldb + j0 + q, sizeof(float) * nr);
            else {
                for (long j = 0; j < cols; j++)
                    out[p * nr + j] = tb ? b[(j0 + q + j) * ldb + p0 + p] : b[(p0 + p) * ldb + j0 + q + j];
                for (long j = cols; j < nr; j++) out[p * nr + j] = 0;
            }
        }
        out += kc * nr;
    }
}

static float *thread_buffer(int which, size_t count) {
    static __thread float *buffers[2];
    static __thread size_t capacity[2];
    if (count > capacity[which]) {
        free(buffers[which]);
        buffers[which] = aligned_alloc(64, ((sizeof(float) * count + 63) / 64) * 64);
        capacity[which] = count;
    }
    return buffers[which];
}

void packed_sgemm(int ta, int tb, long m, long n, long k, float alpha, const float *a, long lda,
                  const float *b, long ldb, float beta, float *c, long ldc) {
    if (m <= 0 || n <= 0) return;
    const isa_table *t = &tables[packed_isa()];
    const int mr = t->mr, nr = t->nr;
    if (k <= 0 || alpha == 0) {  // C = beta C
        for (long i = 0; i < m; i++)
            for (long j = 0; j < n; j++) c[i * ldc + j] = beta == 0 ? 0 : beta * c[i * ldc + j];
        return;
    }
    float *pa = thread_buffer(0, (size_t)MC * KC);
    float *pb = thread_buffer(1, (size_t)KC * (NC + 32));
    float edge[12 * 32];
    for (long j0 = 0; j0 < n; j0 += NC) {
        const long nc = n - j0 < NC ? n - j0 : NC;
        for (long p0 = 0; p0 < k; p0 += KC) {
            const long kc = k - p0 < KC ? k - p0 : KC;
            const float step_beta = p0 == 0 ? beta : 1.0f;
            pack_b(tb, b, ldb, p0, j0, kc, nc, nr, pb);
            for (long i0 = 0; i0 < m; i0 += MC) {
                const long mc = m - i0 < MC ? m - i0 : MC;
                pack_a(ta, a, lda, i0, p0, mc, kc, mr, pa);
                for (long jr = 0; jr < nc; jr += nr) {
                    const long cols = nc - jr < nr ? nc - jr : nr;
                    for (long ir = 0; ir < mc; ir += mr) {
                        const long rows = mc - ir < mr ? mc - ir : mr;
                        const float *ap = pa + ir * kc, *bp = pb + jr * kc;
                        float *cp = c + (i0 + ir) * ldc + j0 + jr;
                        if (rows == mr && cols == nr) {
                            t->kernel(kc, ap, bp, cp, ldc, alpha, step_beta);
                            continue;
                        }
                        t->kernel(kc, ap, bp, edge, nr, alpha, 0);
                        for (long i = 0; i < rows; i++)
                            for (long j = 0; j < cols; j++)
                                cp[i * ldc + j] = step_beta == 0 ? edge[i * nr + j]
                                                                 : edge[i * nr + j] + step_beta * cp[i * ldc + j];
                    }
                }
            }
        }
    }
}

void packed_sgemm_parallel(int ta, int tb, long m, long n, long k, float alpha, const float *a,
                           long lda, const float *b, long ldb, float beta, float *c, long ldc) {
    const long nr = tables[packed_isa()].nr;
    const long blocks = (n + nr - 1) / nr;
#pragma omp parallel
    {
        const long threads = omp_get_num_threads(), t = omp_get_thread_num();
        const long first = blocks * t / threads * nr, last = blocks * (t + 1) / threads * nr;
        const long end = last < n ? last : n;
        if (first < end)
            packed_sgemm(ta, tb, m, end - first, k, alpha, a, lda, tb ? b + first * ldb : b + first, ldb,
                         beta, c + first, ldc);
    }
}
