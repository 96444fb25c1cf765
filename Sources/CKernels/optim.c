// Fused optimiser updates (SGD, Adam/AdamW), the squared L2 norm for gradient clipping, and an
// in-place scale, for float and double. Every element is updated independently, so results do
// not depend on the number of threads.
#include "ckernels.h"
#include <math.h>

// No fused multiply-adds: the same binary gives the same bits on every machine, and the
// results equal the step-by-step arithmetic written in the tests and the documentation.
#pragma STDC FP_CONTRACT OFF

// Below this many elements an update is not worth waking the other threads for.
#define OPTIM_GRAIN 16384
// The norm is summed in blocks whose size depends only on n (never on the thread count), and
// the block sums are added in order: the same gradients give the same norm on any machine.
#define NORM_MAX_BLOCKS 256
#define NORM_MIN_BLOCK 4096

// sqrt without errno (the argument is never negative): libm's sqrtf may set errno, which keeps
// the compiler from vectorising the Adam loop. Both are the correctly rounded IEEE square root.
#if defined(__has_builtin)
#if __has_builtin(__builtin_elementwise_sqrt)
#define SQRT(x) __builtin_elementwise_sqrt(x)
#endif
#endif
#ifndef SQRT
#define SQRT(x) MATH(sqrt)(x)
#endif

#define CK_ISA_VARIANTS
#define CK_TEMPLATE "../optim_impl.h"  // relative to include/, where the expander lives
#include "ckernels_instantiate.h"
