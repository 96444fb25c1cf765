// Reductions along one axis of a tensor viewed as [outer, r, inner]: sum, max/argmax,
// softmax, log-softmax and logsumexp, for float and double.
#include "ckernels.h"
#include <math.h>

#define REDUCE_GRAIN 16384

#define T float
#define S f32
#define MATH(fn) fn##f
#include "reduce_impl.h"
#undef T
#undef S
#undef MATH

#define T double
#define S f64
#define MATH(fn) fn
#include "reduce_impl.h"
#undef T
#undef S
#undef MATH
