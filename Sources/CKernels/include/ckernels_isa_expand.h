// One element type of a template with instruction-set variants, for ckernels_instantiate.h:
// the shared part, the kernels once per instruction set, then the entry points.
#define CK_PART CK_PART_SHARED
#include CK_TEMPLATE
#undef CK_PART

#undef FN
#undef CHUNK
#define FN(name) CAT(CAT(name, S), ISA)
#define CHUNK(name) CAT(CAT(name##_chunk, S), ISA)
#define CK_PART CK_PART_KERNELS
#define ISA generic
#include CK_TEMPLATE
#undef ISA
#if defined(__x86_64__)
#pragma clang attribute push(__attribute__((target("avx2,fma"))), apply_to = function)
#define ISA avx2
#include CK_TEMPLATE
#undef ISA
#pragma clang attribute pop
#pragma clang attribute push(__attribute__((target("avx2,fma,avx512f,avx512bw,avx512dq,avx512vl"))), apply_to = function)
#define ISA avx512
#include CK_TEMPLATE
#undef ISA
#pragma clang attribute pop
#endif
#undef CK_PART
#undef FN
#undef CHUNK

#define FN(name) CAT(name, S)
#define CHUNK(name) CK_ISA_TABLE(CAT(name##_chunk, S))
#define CK_PART CK_PART_ENTRIES
#include CK_TEMPLATE
#undef CK_PART
#undef CHUNK
#define CHUNK(name) CAT(name##_chunk, S)
