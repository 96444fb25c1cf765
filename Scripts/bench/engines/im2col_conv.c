#include "im2col_conv.h"
#include <omp.h>
#include <stdlib.h>
#include <string.h>

#define MIN_GEMM_COLUMNS 256
#define WEIGHT_SLABS 4

// Scratch kept per thread across calls (as the library's scratch.c does), so no call pays for
// fresh pages.
static float *thread_scratch(size_t count) {
    static __thread float *buffer;
    static __thread size_t capacity;
    if (count > capacity) {
        free(buffer);
        buffer = aligned_alloc(64, ((sizeof(float) * count + 63) / 64) * 64);
        capacity = count;
    }
    return buffer;
}

typedef struct {
    long n, c, h, w, o, k, stride, pad, oh, ow;
} geometry;

// Columns of `count` images starting at x: rows c*k*k, columns count*oh*ow, row stride ld.
static void im2col(const geometry *g, const float *x, long count, float *col, long ld) {
    const long ohw = g->oh * g->ow, hw = g->h * g->w;
    for (long j = 0; j < count; j++)
        for (long c = 0; c < g->c; c++)
            for (long a = 0; a < g->k; a++)
                for (long b = 0; b < g->k; b++) {
                    float *row = col + ((c * g->k + a) * g->k + b) * ld + j * ohw;
                    const float *plane = x + (j * g->c + c) * hw;
                    for (long y = 0; y < g->oh; y++) {
                        const long iy = y * g->stride - g->pad + a;
                        float *dst = row + y * g->ow;
                        if (iy < 0 || iy >= g->h) { memset(dst, 0, sizeof(float) * g->ow); continue; }
                        const float *src = plane + iy * g->w;
                        for (long t = 0; t < g->ow; t++) {
                            const long ix = t * g->stride - g->pad + b;
                            dst[t] = ix >= 0 && ix < g->w ? src[ix] : 0.0f;
                        }
                    }
                }
}

// Adjoint of im2col: adds the columns onto zeroed image gradients.
static void col2im(const geometry *g, const float *col, long ld, long count, float *gx) {
    const long ohw = g->oh * g->ow, hw = g->h * g->w;
    for (long j = 0; j < count; j++)
        for (long c = 0; c < g->c; c++)
            for (long a = 0; a < g->k; a++)
                for (long b = 0; b < g->k; b++) {
                    const float *row = col + ((c * g->k + a) * g->k + b) * ld + j * ohw;
                    float *plane = gx + (j * g->c + c) * hw;
                    for (long y = 0; y < g->oh; y++) {
                        const long iy = y * g->stride - g->pad + a;
                        if (iy < 0 || iy >= g->h) continue;
                        const float *src = row + y * g->ow;
                        float *dst = plane + iy * g->w;
                        for (long t = 0; t < g->ow; t++) {
                            const long ix = t * g->stride - g->pad + b;
                            if (ix >= 0 && ix < g->w) dst[ix] += src[t];
                        }
                    }
                }
}

void im2col_conv_run(const conv_problem *p, int dir, sgemm_fn gemm) {
    const conv_shape *s = &p->s;
    const geometry g = {s->n, s->c, s->h, s->w, s->o, s->k, s->stride, s->pad, p->oh, p->ow};
    const long ohw = g.oh * g.ow, hw = g.h * g.w, ckk = g.c * g.k * g.k;
    const long threads = omp_get_max_threads();
    long per_gemm = (MIN_GEMM_COLUMNS + ohw - 1) / ohw;
    const long fair = (g.n + 2 * threads - 1) / (2 * threads);
    if (per_gemm > fair) per_gemm = fair;
    if (per_gemm < 1) per_gemm = 1;
    const long chunks = (g.n + per_gemm - 1) / per_gemm;
    const long units = dir == DIR_BACKWARD_WEIGHT ? (chunks < WEIGHT_SLABS ? chunks : WEIGHT_SLABS) : chunks;
    static float *partials_buffer;
    static long partials_capacity;
    float *partials = NULL;
    if (dir == DIR_BACKWARD_WEIGHT) {
        if (units * g.o * ckk > partials_capacity) {
            free(partials_buffer);
            partials_capacity = units * g.o * ckk;
            partials_buffer = malloc(sizeof(float) * partials_capacity);
        }
        partials = partials_buffer;
    }
    long next = 0;
#pragma omp parallel num_threads(units < threads ? units : threads)
    {
        const long cols_max = per_gemm * ohw;
        float *col = thread_scratch(ckk * cols_max + g.o * cols_max);
        float *block = col + ckk * cols_max;
        for (;;) {
            long u;
#pragma omp atomic capture
            u = next++;
            if (u >= units) break;
            const long q0 = dir == DIR_BACKWARD_WEIGHT ? u * chunks / units : u;
            const long q1 = dir == DIR_BACKWARD_WEIGHT ? (u + 1) * chunks / units : u + 1;
            float *pw = partials ? partials + u * g.o * ckk : NULL;
            for (long q = q0; q < q1; q++) {
                const long i0 = q * per_gemm, count = i0 + per_gemm <= g.n ? per_gemm : g.n - i0;
                const long cols = count * ohw;
                if (dir == DIR_FORWARD) {
                    im2col(&g, p->x + i0 * g.c * hw, count, col, cols);
                    gemm(0, 0, g.o, cols, ckk, 1, p->w, ckk, col, cols, 0, block, cols);
                    for (long j = 0; j < count; j++)
                        for (long o = 0; o < g.o; o++)
                            memcpy(p->y + ((i0 + j) * g.o + o) * ohw, block + o * cols + j * ohw, sizeof(float) * ohw);
                    continue;
                }
                // The output gradient of the chunk as [o, cols].
                for (long j = 0; j < count; j++)
                    for (long o = 0; o < g.o; o++)
                        memcpy(block + o * cols + j * ohw, p->gy + ((i0 + j) * g.o + o) * ohw, sizeof(float) * ohw);
                if (dir == DIR_BACKWARD_DATA) {
                    gemm(1, 0, ckk, cols, g.o, 1, p->w, ckk, block, cols, 0, col, cols);
                    memset(p->gx + i0 * g.c * hw, 0, sizeof(float) * count * g.c * hw);
                    col2im(&g, col, cols, count, p->gx + i0 * g.c * hw);
                } else {
                    im2col(&g, p->x + i0 * g.c * hw, count, col, cols);
                    gemm(0, 1, g.o, ckk, cols, 1, block, cols, col, cols, q == q0 ? 0 : 1, pw, ckk);
                }
            }
        }
    }
    if (partials) {
        memcpy(p->gw, partials, sizeof(float) * g.o * ckk);
        for (long u = 1; u < units; u++)
            for (long i = 0; i < g.o * ckk; i++) p->gw[i] += partials[u * g.o * ckk + i];
    }
}
