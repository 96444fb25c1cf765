// The pieces both oneDNN wrappers use (onednn_shared.h).
#include "onednn_shared.h"
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static dnnl_engine_t engine;
static pthread_once_t engine_once = PTHREAD_ONCE_INIT;

static void engine_create(void) {
    if (dnnl_engine_create(&engine, dnnl_cpu, 0) != dnnl_success) engine = NULL;
}

dnnl_engine_t ck_onednn_engine(void) {
    pthread_once(&engine_once, engine_create);
    return engine;
}

void ck_onednn_fail(const char *what) {
    fprintf(stderr, "CKernels: %s\n", what);
    abort();
}

dnnl_primitive_attr_t ck_onednn_user_scratchpad_attr(void) {
    dnnl_primitive_attr_t attr = NULL;
    if (dnnl_primitive_attr_create(&attr) != dnnl_success) return NULL;
    if (dnnl_primitive_attr_set_scratchpad_mode(attr, dnnl_scratchpad_mode_user) != dnnl_success) {
        dnnl_primitive_attr_destroy(attr);
        return NULL;
    }
    return attr;
}

size_t ck_onednn_scratchpad_bytes(const_dnnl_primitive_desc_t pd) {
    const dnnl_memory_desc_t *md = dnnl_primitive_desc_query_md(pd, dnnl_query_scratchpad_md, 0);
    return md ? dnnl_memory_desc_get_size(md) : 0;
}

dnnl_primitive_t ck_onednn_reorder_create(const dnnl_memory_desc_t *from, const dnnl_memory_desc_t *to, size_t *scratch) {
    dnnl_primitive_attr_t attr = ck_onednn_user_scratchpad_attr();
    if (!attr) return NULL;
    dnnl_engine_t e = ck_onednn_engine();
    dnnl_primitive_desc_t pd = NULL;
    dnnl_status_t status = dnnl_reorder_primitive_desc_create(&pd, from, e, to, e, attr);
    dnnl_primitive_attr_destroy(attr);
    if (status != dnnl_success) return NULL;
    dnnl_primitive_t primitive = NULL;
    if (dnnl_primitive_create(&primitive, pd) != dnnl_success) primitive = NULL;
    const size_t bytes = ck_onednn_scratchpad_bytes(pd);
    if (bytes > *scratch) *scratch = bytes;
    dnnl_primitive_desc_destroy(pd);
    return primitive;
}

dnnl_memory_t ck_onednn_memory_over(const dnnl_memory_desc_t *md, void *data) {
    dnnl_memory_t m = NULL;
    if (dnnl_memory_create(&m, md, ck_onednn_engine(), data) != dnnl_success)
        ck_onednn_fail("oneDNN could not wrap a buffer in a memory object");
    return m;
}

dnnl_stream_t ck_onednn_stream_create(void) {
    dnnl_stream_t stream = NULL;
    if (dnnl_stream_create(&stream, ck_onednn_engine(), dnnl_stream_default_flags) != dnnl_success)
        ck_onednn_fail("oneDNN could not create a stream");
    return stream;
}

unsigned long long ck_onednn_now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (unsigned long long)t.tv_sec * 1000000000ull + (unsigned long long)t.tv_nsec;
}

unsigned long long ck_onednn_execute(dnnl_primitive_t primitive, dnnl_stream_t stream, int count, dnnl_exec_arg_t *args,
                                     void *scratch) {
    dnnl_memory_t scratch_memory = NULL;
    if (scratch) {
        const_dnnl_primitive_desc_t pd;
        dnnl_primitive_get_primitive_desc(primitive, &pd);
        const dnnl_memory_desc_t *md = dnnl_primitive_desc_query_md(pd, dnnl_query_scratchpad_md, 0);
        if (md && dnnl_memory_desc_get_size(md) > 0) {
            scratch_memory = ck_onednn_memory_over(md, scratch);
            args[count++] = (dnnl_exec_arg_t){DNNL_ARG_SCRATCHPAD, scratch_memory};
        }
    }
    const unsigned long long t0 = ck_onednn_now_ns();
    if (dnnl_primitive_execute(primitive, stream, count, args) != dnnl_success || dnnl_stream_wait(stream) != dnnl_success)
        ck_onednn_fail("a oneDNN primitive failed to execute");
    const unsigned long long elapsed = ck_onednn_now_ns() - t0;
    if (scratch_memory) dnnl_memory_destroy(scratch_memory);
    return elapsed;
}

void ck_onednn_conv_geometry(const ck_conv2d_shape *s, dnnl_dims_t strides, dnnl_dims_t dilates, dnnl_dims_t pad_l,
                             dnnl_dims_t pad_r) {
    // oneDNN counts dilation from 0 and wants the right/bottom padding explicitly: what the last
    // window reaches beyond the input (negative when it stops short of the edge).
    const long reach = (s->kh - 1) * s->dilation + 1, reach_w = (s->kw - 1) * s->dilation + 1;
    strides[0] = strides[1] = s->stride;
    dilates[0] = dilates[1] = s->dilation - 1;
    pad_l[0] = pad_l[1] = s->pad;
    pad_r[0] = (s->oh - 1) * s->stride + reach - s->h - s->pad;
    pad_r[1] = (s->ow - 1) * s->stride + reach_w - s->w - s->pad;
}

unsigned long long ck_onednn_reorder_run(dnnl_primitive_t reorder, const dnnl_memory_desc_t *from_md, const void *from,
                                         const dnnl_memory_desc_t *to_md, void *to, dnnl_stream_t stream, void *scratch) {
    dnnl_memory_t a = ck_onednn_memory_over(from_md, (void *)from), b = ck_onednn_memory_over(to_md, to);
    dnnl_exec_arg_t args[3] = {{DNNL_ARG_FROM, a}, {DNNL_ARG_TO, b}};
    const unsigned long long ns = ck_onednn_execute(reorder, stream, 2, args, scratch);
    dnnl_memory_destroy(a);
    dnnl_memory_destroy(b);
    return ns;
}

// The activation layouts the wrappers use, by channels per block.
static const dnnl_format_tag_t block_tags[3] = {dnnl_nchw, dnnl_aBcd8b, dnnl_aBcd16b};
static const long blocks[3] = {1, 8, 16};

long ck_onednn_block_of(const dnnl_memory_desc_t *md) {
    for (int i = 0; i < 3; i++) {
        dnnl_memory_desc_t probe;
        if (dnnl_memory_desc_init_by_tag(&probe, 4, md->dims, dnnl_f32, block_tags[i]) == dnnl_success &&
            dnnl_memory_desc_equal(&probe, md))
            return blocks[i];
    }
    return 0;
}

dnnl_format_tag_t ck_onednn_tag_of_block(long block) {
    for (int i = 0; i < 3; i++)
        if (blocks[i] == block) return block_tags[i];
    ck_onednn_fail("an activation layout of another block than 1, 8 or 16 channels");
    return dnnl_format_tag_undef;
}
