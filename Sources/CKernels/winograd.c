// Winograd F(2x2, 3x3) convolutions (3x3 kernel, stride 1, padding 1) on channel-blocked
// activations, for float and double: 2.25x fewer multiply-adds than the direct convolution, in 16
// matrix products on OpenBLAS. Documentation/Performance.md, "Winograd convolutions", says where
// it pays and how its rounding compares.
#include "ckernels.h"
#include <cblas.h>
#include <string.h>

static unsigned long long calls;
unsigned long long ck_winograd_calls(void) { return __atomic_load_n(&calls, __ATOMIC_RELAXED); }
static void count_call(void) { __atomic_fetch_add(&calls, 1, __ATOMIC_RELAXED); }

#define CK_ISA_VARIANTS
#define CK_TEMPLATE "../winograd_impl.h"  // relative to include/, where the expander lives
#include "ckernels_instantiate.h"
