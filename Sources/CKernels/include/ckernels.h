// CKernels: every hot loop of the library, in C99, for float (f32) and double (f64). The typed
// entry points are declared once in ckernels_typed.h and expanded for both types below.
// Callers own all memory: kernels take pointers and sizes and never allocate what they return.
// Parallel loops run on the OpenMP runtime through ck_parallel_for (parallel.c); matrix products
// go to OpenBLAS, which shares that thread pool.
#ifndef CKERNELS_H
#define CKERNELS_H

#include <stddef.h>
#include <stdint.h>

// ---- threading -------------------------------------------------------------------------------
typedef void (*ck_range_fn)(void *context, long begin, long end);
/// Runs fn over [0, n) split into contiguous chunks, one per thread. Runs serially when
/// n < grain or when called from inside another parallel region.
void ck_parallel_for(long n, long grain, ck_range_fn fn, void *context);
int ck_max_threads(void);
/// Sets the threads of our loops and of OpenBLAS (n < 1 means 1).
void ck_set_num_threads(int n);
/// The threads OpenMP offered before anything changed them (OMP_NUM_THREADS, else the cores).
int ck_default_threads(void);

// ---- process-wide configuration (configure.c) --------------------------------------------------
// Nothing is changed at load: a program applies its settings once with ck_configure (Swift:
// Kernels.configure). Until then OpenBLAS runs on one thread under libomp and glibc's malloc
// keeps its defaults.
typedef struct {
    int threads;                  // our loops and OpenBLAS; 0: ck_default_threads()
    size_t storage_cache_limit;   // bytes of freed tensor storage kept for reuse
    int malloc_keep_freed_memory; // 1: glibc keeps large freed blocks in its heap (one-way; no-op elsewhere)
    int storage_cache_within_peak; // 1: a cache miss frees idle buffers to keep live + cached <= peak live
    int conv_engine;              // CK_CONV_ENGINE_*; LRN_CONV_ENGINE overrides it
    int direct_convolutions_only; // 1: no Winograd convolutions (winograd.c) in place of oneDNN's direct ones
} ck_runtime_config;
/// Applies `config` (idempotent: the same config twice changes nothing the second time).
void ck_configure(const ck_runtime_config *config);
/// Copies the applied configuration into `out` and returns 1, or returns 0 if none was applied.
int ck_configuration(ck_runtime_config *out);
/// Whether float32 convolutions on oneDNN may run as Winograd convolutions (winograd.c: 3x3,
/// stride 1, 64 channels and more; in training the forward pass, the data gradient and, without
/// bias, the weight gradient; in inference chains every such layer): yes unless the applied
/// configuration says direct_convolutions_only. The environment variable LRN_WINOGRAD=on|off
/// overrides the configuration (an unknown value stops the process).
int ck_winograd_allowed(void);
/// How many Winograd convolutions (each direction counts one) ran since the process started.
unsigned long long ck_winograd_calls(void);

// ---- tensor storage (memory.c) ---------------------------------------------------------------
// 64-byte aligned buffers for tensors. A released buffer is cached by its (64-byte rounded) size,
// up to a limit of cached bytes (beyond it, it is freed), and a request takes the smallest cached
// buffer of at least its size and at most twice it. With ck_storage_cache_bound_by_peak(1) (off
// by default), a request the cache cannot serve first frees cached buffers until live + cached
// bytes are within peak_live_bytes. Thread-safe. Contents of an acquired buffer are undefined
// (never assume zeros).
typedef struct {
    size_t live_bytes;        // acquired and not released (a buffer's full size, which may be
                              // up to twice what was asked for)
    size_t peak_live_bytes;   // highest live_bytes since start or ck_storage_reset_peak; also
                              // the bound on live + cached bytes when that bound is on
    size_t cached_bytes;      // released, kept for reuse
    size_t cache_limit_bytes;
    unsigned long long reused, fresh;  // acquisitions served from the cache / from the system
} ck_storage_statistics;
/// A buffer of at least `bytes` (aborts with a message if memory is exhausted).
void *ck_storage_acquire(size_t bytes);
/// Gives back a buffer from ck_storage_acquire with the same `bytes` (aborts with a message if
/// the buffer is not one it handed out).
void ck_storage_release(void *buffer, size_t bytes);
/// Frees every cached buffer.
void ck_storage_cache_release(void);
/// Sets the most bytes the cache keeps; the cache is emptied if it holds more.
void ck_storage_cache_set_limit(size_t bytes);
/// A quarter of physical memory: the limit until one is set.
size_t ck_storage_default_cache_limit(void);
ck_storage_statistics ck_storage_stats(void);
/// Cached buffers of exactly `bytes` (64-byte rounded); a request of that size may also take a
/// larger one.
size_t ck_storage_cached_blocks(size_t bytes);
void ck_storage_reset_peak(void);
/// 1: a request the cache cannot serve first frees idle cached buffers until live + cached bytes
/// are within peak_live_bytes (smallest footprint, some buffers mapped afresh each step).
/// 0 (the default): keep every freed buffer up to the limit (fewer page faults, more memory).
void ck_storage_cache_bound_by_peak(int enabled);
/// glibc only: keep large freed blocks in the heap (raises the mmap and trim thresholds to
/// 1 GB). Returns 1 if applied, 0 where it does not apply (another C library, macOS).
int ck_malloc_keep_freed_memory(void);

// ---- instruction sets ------------------------------------------------------------------------
// Hot kernels exist for baseline x86-64 (generic), AVX2+FMA and AVX-512 (F, BW, DQ, VL); one is
// chosen on the first kernel call (nothing runs at load; thread-safe): the best the CPU supports
// and the OS enabled, capped by the environment variable LRN_MAX_ISA=generic|avx2|avx512. Every
// variant gives the same bits as the generic one.
enum { CK_ISA_GENERIC = 0, CK_ISA_AVX2 = 1, CK_ISA_AVX512 = 2 };
/// The instruction set the kernels use.
int ck_isa(void);
/// "generic", "avx2" or "avx512" (NULL for another value).
const char *ck_isa_name(int isa);

// ---- convolution engines (conv.c, conv_onednn.c) -----------------------------------------------
// float32 convolutions run on im2col + OpenBLAS or on oneDNN's primitives (each call in oneDNN's
// preferred blocked layout, reordered from and to NCHW/OIHW at the call's edges); a call oneDNN
// refuses runs on im2col. float64 always runs on im2col. The environment variable
// LRN_CONV_ENGINE=im2col|onednn overrides the configured engine (an unknown value stops the
// process at load, as LRN_MAX_ISA does).
enum { CK_CONV_ENGINE_DEFAULT = 0, CK_CONV_ENGINE_IM2COL = 1, CK_CONV_ENGINE_ONEDNN = 2 };
/// The engine float32 convolutions use now (never CK_CONV_ENGINE_DEFAULT).
int ck_conv_engine(void);
/// "im2col" or "onednn" (NULL for another value).
const char *ck_conv_engine_name(int engine);
/// Time oneDNN calls spent since the last reset, in nanoseconds of wall clock: in the reorders
/// between our layout and oneDNN's, and in the convolution primitives themselves.
typedef struct {
    unsigned long long reorder_ns, primitive_ns, calls, refused;
} ck_onednn_statistics;
ck_onednn_statistics ck_onednn_stats(void);
void ck_onednn_stats_reset(void);

// ---- operation codes -------------------------------------------------------------------------
/// Unary ops: CK_NEG = 0, CK_EXP, ... in the order of ck_unary_ops.h, which defines them.
enum {
#define CK_UNARY_OP(NAME, FORWARD, BACKWARD) CK_##NAME,
#include "ck_unary_ops.h"
#undef CK_UNARY_OP
    CK_UNARY_OP_COUNT
};
enum { CK_ADD = 0, CK_SUB, CK_MUL, CK_DIV, CK_MAXIMUM, CK_MINIMUM, CK_POW };
enum { CK_REDUCE_SUM = 0, CK_REDUCE_MAX };

// ---- geometry and hyper-parameters of the typed kernels ---------------------------------------
/// Geometry of a 2-D convolution: input [n, c, h, w], weight [o, c/groups, kh, kw], output
/// [n, o, oh, ow]; square stride, padding and dilation. Callers validate it (sizes >= 1,
/// groups dividing c and o, oh/ow from the usual formula).
typedef struct {
    long n, c, h, w;
    long o, kh, kw;
    long oh, ow;
    long stride, pad, dilation, groups;
} ck_conv2d_shape;

/// Geometry of a 2-D pooling: input [n, c, h, w] (n*c planes), square window, output [.., oh, ow].
typedef struct {
    long planes, h, w;
    long kernel, stride, pad;
    long oh, ow;
} ck_pool2d_shape;

// ---- inference chains in oneDNN's layout (inference_onednn.c) ------------------------------------
// An activation [n, c, h, w] kept in oneDNN's channel-blocked layout between the convolutions of
// a forward pass in inference (a folded ResNet's): one reorder in, none between convolutions.
typedef struct ck_engine_activation ck_engine_activation;
/// A copy of x (NCHW) to start a chain; NULL when oneDNN is unavailable.
ck_engine_activation *ck_engine_activation_from_nchw(const float *x, long n, long c, long h, long w);
void ck_engine_activation_dims(const ck_engine_activation *a, long dims[4]);
/// Channels per block of the activation's layout: 1 (NCHW), 8 or 16.
long ck_engine_activation_block(const ck_engine_activation *a);
/// Writes the activation into y as NCHW.
void ck_engine_activation_to_nchw(const ck_engine_activation *a, float *y);
void ck_engine_activation_free(ck_engine_activation *a);
/// A convolution's weights [o, c, kh, kw] (borrowed: the caller keeps them alive and unchanged
/// until ck_engine_weights_free) and what convolutions make of them, made on first use and kept:
/// oneDNN's reordered copies, the Winograd matrices. Thread-safe.
typedef struct ck_engine_weights ck_engine_weights;
ck_engine_weights *ck_engine_weights_new(const float *w, long o, long c, long kh, long kw);
void ck_engine_weights_free(ck_engine_weights *w);
/// conv(x, w) + bias (NULL: none) + residual (NULL: none), then ReLU if `relu`; s->groups must be
/// 1. It may run as a Winograd convolution (ck_winograd_allowed). The result takes the
/// residual's buffer over (using the residual afterwards stops the process). NULL, with nothing
/// changed, when oneDNN refuses the shape or layouts.
ck_engine_activation *ck_engine_conv2d(const ck_engine_activation *x, const ck_conv2d_shape *s, ck_engine_weights *w,
                                       const float *bias, ck_engine_activation *residual, int relu);
/// Max pooling (square window; NaN propagates as in ck_maxpool2d_forward).
ck_engine_activation *ck_engine_max_pool2d(const ck_engine_activation *x, long kernel, long stride, long pad);
/// The mean over each channel's plane into y [n, c].
void ck_engine_global_average_pool(const ck_engine_activation *x, float *y);

void ck_convert_f32_to_f64(long n, const float *x, double *out);
void ck_convert_f64_to_f32(long n, const double *x, float *out);

// Hyper-parameters as double; each kernel rounds them to the element type once.
typedef struct {
    double learning_rate, momentum, dampening, weight_decay;
    int nesterov;
} ck_sgd_hyper;
typedef struct {
    double learning_rate, beta1, beta2, epsilon, weight_decay;
    /* 0: Adam (L2 penalty added to the gradient); 1: AdamW (param *= 1 - lr * weight_decay) */
    int decoupled;
} ck_adam_hyper;

#define CK_TEMPLATE "ckernels_typed.h"
#include "ckernels_instantiate.h"

#endif
