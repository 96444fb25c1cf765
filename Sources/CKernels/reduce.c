// Reductions along one axis of a tensor viewed as [outer, r, inner]: sum, max/argmax,
// softmax, log-softmax and logsumexp, for float and double.
#include "ckernels.h"
#include <math.h>

#define REDUCE_GRAIN 16384

#define CK_TEMPLATE "../reduce_impl.h"  // relative to include/, where the expander lives
#include "ckernels_instantiate.h"
