// Test support for CKernels: probes the thread tests use, switches of instruction set and of
// convolution engine. Only test targets depend on this.
#ifndef CKERNELS_TESTING_H
#define CKERNELS_TESTING_H
#include "ckernels.h"

/// Number of distinct OpenMP threads that executed one parallel region of `n` chunks (for tests).
int ck_probe_parallel_threads(void);
/// Number of distinct threads OpenBLAS used during one large sgemm (for tests).
int ck_probe_blas_threads(void);

/// 1 if this CPU (and OS) can run the given CK_ISA_... variants, else 0.
int ck_testing_cpu_supports_isa(int isa);
/// Makes the kernels use `isa` from now on (ignoring LRN_MAX_ISA); returns the previous one, or
/// -1 (and changes nothing) when the CPU cannot run it. Not thread-safe: serialized tests only.
int ck_testing_use_isa(int isa);
/// How CKernels reads LRN_MAX_ISA (defined in isa.c): the cap a value names, CK_ISA_AVX512 for
/// NULL or "" (no cap), -1 for anything else (the process then stops at the first kernel call
/// with a message).
int ck_isa_parse_cap(const char *value);
/// How many times CKernels has probed the CPU and LRN_MAX_ISA: 0 until the first kernel call or
/// ck_isa(), then 1.
int ck_testing_isa_probes(void);

/// Defined in CKernels (memory.c): while enabled, every tensor buffer handed out (fresh or reused)
/// is filled with NaN first, so a kernel that reads before writing shows it. Returns the previous
/// setting. Thread-safe.
int ck_storage_set_poisoning(int enabled);

/// Defined in CKernels (conv_onednn.c): the float32 convolution on oneDNN alone. Each returns 1
/// when oneDNN computed it, 0 when oneDNN refused the shape (outputs untouched).
int ck_conv2d_onednn_forward_f32(const ck_conv2d_shape *s, const float *x, const float *w,
                                 const float *bias, float *y);
int ck_conv2d_onednn_backward_f32(const ck_conv2d_shape *s, const float *x, const float *w,
                                  const float *gy, float *gx, float *gw, float *gb);
/// Defined in CKernels (conv.c): how LRN_CONV_ENGINE is read (CK_CONV_ENGINE_DEFAULT for NULL
/// or "", -1 for an unknown value).
int ck_conv_engine_parse(const char *value);
/// Makes float32 convolutions use `engine` from now on (ignoring LRN_CONV_ENGINE and the
/// configuration); returns the previous one. For serialized tests only.
int ck_testing_use_conv_engine(int engine);

#endif
