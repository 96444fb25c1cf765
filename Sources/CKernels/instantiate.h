// Instantiates a kernel template for float and for double. A .c file defines CK_TEMPLATE as the
// template's file name and includes this header; inside the template, T is the element type,
// S the name suffix (f32 or f64) and MATH(fn) the libm function for T (expf or exp); FN(name),
// CTX(name) and CHUNK(name) give a function, its context struct and its chunk worker the suffix.
#define CAT2(a, b) a##_##b
#define CAT(a, b) CAT2(a, b)
#define FN(name) CAT(name, S)
#define CTX(name) CAT(name##_ctx, S)
#define CHUNK(name) CAT(name##_chunk, S)

#define T float
#define S f32
#define MATH(fn) fn##f
#include CK_TEMPLATE
#undef T
#undef S
#undef MATH

#define T double
#define S f64
#define MATH(fn) fn
#include CK_TEMPLATE
#undef T
#undef S
#undef MATH

#undef CK_TEMPLATE
#undef CAT2
#undef CAT
#undef FN
#undef CTX
#undef CHUNK
