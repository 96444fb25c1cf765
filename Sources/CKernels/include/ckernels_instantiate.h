// Expands a template once for float and once for double: the one way CKernels writes typed code.
// Define CK_TEMPLATE as the template's path (relative to this directory) and include this header.
// Inside the template:
//   T          the element type;             S the name suffix, f32 or f64;
//   MATH(fn)   the libm function for T (expf or exp);
//   BY_TYPE(f, d)  f for float, d for double (OpenBLAS / LAPACKE names, for instance);
//   FN(name), CTX(name), CHUNK(name)  a function, its context struct and its chunk worker, with
//              the suffix. ckernels.h expands its declarations (ckernels_typed.h) the same way.
#define CAT2(a, b) a##_##b
#define CAT(a, b) CAT2(a, b)
#define FN(name) CAT(name, S)
#define CTX(name) CAT(name##_ctx, S)
#define CHUNK(name) CAT(name##_chunk, S)

#define T float
#define S f32
#define MATH(fn) fn##f
#define BY_TYPE(f, d) f
#include CK_TEMPLATE
#undef T
#undef S
#undef MATH
#undef BY_TYPE

#define T double
#define S f64
#define MATH(fn) fn
#define BY_TYPE(f, d) d
#include CK_TEMPLATE
#undef T
#undef S
#undef MATH
#undef BY_TYPE

#undef CK_TEMPLATE
#undef CAT2
#undef CAT
#undef FN
#undef CTX
#undef CHUNK
