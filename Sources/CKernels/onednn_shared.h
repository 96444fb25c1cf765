// What the two oneDNN wrappers share (conv_onednn.c: a convolution per call, at the op boundary;
// inference_onednn.c: inference chains in oneDNN's layout): the process's one CPU engine, memory
// objects over our buffers, primitives run on our own scratchpad, and a convolution's geometry
// as oneDNN counts it. Internal to CKernels; only these three files know oneDNN's 2.x API.
#ifndef CK_ONEDNN_SHARED_H
#define CK_ONEDNN_SHARED_H
#include "ckernels.h"
#include <oneapi/dnnl/dnnl.h>
#include <stddef.h>

/// The CPU engine, made on first use (thread-safe); NULL when oneDNN cannot make one.
dnnl_engine_t ck_onednn_engine(void);
/// Stops the process with `what`: once oneDNN has accepted a shape, a failure is a bug.
void ck_onednn_fail(const char *what);
/// Attributes with the scratchpad ours (passed at execution), so that one primitive can run
/// from several threads at once; NULL if oneDNN refuses.
dnnl_primitive_attr_t ck_onednn_user_scratchpad_attr(void);
/// The scratchpad a primitive (made with ck_onednn_user_scratchpad_attr) needs.
size_t ck_onednn_scratchpad_bytes(const_dnnl_primitive_desc_t pd);
/// A reorder between two layouts on our scratchpad; its need raises *scratch. NULL if refused.
dnnl_primitive_t ck_onednn_reorder_create(const dnnl_memory_desc_t *from, const dnnl_memory_desc_t *to, size_t *scratch);
/// A memory object over `data` (not owned).
dnnl_memory_t ck_onednn_memory_over(const dnnl_memory_desc_t *md, void *data);
dnnl_stream_t ck_onednn_stream_create(void);
/// A monotonic clock in nanoseconds, for the time statistics.
unsigned long long ck_onednn_now_ns(void);
/// Executes `primitive` on `stream` and waits for it, with `scratch` as its scratchpad when it
/// has one (`args` has room for one more). Returns the wall-clock nanoseconds it took.
unsigned long long ck_onednn_execute(dnnl_primitive_t primitive, dnnl_stream_t stream, int count, dnnl_exec_arg_t *args,
                                     void *scratch);
/// The strides, dilations, left and right padding of convolution `s` as oneDNN wants them.
void ck_onednn_conv_geometry(const ck_conv2d_shape *s, dnnl_dims_t strides, dnnl_dims_t dilates, dnnl_dims_t pad_l,
                             dnnl_dims_t pad_r);
/// Runs the reorder `reorder` from `from` (layout from_md) into `to` (layout to_md) on `scratch`;
/// returns the nanoseconds it took.
unsigned long long ck_onednn_reorder_run(dnnl_primitive_t reorder, const dnnl_memory_desc_t *from_md, const void *from,
                                         const dnnl_memory_desc_t *to_md, void *to, dnnl_stream_t stream, void *scratch);
/// Channels per block of `md` when it is NCHW (1) or oneDNN's nChw8c / nChw16c; 0 for another layout.
long ck_onednn_block_of(const dnnl_memory_desc_t *md);
/// The format of those layouts for 1, 8 or 16 channels per block.
dnnl_format_tag_t ck_onednn_tag_of_block(long block);

// ---- Winograd convolutions (winograd.c) in place of oneDNN's direct ones ------------------------
// Channels in and out from which a Winograd convolution beats oneDNN's direct one, as measured on
// ResNet18's layers (Documentation/Performance.md, "Winograd convolutions").
#define CK_WINOGRAD_MIN_CHANNELS 64
/// Whether `s` is a convolution ck_winograd3x3 computes (3x3, stride 1, padding 1, no dilation or
/// groups) wide enough to gain from it. Callers also ask ck_winograd_allowed() at each call (the
/// configuration may change between calls; cached plans must not remember it).
static inline int ck_winograd_worth_it(const ck_conv2d_shape *s) {
    return s->kh == 3 && s->kw == 3 && s->stride == 1 && s->pad == 1 && s->dilation == 1 && s->groups == 1 &&
           s->c >= CK_WINOGRAD_MIN_CHANNELS && s->o >= CK_WINOGRAD_MIN_CHANNELS;
}
#endif
