// Matrix products on OpenBLAS and factorisations on LAPACKE, for float and double.
#include "ckernels.h"
#include <cblas.h>
#include <lapacke.h>

typedef struct {
    int ta, tb;
    long m, n, k, lda, ldb, ldc, sa, sb, sc;
    const void *a, *b;
    void *c;
    double alpha, beta;
} batched_ctx;

#define CK_TEMPLATE "../blas_impl.h"  // relative to include/, where the expander lives
#include "ckernels_instantiate.h"
