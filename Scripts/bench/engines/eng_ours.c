// Engine (a): the library's own convolution, im2col + OpenBLAS sgemm, from
// Sources/CKernels/conv.c compiled straight into this binary (see Makefile), so what is measured
// is exactly the package's code path, threads and all.
#include "bench.h"
#include "ckernels.h"
#include <stdio.h>
#include <stdlib.h>

extern char *openblas_get_corename(void);
static ck_conv2d_shape shape;
static char description[128];

static int prepare(const conv_problem *p) {
    const conv_shape *s = &p->s;
    shape = (ck_conv2d_shape){s->n, s->c, s->h, s->w, s->o, s->k, s->k, p->oh, p->ow, s->stride, s->pad, 1, 1};
    return 1;
}

static void run(const conv_problem *p, int dir) {
    if (dir == DIR_FORWARD) ck_conv2d_forward_f32(&shape, p->x, p->w, NULL, p->y);
    else if (dir == DIR_BACKWARD_DATA) ck_conv2d_backward_f32(&shape, p->x, p->w, p->gy, p->gx, NULL, NULL);
    else ck_conv2d_backward_f32(&shape, p->x, p->w, p->gy, NULL, p->gw, NULL);
}

static const char *describe(void) {
    snprintf(description, sizeof description, "OpenBLAS core %s, our ISA %s, %d threads",
             openblas_get_corename(), ck_isa_name(ck_isa()), ck_max_threads());
    return description;
}

int main(int argc, char **argv) {
    const conv_engine engine = {"ours-openblas", prepare, run, NULL, NULL, describe};
    return bench_main(argc, argv, &engine);
}
