// Inference chains in oneDNN's layout (Documentation/Performance.md, "Inference in oneDNN's
// layout"). conv_onednn.c reorders every call's tensors from NCHW into oneDNN's channel blocks
// and back; a chain of convolutions (a folded ResNet's forward pass) keeps its activations in the
// blocked layout from one convolution to the next instead: one reorder in at the start, none
// between. The residual add runs inside the convolution (oneDNN's "sum" post-op, writing into the
// residual's buffer); ReLU, max pooling and the global average run here on the blocked layout,
// with the package's NaN rules (oneDNN's ReLU post-op would turn NaN into 0).
// Only the forward pass in inference: nothing here is differentiated.
#include "onednn_shared.h"
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

struct ck_engine_activation {
    dnnl_memory_desc_t md;
    long n, c, h, w;
    long block;   // channels per block: 1 (NCHW), 8 or 16
    float *data;  // NULL once a convolution took the buffer over as its residual
    size_t bytes;
};

// The channel block oneDNN's convolutions prefer on this machine (8 with AVX2, 16 with AVX-512):
// what it picks for a 64-channel 3x3 convolution left free to choose.
static long preferred;
static pthread_once_t preferred_once = PTHREAD_ONCE_INIT;
static void preferred_find(void) {
    preferred = 8;
    const dnnl_dims_t xd = {1, 64, 8, 8}, wd = {64, 64, 3, 3}, strides = {1, 1}, pad = {1, 1};
    dnnl_memory_desc_t x, w;
    dnnl_convolution_desc_t d;
    dnnl_primitive_desc_t pd = NULL;
    dnnl_memory_desc_init_by_tag(&x, 4, xd, dnnl_f32, dnnl_format_tag_any);
    dnnl_memory_desc_init_by_tag(&w, 4, wd, dnnl_f32, dnnl_format_tag_any);
    if (dnnl_convolution_forward_desc_init(&d, dnnl_forward_inference, dnnl_convolution_direct, &x, &w, NULL, &x, strides, pad,
                                           pad) == dnnl_success &&
        dnnl_primitive_desc_create(&pd, &d, NULL, ck_onednn_engine(), NULL) == dnnl_success) {
        const long block = ck_onednn_block_of(dnnl_primitive_desc_query_md(pd, dnnl_query_dst_md, 0));
        if (block > 1) preferred = block;
    }
    if (pd) dnnl_primitive_desc_destroy(pd);
}

static dnnl_format_tag_t blocked_tag(void) {
    pthread_once(&preferred_once, preferred_find);
    return ck_onednn_tag_of_block(preferred);
}

// A new activation of layout `md` (a supported one) with uninitialised storage.
static ck_engine_activation *activation_new(const dnnl_memory_desc_t *md) {
    const long block = ck_onednn_block_of(md);
    if (!block) return NULL;
    ck_engine_activation *a = calloc(1, sizeof *a);
    if (!a) ck_onednn_fail("out of memory for an activation");
    a->md = *md;
    a->n = md->dims[0], a->c = md->dims[1], a->h = md->dims[2], a->w = md->dims[3];
    a->block = block;
    a->bytes = dnnl_memory_desc_get_size(md);
    a->data = ck_storage_acquire(a->bytes);
    return a;
}

// Reorders `from_data` (layout `from`) into `to_data` (layout `to`); 0 if oneDNN refuses.
static int reorder(const dnnl_memory_desc_t *from, const void *from_data, const dnnl_memory_desc_t *to, void *to_data) {
    size_t scratch_bytes = 0;
    dnnl_primitive_t primitive = ck_onednn_reorder_create(from, to, &scratch_bytes);
    if (!primitive) return 0;
    void *scratch = scratch_bytes ? ck_storage_acquire(scratch_bytes) : NULL;
    dnnl_stream_t stream = ck_onednn_stream_create();
    ck_onednn_reorder_run(primitive, from, from_data, to, to_data, stream, scratch);
    dnnl_stream_destroy(stream);
    if (scratch) ck_storage_release(scratch, scratch_bytes);
    dnnl_primitive_destroy(primitive);
    return 1;
}

// An image batch (a few channels) stays NCHW: oneDNN's first-layer kernels read it as it is and
// write blocks. Wider activations are reordered into blocks, which every convolution here writes.
#define PLAIN_INPUT_CHANNELS 4

ck_engine_activation *ck_engine_activation_from_nchw(const float *x, long n, long c, long h, long w) {
    if (!ck_onednn_engine()) return NULL;
    const dnnl_dims_t dims = {n, c, h, w};
    dnnl_memory_desc_t plain, md;
    if (dnnl_memory_desc_init_by_tag(&plain, 4, dims, dnnl_f32, dnnl_nchw) != dnnl_success ||
        dnnl_memory_desc_init_by_tag(&md, 4, dims, dnnl_f32, c <= PLAIN_INPUT_CHANNELS ? dnnl_nchw : blocked_tag()) != dnnl_success)
        return NULL;
    ck_engine_activation *a = activation_new(&md);
    if (c <= PLAIN_INPUT_CHANNELS) {
        memcpy(a->data, x, a->bytes);
    } else if (!reorder(&plain, x, &md, a->data)) {
        ck_engine_activation_free(a);
        return NULL;
    }
    return a;
}

void ck_engine_activation_dims(const ck_engine_activation *a, long dims[4]) {
    dims[0] = a->n, dims[1] = a->c, dims[2] = a->h, dims[3] = a->w;
}

long ck_engine_activation_block(const ck_engine_activation *a) { return a->block; }

void ck_engine_activation_to_nchw(const ck_engine_activation *a, float *y) {
    if (!a->data) ck_onednn_fail("an activation used after a convolution took it over as its residual");
    const dnnl_dims_t dims = {a->n, a->c, a->h, a->w};
    dnnl_memory_desc_t md;
    if (dnnl_memory_desc_init_by_tag(&md, 4, dims, dnnl_f32, dnnl_nchw) != dnnl_success || !reorder(&a->md, a->data, &md, y))
        ck_onednn_fail("oneDNN could not reorder an activation to NCHW");
}

void ck_engine_activation_free(ck_engine_activation *a) {
    if (!a) return;
    if (a->data) ck_storage_release(a->data, a->bytes);
    free(a);
}

// ---- ReLU, in place, on any of the three layouts (padding channels hold zeros and stay so) -----

typedef struct {
    float *data;
} relu_context;

static void relu_range(void *context, long begin, long end) {
    float *x = ((relu_context *)context)->data;
    for (long i = begin; i < end; i++) x[i] = x[i] < 0 ? 0.0f : x[i];  // NaN and -0 pass, as ck_unary_ops.h's RELU
}

static void relu_in_place(ck_engine_activation *a) {
    relu_context k = {a->data};
    ck_parallel_for((long)(a->bytes / sizeof(float)), 16384, relu_range, &k);
}

// ---- the convolution -------------------------------------------------------------------------

// One convolution's primitive for an input layout; cached like conv_onednn.c's plans.
typedef struct chain_plan {
    ck_conv2d_shape shape;
    dnnl_memory_desc_t src;
    long with_bias, residual, threads;
    dnnl_primitive_t conv;
    dnnl_memory_desc_t user_weights, weights, bias, dst;  // our OIHW weights; the primitive's layouts
    dnnl_primitive_t weight_reorder;                      // user_weights -> weights, NULL when equal
    size_t weight_bytes, scratch_bytes;
    struct chain_plan *next;
} chain_plan;

static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;
static chain_plan *cache;
static long cached_plans;
#define CHAIN_CACHE_CAPACITY 256

// A plan for `s` reading `src`, with a bias or not, adding into a residual of layout `residual`
// (NULL: none).
static int matches(const chain_plan *p, const ck_conv2d_shape *s, const dnnl_memory_desc_t *src, int with_bias,
                   const dnnl_memory_desc_t *residual) {
    return memcmp(&p->shape, s, sizeof *s) == 0 && p->threads == ck_max_threads() && dnnl_memory_desc_equal(&p->src, src) &&
           p->with_bias == with_bias && p->residual == (residual != NULL) && (!residual || dnnl_memory_desc_equal(&p->dst, residual));
}

static void plan_destroy(chain_plan *p) {
    if (p->conv) dnnl_primitive_destroy(p->conv);
    if (p->weight_reorder) dnnl_primitive_destroy(p->weight_reorder);
    free(p);
}

// The primitive of `s` reading `src`, writing into `dst_layout` (the residual's layout) or the
// preferred blocks; NULL when oneDNN refuses it or offers only its reference (unvectorised) code.
static chain_plan *plan_build(const ck_conv2d_shape *s, const dnnl_memory_desc_t *src, int with_bias,
                              const dnnl_memory_desc_t *dst_layout) {
    chain_plan *p = calloc(1, sizeof *p);
    if (!p) ck_onednn_fail("out of memory for a plan");
    p->shape = *s, p->src = *src, p->with_bias = with_bias, p->residual = dst_layout != NULL, p->threads = ck_max_threads();
    const dnnl_dims_t wd = {s->o, s->c, s->kh, s->kw}, yd = {s->n, s->o, s->oh, s->ow}, bd = {s->o};
    dnnl_memory_desc_t w_any, y_blocked;
    dnnl_memory_desc_init_by_tag(&w_any, 4, wd, dnnl_f32, dnnl_format_tag_any);
    dnnl_memory_desc_init_by_tag(&p->user_weights, 4, wd, dnnl_f32, dnnl_oihw);
    dnnl_memory_desc_init_by_tag(&y_blocked, 4, yd, dnnl_f32, blocked_tag());
    dnnl_memory_desc_init_by_tag(&p->bias, 1, bd, dnnl_f32, dnnl_a);
    dnnl_dims_t strides, dilates, pad_l, pad_r;
    ck_onednn_conv_geometry(s, strides, dilates, pad_l, pad_r);
    dnnl_convolution_desc_t d;
    dnnl_primitive_attr_t attr = ck_onednn_user_scratchpad_attr();
    dnnl_post_ops_t post = NULL;
    dnnl_primitive_desc_t pd = NULL;
    int ok = attr && s->groups == 1 &&
             dnnl_dilated_convolution_forward_desc_init(&d, dnnl_forward_inference, dnnl_convolution_direct, src, &w_any,
                                                        with_bias ? &p->bias : NULL, dst_layout ? dst_layout : &y_blocked,
                                                        strides, dilates, pad_l, pad_r) == dnnl_success;
    if (ok && dst_layout)
        ok = dnnl_post_ops_create(&post) == dnnl_success && dnnl_post_ops_append_sum(post, 1.0f) == dnnl_success &&
             dnnl_primitive_attr_set_post_ops(attr, post) == dnnl_success;
    ok = ok && dnnl_primitive_desc_create(&pd, &d, attr, ck_onednn_engine(), NULL) == dnnl_success;
    if (ok) {
        p->weights = *dnnl_primitive_desc_query_md(pd, dnnl_query_weights_md, 0);
        p->dst = *dnnl_primitive_desc_query_md(pd, dnnl_query_dst_md, 0);
        p->weight_bytes = dnnl_memory_desc_get_size(&p->weights);
        p->scratch_bytes = ck_onednn_scratchpad_bytes(pd);
        const char *implementation = NULL;
        ok = dnnl_primitive_desc_query(pd, dnnl_query_impl_info_str, 0, &implementation) == dnnl_success && implementation &&
             strncmp(implementation, "ref", 3) != 0 && ck_onednn_block_of(&p->dst) != 0 && dnnl_primitive_create(&p->conv, pd) == dnnl_success;
    }
    if (ok && !dnnl_memory_desc_equal(&p->weights, &p->user_weights)) {
        p->weight_reorder = ck_onednn_reorder_create(&p->user_weights, &p->weights, &p->scratch_bytes);
        ok = p->weight_reorder != NULL;
    }
    if (pd) dnnl_primitive_desc_destroy(pd);
    if (post) dnnl_post_ops_destroy(post);
    if (attr) dnnl_primitive_attr_destroy(attr);
    if (!ok) {
        plan_destroy(p);
        return NULL;
    }
    return p;
}

// The cached plan, building it on a miss; *transient is set for a plan past the cache's capacity.
static chain_plan *plan_get(const ck_conv2d_shape *s, const dnnl_memory_desc_t *src, int with_bias,
                            const dnnl_memory_desc_t *residual, int *transient) {
    *transient = 0;
    pthread_mutex_lock(&cache_lock);
    chain_plan *p = cache;
    while (p && !matches(p, s, src, with_bias, residual)) p = p->next;
    pthread_mutex_unlock(&cache_lock);
    if (p) return p;
    chain_plan *fresh = plan_build(s, src, with_bias, residual);  // outside the lock: oneDNN's JIT takes milliseconds
    if (!fresh) return NULL;
    pthread_mutex_lock(&cache_lock);
    const int kept = cached_plans < CHAIN_CACHE_CAPACITY;
    if (kept) {  // a plan built twice by two threads is cached twice, harmlessly
        fresh->next = cache;
        cache = fresh;
        cached_plans++;
    }
    pthread_mutex_unlock(&cache_lock);
    *transient = !kept;
    return fresh;
}

// ---- prepared weights: what a convolution makes of its weights, made once and kept ---------------

typedef struct weight_copy {
    dnnl_memory_desc_t layout;
    void *data;
    size_t bytes;
    struct weight_copy *next;
} weight_copy;

struct ck_engine_weights {
    const float *w;  // OIHW, borrowed
    long o, c, kh, kw;
    pthread_mutex_t lock;
    float *winograd;      // ck_winograd3x3_weights' matrices, made on first use
    weight_copy *copies;  // the weights in each oneDNN layout asked for, kept until freed
};

ck_engine_weights *ck_engine_weights_new(const float *w, long o, long c, long kh, long kw) {
    ck_engine_weights *p = calloc(1, sizeof *p);
    if (!p) ck_onednn_fail("out of memory for prepared weights");
    p->w = w, p->o = o, p->c = c, p->kh = kh, p->kw = kw;
    pthread_mutex_init(&p->lock, NULL);
    return p;
}

static size_t winograd_bytes(const ck_engine_weights *p) { return 16 * (size_t)p->c * (size_t)p->o * sizeof(float); }

void ck_engine_weights_free(ck_engine_weights *p) {
    if (!p) return;
    if (p->winograd) ck_storage_release(p->winograd, winograd_bytes(p));
    for (weight_copy *copy = p->copies, *next; copy; copy = next) {
        next = copy->next;
        ck_storage_release(copy->data, copy->bytes);
        free(copy);
    }
    pthread_mutex_destroy(&p->lock);
    free(p);
}

static const float *winograd_matrices(ck_engine_weights *p) {
    pthread_mutex_lock(&p->lock);
    if (!p->winograd) {
        p->winograd = ck_storage_acquire(winograd_bytes(p));
        ck_winograd3x3_weights_f32(p->w, p->o, p->c, p->winograd);
    }
    pthread_mutex_unlock(&p->lock);
    return p->winograd;
}

// The weights in the plan's layout, reordered on the first call that asks for that layout.
static const void *weights_for(ck_engine_weights *p, const chain_plan *plan, dnnl_stream_t stream, void *scratch) {
    if (!plan->weight_reorder) return p->w;
    pthread_mutex_lock(&p->lock);
    weight_copy *copy = p->copies;
    while (copy && !dnnl_memory_desc_equal(&copy->layout, &plan->weights)) copy = copy->next;
    if (!copy) {
        copy = calloc(1, sizeof *copy);
        if (!copy) ck_onednn_fail("out of memory for prepared weights");
        copy->layout = plan->weights, copy->bytes = plan->weight_bytes, copy->data = ck_storage_acquire(plan->weight_bytes);
        ck_onednn_reorder_run(plan->weight_reorder, &plan->user_weights, p->w, &plan->weights, copy->data, stream, scratch);
        copy->next = p->copies;
        p->copies = copy;
    }
    pthread_mutex_unlock(&p->lock);
    return copy->data;
}

// ---- Winograd convolutions (winograd.c) on the same blocks ---------------------------------------

static int winograd_fits(const ck_engine_activation *x, const ck_conv2d_shape *s, const ck_engine_activation *residual) {
    const long B = x->block;
    return ck_winograd_worth_it(s) && B > 1 && s->c % B == 0 && s->o % B == 0 && (!residual || residual->block == B) &&
           ck_winograd_allowed();
}

// The output activation in x's blocks: a new one, or the residual's buffer taken over.
static ck_engine_activation *output_over(const ck_engine_activation *x, const ck_conv2d_shape *s, ck_engine_activation *residual) {
    if (residual) {
        ck_engine_activation *y = calloc(1, sizeof *y);
        if (!y) ck_onednn_fail("out of memory for an activation");
        *y = *residual;
        residual->data = NULL;
        return y;
    }
    const dnnl_dims_t dims = {s->n, s->o, s->oh, s->ow};
    dnnl_memory_desc_t md;
    if (dnnl_memory_desc_init_by_tag(&md, 4, dims, dnnl_f32, ck_onednn_tag_of_block(x->block)) != dnnl_success)
        ck_onednn_fail("oneDNN could not describe a blocked activation");
    return activation_new(&md);
}

ck_engine_activation *ck_engine_conv2d(const ck_engine_activation *x, const ck_conv2d_shape *s, ck_engine_weights *w,
                                       const float *bias, ck_engine_activation *residual, int relu) {
    if (!x->data || (residual && !residual->data))
        ck_onednn_fail("an activation used after a convolution took it over as its residual");
    if (x->n != s->n || x->c != s->c || x->h != s->h || x->w != s->w)
        ck_onednn_fail("ck_engine_conv2d: the input does not match the shape");
    if (residual && (residual->n != s->n || residual->c != s->o || residual->h != s->oh || residual->w != s->ow))
        ck_onednn_fail("ck_engine_conv2d: the residual does not match the output");
    if (w->o != s->o || w->c != s->c || w->kh != s->kh || w->kw != s->kw)
        ck_onednn_fail("ck_engine_conv2d: the weights do not match the shape");
    if (winograd_fits(x, s, residual)) {
        ck_engine_activation *y = output_over(x, s, residual);
        ck_winograd3x3_f32(x->data, s->n, s->c, s->h, s->w, x->block, winograd_matrices(w), s->o, bias, y->data, residual != NULL,
                           relu, 0);
        return y;
    }
    int transient;
    chain_plan *p = plan_get(s, &x->md, bias != NULL, residual ? &residual->md : NULL, &transient);
    if (!p) return NULL;
    // The sum post-op adds into the output buffer: the residual's own.
    ck_engine_activation *y = residual ? output_over(x, s, residual) : activation_new(&p->dst);
    void *scratch = p->scratch_bytes ? ck_storage_acquire(p->scratch_bytes) : NULL;
    dnnl_stream_t stream = ck_onednn_stream_create();
    const void *weights = weights_for(w, p, stream, scratch);
    dnnl_memory_t src_m = ck_onednn_memory_over(&x->md, x->data), w_m = ck_onednn_memory_over(&p->weights, (void *)weights),
                  y_m = ck_onednn_memory_over(&y->md, y->data), b_m = bias ? ck_onednn_memory_over(&p->bias, (void *)bias) : NULL;
    dnnl_exec_arg_t args[5] = {{DNNL_ARG_SRC, src_m}, {DNNL_ARG_WEIGHTS, w_m}, {DNNL_ARG_DST, y_m}, {DNNL_ARG_BIAS, b_m}};
    ck_onednn_execute(p->conv, stream, bias ? 4 : 3, args, scratch);
    dnnl_memory_destroy(src_m), dnnl_memory_destroy(w_m), dnnl_memory_destroy(y_m);
    if (b_m) dnnl_memory_destroy(b_m);
    dnnl_stream_destroy(stream);
    if (scratch) ck_storage_release(scratch, p->scratch_bytes);
    if (transient) plan_destroy(p);
    if (relu) relu_in_place(y);
    return y;
}

// ---- max pooling and the global average, on the blocked layouts -------------------------------
// Element (n, c, y, x) sits at ((n * C' + c - c % B) * H * W + (y * W + x) * B + c % B) for B
// channels per block and C' the channels rounded up to whole blocks (NCHW: B = 1).

typedef struct {
    const ck_engine_activation *x;
    ck_engine_activation *y;
    long kernel, stride, pad;
} pool_context;

// One block of channels of one image, with B a constant in each instantiation so that the loop
// over a block's channels compiles to vector selects. The first maximum; the first NaN of the
// window wins and stays, as pool_impl.h's kernel.
#define MAX_POOL_PLANE(B)                                                                                   \
    static void max_pool_plane_##B(const pool_context *k, const float *x, float *y) {                      \
        const long H = k->x->h, W = k->x->w, OH = k->y->h, OW = k->y->w;                                  \
        for (long oy = 0; oy < OH; oy++) {                                                                  \
            const long y0 = oy * k->stride - k->pad;                                                        \
            const long ya = y0 < 0 ? 0 : y0, yb = y0 + k->kernel < H ? y0 + k->kernel : H;                 \
            for (long ox = 0; ox < OW; ox++) {                                                              \
                const long x0 = ox * k->stride - k->pad;                                                    \
                const long xa = x0 < 0 ? 0 : x0, xb = x0 + k->kernel < W ? x0 + k->kernel : W;             \
                float best[B];                                                                              \
                for (long b = 0; b < B; b++) best[b] = x[(ya * W + xa) * B + b];                           \
                for (long iy = ya; iy < yb; iy++)                                                           \
                    for (long ix = xa; ix < xb; ix++) {                                                     \
                        const float *v = x + (iy * W + ix) * B;                                             \
                        for (long b = 0; b < B; b++) {                                                      \
                            const int take = best[b] == best[b] && (v[b] > best[b] || v[b] != v[b]);        \
                            best[b] = take ? v[b] : best[b];                                                \
                        }                                                                                   \
                    }                                                                                       \
                for (long b = 0; b < B; b++) y[(oy * OW + ox) * B + b] = best[b];                          \
            }                                                                                               \
        }                                                                                                   \
    }
MAX_POOL_PLANE(1)
MAX_POOL_PLANE(8)
MAX_POOL_PLANE(16)

static void max_pool_range(void *context, long begin, long end) {
    const pool_context *k = context;
    const long B = k->x->block, in = k->x->h * k->x->w * B, out = k->y->h * k->y->w * B;
    for (long plane = begin; plane < end; plane++) {  // one block of channels of one image
        const float *x = k->x->data + plane * in;
        float *y = k->y->data + plane * out;
        if (B == 8) max_pool_plane_8(k, x, y);
        else if (B == 16) max_pool_plane_16(k, x, y);
        else max_pool_plane_1(k, x, y);
    }
}

ck_engine_activation *ck_engine_max_pool2d(const ck_engine_activation *x, long kernel, long stride, long pad) {
    if (!x->data) ck_onednn_fail("an activation used after a convolution took it over as its residual");
    const long oh = (x->h + 2 * pad - kernel) / stride + 1, ow = (x->w + 2 * pad - kernel) / stride + 1;
    const dnnl_dims_t dims = {x->n, x->c, oh, ow};
    dnnl_memory_desc_t md;
    if (dnnl_memory_desc_init_by_tag(&md, 4, dims, dnnl_f32, ck_onednn_tag_of_block(x->block)) != dnnl_success) return NULL;
    ck_engine_activation *y = activation_new(&md);
    pool_context k = {x, y, kernel, stride, pad};
    const long planes = x->n * (x->md.padded_dims[1] / x->block);
    ck_parallel_for(planes, 1, max_pool_range, &k);
    return y;
}

typedef struct {
    const ck_engine_activation *x;
    float *y;
} average_context;

static void average_range(void *context, long begin, long end) {
    const average_context *k = context;
    const ck_engine_activation *a = k->x;
    const long B = a->block, HW = a->h * a->w, blocks = a->md.padded_dims[1] / B;
    for (long n = begin; n < end; n++)
        for (long c = 0; c < a->c; c++) {
            const float *x = a->data + ((n * blocks + c / B) * HW) * B + c % B;
            float sum = 0;
            for (long i = 0; i < HW; i++) sum += x[i * B];
            k->y[n * a->c + c] = sum / (float)HW;
        }
}

void ck_engine_global_average_pool(const ck_engine_activation *x, float *y) {
    if (!x->data) ck_onednn_fail("an activation used after a convolution took it over as its residual");
    average_context k = {x, y};
    ck_parallel_for(x->n, 1, average_range, &k);
}
