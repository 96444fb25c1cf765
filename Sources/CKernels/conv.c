// 2-D convolution forward and backward: im2col + gemm for float and double (conv_impl.h), and
// the choice of engine for float (im2col or oneDNN, conv_onednn.c).
#include "ckernels.h"
#include "scratch.h"
#include <string.h>

// Below this many columns per gemm, images of a chunk are batched into one gemm.
#define CONV_MIN_GEMM_COLUMNS 256
// Backward work units: more than the threads so that the load balances, few enough that the
// per-slab weight-gradient partials stay small.
#define CONV_BACKWARD_SLABS 4
// Chunks of images per gemm are sized as for this many threads whatever the actual count, so
// results do not depend on it; 2 keeps the results runs on 2 cores had before (more threads
// then share about 4 chunks per convolution).
#define CONV_CHUNKING_THREADS 2

// Smallest o >= 0 with o*stride + offset >= 0.
static inline long first_valid(long offset, long stride) {
    return offset >= 0 ? 0 : (-offset + stride - 1) / stride;
}
// One past the largest o < limit with o*stride + offset < size.
static inline long end_valid(long offset, long stride, long size, long limit) {
    long e = size - offset <= 0 ? 0 : (size - offset + stride - 1) / stride;
    return e < limit ? e : limit;
}

#define CK_ISA_VARIANTS
#define CK_TEMPLATE "../conv_impl.h"  // relative to include/, where the expander lives
#include "ckernels_instantiate.h"

// ---- the engine of float32 convolutions (conv_engine.h) -----------------------------------------
#include "conv_engine.h"
#include <stdio.h>
#include <stdlib.h>
#include <pthread.h>

// oneDNN: 1.2x im2col's training step on ResNet18 and 1.4x on the small ResNet, with results
// that do not depend on the thread count either (Documentation/Performance.md, "oneDNN at the op
// boundary"). im2col stays the reference the tests hold oneDNN to, the engine of float64 and of
// shapes oneDNN refuses; LRN_CONV_ENGINE=im2col or RuntimeConfiguration choose it.
#define CK_CONV_ENGINE_BUILT_IN CK_CONV_ENGINE_ONEDNN

int ck_conv_engine_active = CK_CONV_ENGINE_BUILT_IN;
static int conv_engine_from_environment = CK_CONV_ENGINE_DEFAULT;
static pthread_once_t conv_engine_environment_once = PTHREAD_ONCE_INIT;

const char *ck_conv_engine_name(int engine) {
    switch (engine) {
    case CK_CONV_ENGINE_IM2COL: return "im2col";
    case CK_CONV_ENGINE_ONEDNN: return "onednn";
    }
    return NULL;
}

int ck_conv_engine_parse(const char *value) {
    if (!value || !*value) return CK_CONV_ENGINE_DEFAULT;
    for (int e = CK_CONV_ENGINE_IM2COL; e <= CK_CONV_ENGINE_ONEDNN; e++)
        if (strcmp(value, ck_conv_engine_name(e)) == 0) return e;
    return -1;
}

// Read once, on the first convolution or configuration (nothing runs at load). An unknown
// LRN_CONV_ENGINE stops the process with a message: timing or testing another engine than the
// one asked for would mislead silently, and a kernel call cannot throw.
static void read_conv_engine_environment(void) {
    const char *value = getenv("LRN_CONV_ENGINE");
    const int engine = ck_conv_engine_parse(value);
    if (engine < 0) {
        fprintf(stderr, "LRN_CONV_ENGINE=%s: expected im2col or onednn\n", value);
        exit(EXIT_FAILURE);
    }
    conv_engine_from_environment = engine;
    if (engine != CK_CONV_ENGINE_DEFAULT) __atomic_store_n(&ck_conv_engine_active, engine, __ATOMIC_RELAXED);
}

int ck_conv_engine(void) {
    pthread_once(&conv_engine_environment_once, read_conv_engine_environment);
    return __atomic_load_n(&ck_conv_engine_active, __ATOMIC_RELAXED);
}

void ck_conv_engine_configure(int engine) {
    pthread_once(&conv_engine_environment_once, read_conv_engine_environment);
    int chosen = engine == CK_CONV_ENGINE_DEFAULT ? CK_CONV_ENGINE_BUILT_IN : engine;
    if (conv_engine_from_environment != CK_CONV_ENGINE_DEFAULT) chosen = conv_engine_from_environment;
    __atomic_store_n(&ck_conv_engine_active, chosen, __ATOMIC_RELAXED);
}

void ck_conv2d_forward_f32(const ck_conv2d_shape *s, const float *x, const float *w, const float *bias, float *y) {
    if (ck_conv_engine() == CK_CONV_ENGINE_ONEDNN && ck_conv2d_onednn_forward_f32(s, x, w, bias, y)) return;
    ck_conv2d_im2col_forward_f32(s, x, w, bias, y);
}

void ck_conv2d_backward_f32(const ck_conv2d_shape *s, const float *x, const float *w, const float *gy, float *gx,
                            float *gw, float *gb) {
    if (ck_conv_engine() == CK_CONV_ENGINE_ONEDNN && ck_conv2d_onednn_backward_f32(s, x, w, gy, gx, gw, gb)) return;
    ck_conv2d_im2col_backward_f32(s, x, w, gy, gx, gw, gb);
}

// float64 has no other engine.
void ck_conv2d_forward_f64(const ck_conv2d_shape *s, const double *x, const double *w, const double *bias, double *y) {
    ck_conv2d_im2col_forward_f64(s, x, w, bias, y);
}

void ck_conv2d_backward_f64(const ck_conv2d_shape *s, const double *x, const double *w, const double *gy,
                            double *gx, double *gw, double *gb) {
    ck_conv2d_im2col_backward_f64(s, x, w, gy, gx, gw, gb);
}
