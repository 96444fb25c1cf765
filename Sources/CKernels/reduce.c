// Reductions along one axis of a tensor viewed as [outer, r, inner]: sum, max/argmax,
// softmax, log-softmax and logsumexp, for float and double.
#include "ckernels.h"
#include "fast_exp.h"
#include <math.h>

// exp in the templates: the vectorisable one for float, libm's for double (fast_exp.h).
#define EXP(x) BY_TYPE(ck_exp_f32, exp)(x)

#define REDUCE_GRAIN 16384

// Each task index covers one (outer, inner-block) pair; inner blocks keep loops contiguous.
#define INNER_BLOCK 256
static inline long reduce_blocks(long inner) { return (inner + INNER_BLOCK - 1) / INNER_BLOCK; }

#define CK_ISA_VARIANTS
#define CK_TEMPLATE "../reduce_impl.h"  // relative to include/, where the expander lives
#include "ckernels_instantiate.h"
