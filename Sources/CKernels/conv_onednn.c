// float32 convolutions on oneDNN 2.x (Documentation/Performance.md, "Convolution engines").
// Each direction (forward, backward-data, backward-weights) is a "plan": the primitive oneDNN
// picks for the shape with every tensor in the layout it prefers (format "any": 8- or 16-channel
// blocks), plus the reorders between that layout and our NCHW / OIHW tensors, done at the call's
// edges. Plans are built once per shape, direction and thread count and kept in a cache. Every
// primitive uses a scratchpad we pass in (oneDNN's own would be shared between threads), and
// the blocked copies and scratchpads are tensor storage (memory.c), so their reuse is the
// storage cache's.
// Written against oneDNN's 2.x API (3.0 replaced the *_desc_init calls), as are
// inference_onednn.c and onednn_shared.c, which holds what the two share.
#include "conv_engine.h"
#include "onednn_shared.h"
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

enum { FORWARD, BACKWARD_DATA, BACKWARD_WEIGHTS };
// Our tensors: activations in (x, gx), weights (w, gw), activations out (y, gy).
enum { TENSOR_X, TENSOR_W, TENSOR_Y };
// A direction's operands: two inputs, then its output. The bias (or its gradient) is always a
// plain vector and needs no reorder.
enum { IN0, IN1, OUT, OPERANDS };

static const int tensor_of[3][OPERANDS] = {
    {TENSOR_X, TENSOR_W, TENSOR_Y},  // forward: x, w -> y
    {TENSOR_Y, TENSOR_W, TENSOR_X},  // backward-data: gy, w -> gx
    {TENSOR_X, TENSOR_Y, TENSOR_W},  // backward-weights: x, gy -> gw
};
static const int arg_of[3][OPERANDS] = {
    {DNNL_ARG_SRC, DNNL_ARG_WEIGHTS, DNNL_ARG_DST},
    {DNNL_ARG_DIFF_DST, DNNL_ARG_WEIGHTS, DNNL_ARG_DIFF_SRC},
    {DNNL_ARG_SRC, DNNL_ARG_DIFF_DST, DNNL_ARG_DIFF_WEIGHTS},
};
static const dnnl_query_t query_of[3][OPERANDS] = {
    {dnnl_query_src_md, dnnl_query_weights_md, dnnl_query_dst_md},
    {dnnl_query_diff_dst_md, dnnl_query_weights_md, dnnl_query_diff_src_md},
    {dnnl_query_src_md, dnnl_query_diff_dst_md, dnnl_query_diff_weights_md},
};

// Everything a plan depends on. Built with memset so that memcmp compares it.
typedef struct {
    ck_conv2d_shape shape;
    long direction, with_bias, threads;
} plan_key;

typedef struct {
    dnnl_memory_desc_t user, inner;  // our layout, the primitive's
    dnnl_primitive_t reorder;        // user -> inner for inputs, inner -> user for the output;
                                     // NULL when the primitive takes our layout as it is
    size_t inner_bytes;
} operand;

typedef struct plan {
    plan_key key;
    long winograd_block;  // > 0: a Winograd convolution (winograd.c) on blocks of this many channels runs instead of conv
    dnnl_primitive_t conv;
    operand op[OPERANDS];
    dnnl_memory_desc_t bias;
    size_t scratch_bytes;  // the largest scratchpad of the primitive and its reorders
    struct plan *next;
} plan;

// A process could meet many shapes (every batch size of a data set's tail); past this many
// plans, new ones are built for the call and destroyed after it.
#define PLAN_CACHE_CAPACITY 512

static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;
static plan *cache;
static long cached_plans;
static ck_onednn_statistics stats;

ck_onednn_statistics ck_onednn_stats(void) {
    ck_onednn_statistics s;
    s.reorder_ns = __atomic_load_n(&stats.reorder_ns, __ATOMIC_RELAXED);
    s.primitive_ns = __atomic_load_n(&stats.primitive_ns, __ATOMIC_RELAXED);
    s.calls = __atomic_load_n(&stats.calls, __ATOMIC_RELAXED);
    s.refused = __atomic_load_n(&stats.refused, __ATOMIC_RELAXED);
    return s;
}

void ck_onednn_stats_reset(void) {
    __atomic_store_n(&stats.reorder_ns, 0, __ATOMIC_RELAXED);
    __atomic_store_n(&stats.primitive_ns, 0, __ATOMIC_RELAXED);
    __atomic_store_n(&stats.calls, 0, __ATOMIC_RELAXED);
    __atomic_store_n(&stats.refused, 0, __ATOMIC_RELAXED);
}

// ---- building a plan ---------------------------------------------------------------------------

// Our layouts: x [n,c,h,w], w [o,c/g,kh,kw] (as [g,o/g,c/g,kh,kw] when grouped), y [n,o,oh,ow].
// With `any`, the primitive chooses the layout.
static int tensor_md(dnnl_memory_desc_t *md, const ck_conv2d_shape *s, int tensor, int any) {
    const dnnl_dims_t x = {s->n, s->c, s->h, s->w}, y = {s->n, s->o, s->oh, s->ow};
    const dnnl_dims_t w = {s->o, s->c, s->kh, s->kw};
    const dnnl_dims_t gw = {s->groups, s->o / s->groups, s->c / s->groups, s->kh, s->kw};
    dnnl_status_t status;
    if (tensor == TENSOR_X) status = dnnl_memory_desc_init_by_tag(md, 4, x, dnnl_f32, any ? dnnl_format_tag_any : dnnl_nchw);
    else if (tensor == TENSOR_Y) status = dnnl_memory_desc_init_by_tag(md, 4, y, dnnl_f32, any ? dnnl_format_tag_any : dnnl_nchw);
    else if (s->groups == 1) status = dnnl_memory_desc_init_by_tag(md, 4, w, dnnl_f32, any ? dnnl_format_tag_any : dnnl_oihw);
    else status = dnnl_memory_desc_init_by_tag(md, 5, gw, dnnl_f32, any ? dnnl_format_tag_any : dnnl_goihw);
    return status == dnnl_success;
}

// The operation for one direction, every tensor in format "any".
static int conv_desc(dnnl_convolution_desc_t *d, const ck_conv2d_shape *s, int direction,
                     const dnnl_memory_desc_t *bias) {
    dnnl_memory_desc_t md[3];
    for (int t = 0; t < 3; t++)
        if (!tensor_md(&md[t], s, t, 1)) return 0;
    dnnl_dims_t strides, dilates, pad_l, pad_r;
    ck_onednn_conv_geometry(s, strides, dilates, pad_l, pad_r);
    dnnl_status_t status;
    if (direction == FORWARD)
        status = dnnl_dilated_convolution_forward_desc_init(d, dnnl_forward_training, dnnl_convolution_direct, &md[TENSOR_X],
                                                            &md[TENSOR_W], bias, &md[TENSOR_Y], strides, dilates, pad_l, pad_r);
    else if (direction == BACKWARD_DATA)
        status = dnnl_dilated_convolution_backward_data_desc_init(d, dnnl_convolution_direct, &md[TENSOR_X], &md[TENSOR_W],
                                                                  &md[TENSOR_Y], strides, dilates, pad_l, pad_r);
    else
        status = dnnl_dilated_convolution_backward_weights_desc_init(d, dnnl_convolution_direct, &md[TENSOR_X], &md[TENSOR_W],
                                                                     bias, &md[TENSOR_Y], strides, dilates, pad_l, pad_r);
    return status == dnnl_success;
}

static void plan_destroy(plan *p) {
    if (!p) return;
    if (p->conv) dnnl_primitive_destroy(p->conv);
    for (int i = 0; i < OPERANDS; i++)
        if (p->op[i].reorder) dnnl_primitive_destroy(p->op[i].reorder);
    free(p);
}

// The operand's layouts, and a reorder when the primitive chose another layout than ours.
static int operand_init(plan *p, const_dnnl_primitive_desc_t pd, int slot) {
    operand *op = &p->op[slot];
    const int direction = (int)p->key.direction;
    const dnnl_memory_desc_t *inner = dnnl_primitive_desc_query_md(pd, query_of[direction][slot], 0);
    if (!inner || !tensor_md(&op->user, &p->key.shape, tensor_of[direction][slot], 0)) return 0;
    op->inner = *inner;
    op->inner_bytes = dnnl_memory_desc_get_size(inner);
    if (dnnl_memory_desc_equal(&op->user, &op->inner)) return 1;
    const int input = slot != OUT;
    op->reorder = ck_onednn_reorder_create(input ? &op->user : &op->inner, input ? &op->inner : &op->user, &p->scratch_bytes);
    return op->reorder != NULL;
}

// The channel block a Winograd convolution can run on in place of the plan's primitive (the
// forward and data-gradient directions read and write blocks of whole channels), or 0, whatever
// the configuration: the primitive is kept for when it turns Winograd off.
static long winograd_block(const plan *p) {
    const ck_conv2d_shape *s = &p->key.shape;
    if (p->key.direction == BACKWARD_WEIGHTS || !ck_winograd_worth_it(s)) return 0;
    const long in = ck_onednn_block_of(&p->op[IN0].inner), out = ck_onednn_block_of(&p->op[OUT].inner);
    return in == out && in > 1 && s->c % in == 0 && s->o % in == 0 ? in : 0;
}

// The primitive descriptor of one direction; backward ones take the forward one as their hint,
// as oneDNN requires.
static dnnl_primitive_desc_t direction_pd(const plan_key *key, const dnnl_memory_desc_t *bias) {
    dnnl_convolution_desc_t d, fd;
    dnnl_primitive_desc_t hint = NULL, pd = NULL;
    if (key->direction != FORWARD) {
        if (!conv_desc(&fd, &key->shape, FORWARD, NULL) ||
            dnnl_primitive_desc_create(&hint, &fd, NULL, ck_onednn_engine(), NULL) != dnnl_success)
            return NULL;
    }
    dnnl_primitive_attr_t attr = ck_onednn_user_scratchpad_attr();
    if (attr && conv_desc(&d, &key->shape, (int)key->direction, bias) &&
        dnnl_primitive_desc_create(&pd, &d, attr, ck_onednn_engine(), hint) != dnnl_success)
        pd = NULL;
    if (attr) dnnl_primitive_attr_destroy(attr);
    if (hint) dnnl_primitive_desc_destroy(hint);
    return pd;
}

// A new plan for the calling thread's thread count (plan_build), or NULL if oneDNN refuses the
// shape in this direction.
static plan *plan_build_here(const plan_key *key) {
    plan *p = calloc(1, sizeof *p);
    if (!p) return NULL;
    p->key = *key;
    const dnnl_dims_t bias_dims = {key->shape.o};
    if (key->with_bias && dnnl_memory_desc_init_by_tag(&p->bias, 1, bias_dims, dnnl_f32, dnnl_a) != dnnl_success) {
        free(p);
        return NULL;
    }
    dnnl_primitive_desc_t pd = direction_pd(key, key->with_bias ? &p->bias : NULL);
    int ok = pd != NULL;
    for (int slot = 0; ok && slot < OPERANDS; slot++) ok = operand_init(p, pd, slot);
    if (ok) {
        ok = dnnl_primitive_create(&p->conv, pd) == dnnl_success;
        const size_t bytes = ck_onednn_scratchpad_bytes(pd);
        if (bytes > p->scratch_bytes) p->scratch_bytes = bytes;
        p->winograd_block = winograd_block(p);
    }
    if (pd) dnnl_primitive_desc_destroy(pd);
    if (!ok) {
        plan_destroy(p);
        return NULL;
    }
    return p;
}

extern void omp_set_num_threads(int n);

// A new plan, or NULL if oneDNN refuses the shape in this direction. oneDNN partitions a
// primitive's work for the threads it sees when the primitive is made, so a plan for another
// thread count than the caller's is made with that count set (for the calling thread only).
static plan *plan_build(const plan_key *key) {
    const int threads = ck_max_threads();
    if (key->threads == threads) return plan_build_here(key);
    omp_set_num_threads((int)key->threads);
    plan *p = plan_build_here(key);
    omp_set_num_threads(threads);
    return p;
}

// ---- the plan cache ------------------------------------------------------------------------------

static plan *cache_find(const plan_key *key) {
    for (plan *p = cache; p; p = p->next)
        if (memcmp(&p->key, key, sizeof *key) == 0) return p;
    return NULL;
}

// The cached plan for `key`, building it on a miss (outside the lock: oneDNN's JIT takes
// milliseconds). *transient is set when the plan was not cached and must be destroyed after use.
static plan *plan_get(const plan_key *key, int *transient) {
    *transient = 0;
    pthread_mutex_lock(&cache_lock);
    plan *p = cache_find(key);
    pthread_mutex_unlock(&cache_lock);
    if (p) return p;
    plan *fresh = plan_build(key);
    if (!fresh) return NULL;
    pthread_mutex_lock(&cache_lock);
    p = cache_find(key);  // another thread may have built it meanwhile
    if (!p && cached_plans < PLAN_CACHE_CAPACITY) {
        fresh->next = cache;
        cache = fresh;
        cached_plans++;
        p = fresh;
        fresh = NULL;
    }
    pthread_mutex_unlock(&cache_lock);
    if (!p) {
        *transient = 1;
        return fresh;
    }
    plan_destroy(fresh);
    return p;
}

static void key_init(plan_key *key, const ck_conv2d_shape *s, int direction, int with_bias) {
    memset(key, 0, sizeof *key);
    key->shape = *s;
    key->direction = direction;
    key->with_bias = with_bias;
    key->threads = ck_max_threads();  // oneDNN partitions its work for the threads it will have
}

// ---- running a plan ------------------------------------------------------------------------------

// A Winograd convolution (or, with data_gradient, its input gradient) of the plan's shape
// between activations in blocks of `block` channels, the filters w in our OIHW layout
// transformed for the call.
static void winograd_convolve(const ck_conv2d_shape *s, const float *w, const float *in, long block, const float *bias,
                              float *out, int data_gradient) {
    const size_t u_bytes = 16 * (size_t)s->o * (size_t)s->c * sizeof(float);
    float *u = ck_storage_acquire(u_bytes);
    ck_winograd3x3_weights_f32(w, s->o, s->c, u);
    ck_winograd3x3_f32(in, s->n, s->c, s->h, s->w, block, u, s->o, bias, out, 0, 0, data_gradient);
    ck_storage_release(u, u_bytes);
}

// The plan's convolution on the operands in the primitive's layouts: the primitive, or with
// `winograd` a Winograd convolution on the weights in our layout (forward and data gradient
// only). Returns the wall-clock nanoseconds it took.
static unsigned long long convolve(const plan *p, int winograd, void *const data[OPERANDS], void *const inner[OPERANDS],
                                   dnnl_memory_t const inner_mem[OPERANDS], void *bias, dnnl_stream_t stream, void *scratch) {
    const int direction = (int)p->key.direction;
    if (winograd) {
        const unsigned long long start = ck_onednn_now_ns();
        winograd_convolve(&p->key.shape, data[IN1], inner[IN0], p->winograd_block, bias, inner[OUT], direction == BACKWARD_DATA);
        return ck_onednn_now_ns() - start;
    }
    dnnl_exec_arg_t args[OPERANDS + 2];
    for (int slot = 0; slot < OPERANDS; slot++) args[slot] = (dnnl_exec_arg_t){arg_of[direction][slot], inner_mem[slot]};
    int count = OPERANDS;
    dnnl_memory_t bias_mem = NULL;
    if (bias) {
        bias_mem = ck_onednn_memory_over(&p->bias, bias);
        args[count++] = (dnnl_exec_arg_t){direction == FORWARD ? DNNL_ARG_BIAS : DNNL_ARG_DIFF_BIAS, bias_mem};
    }
    const unsigned long long ns = ck_onednn_execute(p->conv, stream, count, args, scratch);
    if (bias_mem) dnnl_memory_destroy(bias_mem);
    return ns;
}

// Runs a plan on our tensors: data[slot] is each operand in our layout, bias the bias (forward)
// or its gradient (backward-weights), NULL without.
static void plan_run(const plan *p, void *const data[OPERANDS], void *bias) {
    dnnl_stream_t stream = ck_onednn_stream_create();
    void *scratch = p->scratch_bytes ? ck_storage_acquire(p->scratch_bytes) : NULL;
    void *inner[OPERANDS];
    dnnl_memory_t user_mem[OPERANDS], inner_mem[OPERANDS];
    unsigned long long reorder_ns = 0;
    // Asked once: a Winograd convolution reads the weights as they are, the primitive reordered.
    const int winograd = p->winograd_block && ck_winograd_allowed();
    for (int slot = 0; slot < OPERANDS; slot++) {
        const operand *op = &p->op[slot];
        const int reordered = op->reorder && !(winograd && slot == IN1);
        inner[slot] = reordered ? ck_storage_acquire(op->inner_bytes) : data[slot];
        user_mem[slot] = ck_onednn_memory_over(&op->user, data[slot]);
        inner_mem[slot] = reordered ? ck_onednn_memory_over(&op->inner, inner[slot]) : user_mem[slot];
        if (reordered && slot != OUT) {
            dnnl_exec_arg_t args[3] = {{DNNL_ARG_FROM, user_mem[slot]}, {DNNL_ARG_TO, inner_mem[slot]}};
            reorder_ns += ck_onednn_execute(op->reorder, stream, 2, args, scratch);
        }
    }
    const unsigned long long primitive_ns = convolve(p, winograd, data, inner, inner_mem, bias, stream, scratch);
    if (p->op[OUT].reorder) {
        dnnl_exec_arg_t back[3] = {{DNNL_ARG_FROM, inner_mem[OUT]}, {DNNL_ARG_TO, user_mem[OUT]}};
        reorder_ns += ck_onednn_execute(p->op[OUT].reorder, stream, 2, back, scratch);
    }
    for (int slot = 0; slot < OPERANDS; slot++) {
        if (inner[slot] != data[slot]) {
            dnnl_memory_destroy(inner_mem[slot]);
            ck_storage_release(inner[slot], p->op[slot].inner_bytes);
        }
        dnnl_memory_destroy(user_mem[slot]);
    }
    if (scratch) ck_storage_release(scratch, p->scratch_bytes);
    dnnl_stream_destroy(stream);
    __atomic_fetch_add(&stats.reorder_ns, reorder_ns, __ATOMIC_RELAXED);
    __atomic_fetch_add(&stats.primitive_ns, primitive_ns, __ATOMIC_RELAXED);
}

static void plan_release(plan *p, int transient) {
    if (transient) plan_destroy(p);
}

// ---- the weight gradient, independent of the thread count ----------------------------------------
// oneDNN's weight-gradient kernels split the batch between threads and add the parts in an order
// that follows the thread count (1x1 stride-2 shortcuts of the small ResNet give other bits at 1
// and 2 threads), which would make a training run depend on --threads. So the batch is cut into
// chunks by the shape alone; each chunk's gradient comes from a single-threaded plan, the chunks
// run in parallel, and their gradients are added in chunk order: the same bits for any thread
// count. A chunk holds at least WEIGHT_CHUNK_IMAGES images, and the chunks' gradients together
// at most WEIGHT_PARTS_BYTES (wide layers get fewer, larger chunks). The forward and
// data-gradient primitives compute each output in one thread and need none of this (the
// thread-count tests hold all three directions to it).
#define WEIGHT_CHUNK_IMAGES 16
#define WEIGHT_PARTS_BYTES (20L << 20)

static long weight_chunk_count(const ck_conv2d_shape *s, size_t weight_bytes) {
    long chunks = (s->n + WEIGHT_CHUNK_IMAGES - 1) / WEIGHT_CHUNK_IMAGES;
    const long affordable = (long)(WEIGHT_PARTS_BYTES / weight_bytes);
    if (chunks > affordable) chunks = affordable;
    return chunks < 1 ? 1 : chunks;
}

typedef struct {
    const ck_conv2d_shape *shape;
    const float *x, *gy;
    float *first, *rest;        // the weight gradient of chunk 0, and of chunks 1, 2, ... one after another
    float *bias_first, *bias_rest;  // the same for the bias, NULL without
    long chunks, weights;
    long images;                // per chunk; the last may have fewer
    plan *full, *tail;          // the plans of a whole chunk and of the last, shorter one
} weight_chunks;

static void weight_chunk_range(void *context, long begin, long end) {
    const weight_chunks *k = context;
    const ck_conv2d_shape *s = k->shape;
    for (long chunk = begin; chunk < end; chunk++) {
        const long first = chunk * k->images;
        const plan *p = chunk == k->chunks - 1 && k->tail ? k->tail : k->full;
        float *gw = chunk == 0 ? k->first : k->rest + (chunk - 1) * k->weights;
        float *gb = !k->bias_first ? NULL : chunk == 0 ? k->bias_first : k->bias_rest + (chunk - 1) * s->o;
        void *const data[OPERANDS] = {(void *)(k->x + first * s->c * s->h * s->w),
                                      (void *)(k->gy + first * s->o * s->oh * s->ow), gw};
        plan_run(p, data, gb);
    }
}

// first[i] += rest[i] + rest[stride + i] + ..., adding in chunk order.
typedef struct {
    float *first;
    const float *rest;
    long chunks, stride;
} chunk_sum;

static void chunk_sum_range(void *context, long begin, long end) {
    const chunk_sum *k = context;
    for (long i = begin; i < end; i++) {
        float total = k->first[i];
        for (long chunk = 1; chunk < k->chunks; chunk++) total += k->rest[(chunk - 1) * k->stride + i];
        k->first[i] = total;
    }
}

// The plan of a chunk of `images` images, single-threaded.
static plan *weight_chunk_plan(const ck_conv2d_shape *s, long images, int with_bias, int *transient) {
    ck_conv2d_shape chunk = *s;
    chunk.n = images;
    plan_key key;
    key_init(&key, &chunk, BACKWARD_WEIGHTS, with_bias);
    key.threads = 1;
    return plan_get(&key, transient);
}

static void weight_gradient(const ck_conv2d_shape *s, const float *x, const float *gy, float *gw, float *gb,
                            plan *full, plan *tail, long chunks, long images) {
    const long weights = s->o * (s->c / s->groups) * s->kh * s->kw;
    const size_t weight_bytes = sizeof(float) * (size_t)weights, bias_bytes = sizeof(float) * (size_t)s->o;
    // Chunk 0 writes straight into gw and gb (oneDNN always computes the weight gradient: a
    // caller wanting only the bias's gets a temporary one), the others beside them.
    const size_t rest_bytes = weight_bytes * (size_t)(chunks - 1), bias_rest_bytes = bias_bytes * (size_t)(chunks - 1);
    float *first = gw ? gw : ck_storage_acquire(weight_bytes);
    float *rest = chunks > 1 ? ck_storage_acquire(rest_bytes) : NULL;
    float *bias_rest = gb && chunks > 1 ? ck_storage_acquire(bias_rest_bytes) : NULL;
    weight_chunks k = {s, x, gy, first, rest, gb, bias_rest, chunks, weights, images, full, tail};
    ck_parallel_for(chunks, 1, weight_chunk_range, &k);
    if (chunks > 1) {
        if (gw) {
            chunk_sum sum = {gw, rest, chunks, weights};
            ck_parallel_for(weights, 4096, chunk_sum_range, &sum);
        }
        if (gb) {
            chunk_sum sum = {gb, bias_rest, chunks, s->o};
            chunk_sum_range(&sum, 0, s->o);
            ck_storage_release(bias_rest, bias_rest_bytes);
        }
        ck_storage_release(rest, rest_bytes);
    }
    if (!gw) ck_storage_release(first, weight_bytes);
}

// ---- the backward pass as Winograd convolutions ----------------------------------------------------
// For a convolution without bias whose forward and data-gradient plans run Winograd convolutions:
// gy and x are reordered into blocks once, and both gradients come from them (winograd.c). The
// weight gradient sums its tiles in chunks fixed by the shape, so it does not depend on the
// thread count either.

// 1 when done; 0, with nothing written, when the plans do not run Winograd convolutions.
static int winograd_backward(const ck_conv2d_shape *s, const float *x, const float *w, const float *gy, float *gx, float *gw) {
    plan_key forward_key, data_key;
    key_init(&forward_key, s, FORWARD, 0);
    key_init(&data_key, s, BACKWARD_DATA, 0);
    int forward_transient = 0, data_transient = 0;
    plan *forward = plan_get(&forward_key, &forward_transient);
    plan *data = forward ? plan_get(&data_key, &data_transient) : NULL;
    const long block = forward ? forward->winograd_block : 0;
    const int runs = data && block && data->winograd_block == block && forward->op[IN0].reorder && data->op[IN0].reorder &&
                     data->op[OUT].reorder;
    if (runs) {
        dnnl_stream_t stream = ck_onednn_stream_create();
        const size_t scratch_bytes = forward->scratch_bytes > data->scratch_bytes ? forward->scratch_bytes : data->scratch_bytes;
        void *scratch = scratch_bytes ? ck_storage_acquire(scratch_bytes) : NULL;
        const operand *x_op = &forward->op[IN0], *gy_op = &data->op[IN0], *gx_op = &data->op[OUT];
        float *x_blocks = ck_storage_acquire(x_op->inner_bytes), *gy_blocks = ck_storage_acquire(gy_op->inner_bytes);
        unsigned long long reorder_ns =
            ck_onednn_reorder_run(x_op->reorder, &x_op->user, x, &x_op->inner, x_blocks, stream, scratch) +
            ck_onednn_reorder_run(gy_op->reorder, &gy_op->user, gy, &gy_op->inner, gy_blocks, stream, scratch);
        unsigned long long compute_ns = 0;
        if (gx) {
            float *gx_blocks = ck_storage_acquire(gx_op->inner_bytes);
            const unsigned long long start = ck_onednn_now_ns();
            winograd_convolve(s, w, gy_blocks, block, NULL, gx_blocks, 1);
            compute_ns += ck_onednn_now_ns() - start;
            reorder_ns += ck_onednn_reorder_run(gx_op->reorder, &gx_op->inner, gx_blocks, &gx_op->user, gx, stream, scratch);
            ck_storage_release(gx_blocks, gx_op->inner_bytes);
        }
        if (gw) {
            const unsigned long long start = ck_onednn_now_ns();
            ck_winograd3x3_weight_gradient_f32(x_blocks, gy_blocks, s->n, s->c, s->h, s->w, block, s->o, gw);
            compute_ns += ck_onednn_now_ns() - start;
        }
        __atomic_fetch_add(&stats.primitive_ns, compute_ns, __ATOMIC_RELAXED);
        __atomic_fetch_add(&stats.reorder_ns, reorder_ns, __ATOMIC_RELAXED);
        ck_storage_release(x_blocks, x_op->inner_bytes);
        ck_storage_release(gy_blocks, gy_op->inner_bytes);
        if (scratch) ck_storage_release(scratch, scratch_bytes);
        dnnl_stream_destroy(stream);
    }
    if (forward) plan_release(forward, forward_transient);
    if (data) plan_release(data, data_transient);
    return runs;
}

// ---- entry points --------------------------------------------------------------------------------

static int refused(void) {
    __atomic_fetch_add(&stats.refused, 1, __ATOMIC_RELAXED);
    return 0;
}

int ck_conv2d_onednn_forward_f32(const ck_conv2d_shape *s, const float *x, const float *w, const float *bias,
                                 float *y) {
    if (!ck_onednn_engine() || s->n == 0) return refused();  // an empty batch: im2col defines its zero gradients
    plan_key key;
    key_init(&key, s, FORWARD, bias != NULL);
    int transient;
    plan *p = plan_get(&key, &transient);
    if (!p) return refused();
    void *const data[OPERANDS] = {(void *)x, (void *)w, y};
    plan_run(p, data, (void *)bias);
    plan_release(p, transient);
    __atomic_fetch_add(&stats.calls, 1, __ATOMIC_RELAXED);
    return 1;
}

int ck_conv2d_onednn_backward_f32(const ck_conv2d_shape *s, const float *x, const float *w, const float *gy,
                                  float *gx, float *gw, float *gb) {
    if (!ck_onednn_engine() || s->n == 0) return refused();  // an empty batch: im2col defines its zero gradients
    if (!gb && (gx || gw) && ck_winograd_worth_it(s) && ck_winograd_allowed() && winograd_backward(s, x, w, gy, gx, gw)) {
        __atomic_fetch_add(&stats.calls, 1, __ATOMIC_RELAXED);
        return 1;
    }
    // Every plan first, so that a refusal leaves every output untouched.
    plan_key data_key;
    key_init(&data_key, s, BACKWARD_DATA, 0);
    const size_t weight_bytes = sizeof(float) * (size_t)(s->o * (s->c / s->groups) * s->kh * s->kw);
    const long wanted_chunks = weight_chunk_count(s, weight_bytes);
    const long full_images = (s->n + wanted_chunks - 1) / wanted_chunks;
    const long chunks = (s->n + full_images - 1) / full_images;  // 9 images in 4 chunks of 3 make 3
    const long tail_images = s->n - (chunks - 1) * full_images;
    const int want_weights = gw || gb;
    int data_transient = 0, full_transient = 0, tail_transient = 0;
    plan *data_plan = gx ? plan_get(&data_key, &data_transient) : NULL;
    plan *full = want_weights ? weight_chunk_plan(s, full_images, gb != NULL, &full_transient) : NULL;
    plan *tail = want_weights && tail_images != full_images ? weight_chunk_plan(s, tail_images, gb != NULL, &tail_transient)
                                                             : NULL;
    if ((gx && !data_plan) || (want_weights && (!full || (tail_images != full_images && !tail)))) {
        if (data_plan) plan_release(data_plan, data_transient);
        if (full) plan_release(full, full_transient);
        if (tail) plan_release(tail, tail_transient);
        return refused();
    }
    if (data_plan) {
        void *const data[OPERANDS] = {(void *)gy, (void *)w, gx};
        plan_run(data_plan, data, NULL);
        plan_release(data_plan, data_transient);
    }
    if (want_weights) {
        weight_gradient(s, x, gy, gw, gb, full, tail, chunks, full_images);
        plan_release(full, full_transient);
        if (tail) plan_release(tail, tail_transient);
    }
    __atomic_fetch_add(&stats.calls, 1, __ATOMIC_RELAXED);
    return 1;
}
