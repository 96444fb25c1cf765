// Engine (d): oneDNN's convolution primitives (Debian's libdnnl 2.6, JIT, its own OpenMP
// threads from libgomp). Two variants:
//   eng_dnnl nchw SHAPE [REPS]     activations NCHW, weights OIHW, as our tensors are
//   eng_dnnl blocked SHAPE [REPS]  every tensor in the layout oneDNN prefers (format "any"),
//                                  as a network kept in that layout end to end would have them;
//                                  the reorders from and to NCHW are done once, untimed.
// Forward is prop_kind forward_training; backward data and backward weights take the forward
// primitive descriptor as their hint, as in training.
#include "bench.h"
#include <oneapi/dnnl/dnnl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHECK(call)                                                                      \
    do {                                                                                 \
        dnnl_status_t status_ = (call);                                                  \
        if (status_ != dnnl_success) {                                                   \
            fprintf(stderr, "eng_dnnl: %s failed with status %d\n", #call, (int)status_); \
            exit(1);                                                                     \
        }                                                                                \
    } while (0)

static int blocked;
static dnnl_engine_t engine;
static dnnl_stream_t stream;
static dnnl_primitive_desc_t pds[DIR_COUNT];
static dnnl_primitive_t prims[DIR_COUNT];
// Per direction, the engine-layout memories: [0] [1] inputs, [2] result.
static dnnl_memory_t mems[DIR_COUNT][3];
static int arg_ids[DIR_COUNT][3] = {
    {DNNL_ARG_SRC, DNNL_ARG_WEIGHTS, DNNL_ARG_DST},
    {DNNL_ARG_DIFF_DST, DNNL_ARG_WEIGHTS, DNNL_ARG_DIFF_SRC},
    {DNNL_ARG_SRC, DNNL_ARG_DIFF_DST, DNNL_ARG_DIFF_WEIGHTS},
};
static dnnl_query_t arg_queries[DIR_COUNT][3] = {
    {dnnl_query_src_md, dnnl_query_weights_md, dnnl_query_dst_md},
    {dnnl_query_diff_dst_md, dnnl_query_weights_md, dnnl_query_diff_src_md},
    {dnnl_query_src_md, dnnl_query_diff_dst_md, dnnl_query_diff_weights_md},
};
static dnnl_memory_desc_t user_md[3];  // NCHW x (and gx), OIHW w (and gw), NCHW y (and gy)
static char description[512];

static void reorder(dnnl_memory_t from, dnnl_memory_t to) {
    const dnnl_memory_desc_t *fm, *tm;
    CHECK(dnnl_memory_get_memory_desc(from, &fm));
    CHECK(dnnl_memory_get_memory_desc(to, &tm));
    dnnl_primitive_desc_t rpd;
    dnnl_primitive_t r;
    CHECK(dnnl_reorder_primitive_desc_create(&rpd, fm, engine, tm, engine, NULL));
    CHECK(dnnl_primitive_create(&r, rpd));
    dnnl_exec_arg_t args[2] = {{DNNL_ARG_FROM, from}, {DNNL_ARG_TO, to}};
    CHECK(dnnl_primitive_execute(r, stream, 2, args));
    CHECK(dnnl_stream_wait(stream));
    dnnl_primitive_destroy(r);
    dnnl_primitive_desc_destroy(rpd);
}

// The user (NCHW / OIHW) tensor behind each argument of each direction.
static void *user_pointer(const conv_problem *p, int dir, int slot, int *which_md) {
    static const int md_of[DIR_COUNT][3] = {{0, 1, 2}, {2, 1, 0}, {0, 2, 1}};
    *which_md = md_of[dir][slot];
    if (dir == DIR_FORWARD) return slot == 0 ? (void *)p->x : slot == 1 ? (void *)p->w : p->y;
    if (dir == DIR_BACKWARD_DATA) return slot == 0 ? (void *)p->gy : slot == 1 ? (void *)p->w : p->gx;
    return slot == 0 ? (void *)p->x : slot == 1 ? (void *)p->gy : p->gw;
}

static int prepare(const conv_problem *p) {
    const conv_shape *s = &p->s;
    CHECK(dnnl_engine_create(&engine, dnnl_cpu, 0));
    CHECK(dnnl_stream_create(&stream, engine, dnnl_stream_default_flags));
    const dnnl_dims_t xd = {s->n, s->c, s->h, s->w}, wd = {s->o, s->c, s->k, s->k}, yd = {s->n, s->o, p->oh, p->ow};
    CHECK(dnnl_memory_desc_init_by_tag(&user_md[0], 4, xd, dnnl_f32, dnnl_nchw));
    CHECK(dnnl_memory_desc_init_by_tag(&user_md[1], 4, wd, dnnl_f32, dnnl_oihw));
    CHECK(dnnl_memory_desc_init_by_tag(&user_md[2], 4, yd, dnnl_f32, dnnl_nchw));
    dnnl_memory_desc_t md[3];
    for (int i = 0; i < 3; i++) {
        md[i] = user_md[i];
        if (blocked)
            CHECK(dnnl_memory_desc_init_by_tag(&md[i], 4, i == 0 ? xd : i == 1 ? wd : yd, dnnl_f32, dnnl_format_tag_any));
    }
    const dnnl_dims_t strides = {s->stride, s->stride}, pad_l = {s->pad, s->pad};
    const dnnl_dims_t pad_r = {(p->oh - 1) * s->stride + s->k - s->h - s->pad, (p->ow - 1) * s->stride + s->k - s->w - s->pad};
    dnnl_convolution_desc_t fd, bd, wdsc;
    CHECK(dnnl_convolution_forward_desc_init(&fd, dnnl_forward_training, dnnl_convolution_direct, &md[0], &md[1], NULL,
                                             &md[2], strides, pad_l, pad_r));
    CHECK(dnnl_primitive_desc_create(&pds[0], &fd, NULL, engine, NULL));
    CHECK(dnnl_convolution_backward_data_desc_init(&bd, dnnl_convolution_direct, &md[0], &md[1], &md[2], strides, pad_l, pad_r));
    CHECK(dnnl_primitive_desc_create(&pds[1], &bd, NULL, engine, pds[0]));
    CHECK(dnnl_convolution_backward_weights_desc_init(&wdsc, dnnl_convolution_direct, &md[0], &md[1], NULL, &md[2],
                                                      strides, pad_l, pad_r));
    CHECK(dnnl_primitive_desc_create(&pds[2], &wdsc, NULL, engine, pds[0]));
    int used = snprintf(description, sizeof description, "oneDNN %s:", blocked ? "blocked" : "nchw");
    for (int dir = 0; dir < DIR_COUNT; dir++) {
        CHECK(dnnl_primitive_create(&prims[dir], pds[dir]));
        for (int slot = 0; slot < 3; slot++) {
            const dnnl_memory_desc_t *want = dnnl_primitive_desc_query_md(pds[dir], arg_queries[dir][slot], 0);
            CHECK(dnnl_memory_create(&mems[dir][slot], want, engine, DNNL_MEMORY_ALLOCATE));
            if (slot < 2) {  // inputs: from the user's tensors, untimed
                int which;
                void *ptr = user_pointer(p, dir, slot, &which);
                dnnl_memory_t user;
                CHECK(dnnl_memory_create(&user, &user_md[which], engine, ptr));
                reorder(user, mems[dir][slot]);
                dnnl_memory_destroy(user);
            }
        }
        const char *impl = NULL;
        CHECK(dnnl_primitive_desc_query(pds[dir], dnnl_query_impl_info_str, 0, &impl));
        const dnnl_memory_desc_t *act = dnnl_primitive_desc_query_md(pds[dir], arg_queries[dir][0], 0);
        const int blocks = act->format_kind == dnnl_blocked ? act->format_desc.blocking.inner_nblks : 0;
        used += snprintf(description + used, sizeof description - used, " %s=%s%s",
                         dir == 0 ? "fwd" : dir == 1 ? "bwd_d" : "bwd_w", impl,
                         blocks ? "(blocked)" : "(plain)");
    }
    return 1;
}

static void run(const conv_problem *p, int dir) {
    (void)p;
    dnnl_exec_arg_t args[3];
    for (int slot = 0; slot < 3; slot++) args[slot] = (dnnl_exec_arg_t){arg_ids[dir][slot], mems[dir][slot]};
    CHECK(dnnl_primitive_execute(prims[dir], stream, 3, args));
    CHECK(dnnl_stream_wait(stream));
}

static void fetch(const conv_problem *p, int dir) {
    int which;
    void *ptr = user_pointer(p, dir, 2, &which);
    dnnl_memory_t user;
    CHECK(dnnl_memory_create(&user, &user_md[which], engine, ptr));
    reorder(mems[dir][2], user);
    dnnl_memory_destroy(user);
}

static const char *describe(void) { return description; }

int main(int argc, char **argv) {
    if (argc < 2 || (strcmp(argv[1], "nchw") && strcmp(argv[1], "blocked"))) {
        fprintf(stderr, "usage: %s nchw|blocked shape-index [reps]\n", argv[0]);
        return 2;
    }
    blocked = strcmp(argv[1], "blocked") == 0;
    const conv_engine e = {blocked ? "onednn-blocked" : "onednn-nchw", prepare, run, fetch, NULL, describe};
    argv[1] = argv[0];
    return bench_main(argc - 1, argv + 1, &e);
}
