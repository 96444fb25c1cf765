// Indexing kernels (row copies for slice/concat, index-select, gather, lower-triangular fill)
// for float and double. Every loop is split over an index that never writes the same output
// element from two threads, so backward scatters need no atomics.
#include "ckernels.h"
#include <string.h>

// Below this many elements a loop is not worth waking the other threads for.
#define INDEXING_GRAIN 32768

#define CK_TEMPLATE "../indexing_impl.h"  // relative to include/, where the expander lives
#include "ckernels_instantiate.h"
