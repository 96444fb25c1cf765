// Expands a template once for float and once for double: the one way CKernels writes typed code.
// Define CK_TEMPLATE as the template's path (relative to this directory) and include this header.
// Inside the template:
//   T          the element type;             S the name suffix, f32 or f64;
//   MATH(fn)   the libm function for T (expf or exp);
//   BY_TYPE(f, d)  f for float, d for double (OpenBLAS / LAPACKE names, for instance);
//   FN(name), CTX(name), CHUNK(name)  a function, its context struct and its chunk worker, with
//              the suffix. ckernels.h expands its declarations (ckernels_typed.h) the same way.
//
// Instruction sets. A kernel source that also defines CK_ISA_VARIANTS gets its template
// expanded in three parts per type, chosen by CK_PART (see isa.h):
//   CK_PART_SHARED   once: context structs and helpers the entry points use;
//   CK_PART_KERNELS  once per instruction set (ISA = generic, and on x86-64 avx2 and avx512,
//                    compiled for that set through `#pragma clang attribute`): the chunk
//                    workers and their helpers; FN and CHUNK add the ISA to the name, API(name)
//                    names a public entry point;
//   CK_PART_ENTRIES  once: the public entry points, where CHUNK(name) is the worker of the
//                    instruction set in use (a table indexed by ck_isa_in_use()).
#define CAT2(a, b) a##_##b
#define CAT(a, b) CAT2(a, b)
#define API(name) CAT(name, S)
#define FN(name) CAT(name, S)
#define CTX(name) CAT(name##_ctx, S)
#define CHUNK(name) CAT(name##_chunk, S)

#ifdef CK_ISA_VARIANTS
#include "../isa.h"
#define CK_EXPAND_TYPE "ckernels_isa_expand.h"
#else
#define CK_EXPAND_TYPE CK_TEMPLATE
#endif

#define T float
#define S f32
#define MATH(fn) fn##f
#define BY_TYPE(f, d) f
#include CK_EXPAND_TYPE
#undef T
#undef S
#undef MATH
#undef BY_TYPE

#define T double
#define S f64
#define MATH(fn) fn
#define BY_TYPE(f, d) d
#include CK_EXPAND_TYPE
#undef T
#undef S
#undef MATH
#undef BY_TYPE

#undef CK_EXPAND_TYPE
#undef CK_TEMPLATE
#undef CAT2
#undef CAT
#undef API
#undef FN
#undef CTX
#undef CHUNK
