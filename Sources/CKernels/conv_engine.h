// The float32 convolution engines behind ck_conv2d_forward_f32 / ck_conv2d_backward_f32:
// the choice (conv.c) and the oneDNN wrapper (conv_onednn.c). Internal to CKernels; the tests
// reach these through CKernelsTestSupport's header.
#ifndef CK_CONV_ENGINE_H
#define CK_CONV_ENGINE_H
#include "ckernels.h"

/// The engine in use (CK_CONV_ENGINE_IM2COL or _ONEDNN), set by ck_conv_engine_configure.
extern int ck_conv_engine_active;

/// Forward on oneDNN. Returns 1 when done, 0 when oneDNN refused the shape (y untouched).
int ck_conv2d_onednn_forward_f32(const ck_conv2d_shape *s, const float *x, const float *w,
                                 const float *bias, float *y);
/// Backward on oneDNN (gx, gw, gb each optional, as ck_conv2d_backward). Returns 1 when done,
/// 0 when oneDNN refused a direction (nothing written).
int ck_conv2d_onednn_backward_f32(const ck_conv2d_shape *s, const float *x, const float *w,
                                  const float *gy, float *gx, float *gw, float *gb);
/// The engine LRN_CONV_ENGINE's value names: CK_CONV_ENGINE_DEFAULT for NULL or "", -1 if
/// unknown.
int ck_conv_engine_parse(const char *value);
/// Applies the configured engine (CK_CONV_ENGINE_DEFAULT: the built-in default), unless
/// LRN_CONV_ENGINE overrides it (configure.c calls it).
void ck_conv_engine_configure(int engine);
#endif
