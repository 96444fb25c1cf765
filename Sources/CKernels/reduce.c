// Reductions along one axis of a tensor viewed as [outer, r, inner]: sum, max/argmax,
// softmax, log-softmax and logsumexp, for float and double.
#include "ckernels.h"
#include <math.h>

#define REDUCE_GRAIN 16384

// Each task index covers one (outer, inner-block) pair; inner blocks keep loops contiguous.
#define INNER_BLOCK 256
static inline long reduce_blocks(long inner) { return (inner + INNER_BLOCK - 1) / INNER_BLOCK; }

#define CK_ISA_VARIANTS
#define CK_TEMPLATE "../reduce_impl.h"  // relative to include/, where the expander lives
#include "ckernels_instantiate.h"
