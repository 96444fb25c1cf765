// Can the package's kernels (OpenMP through libomp, Sources/CKernels/parallel.c) share a process
// with oneDNN (built on libgomp)? Runs the ResNet18 layer-1 convolution forward with ours, then
// with oneDNN, alone and alternating (A B A B, as a network mixing the two would), and prints the
// medians, the threads the process ended with and which OpenMP runtimes are mapped. Built twice
// by the Makefile, with libomp and with libgomp first in the load order.
#define _GNU_SOURCE
#include "ckernels.h"
#include <dlfcn.h>
#include <oneapi/dnnl/dnnl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define N 64
#define C 64
#define HW 28
#define REPS 5

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + 1e-9 * t.tv_nsec;
}
static int cmp(const void *a, const void *b) {
    const double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}
static double median(double *t, int n) { qsort(t, n, sizeof *t, cmp); return t[n / 2]; }

static dnnl_engine_t eng;
static dnnl_stream_t st;
static dnnl_primitive_t conv;
static dnnl_exec_arg_t args[3];

static void dnnl_setup(void) {
    dnnl_engine_create(&eng, dnnl_cpu, 0);
    dnnl_stream_create(&st, eng, dnnl_stream_default_flags);
    dnnl_memory_desc_t x, w, y;
    const dnnl_dims_t xd = {N, C, HW, HW}, wd = {C, C, 3, 3}, s = {1, 1}, pad = {1, 1};
    dnnl_memory_desc_init_by_tag(&x, 4, xd, dnnl_f32, dnnl_format_tag_any);
    dnnl_memory_desc_init_by_tag(&w, 4, wd, dnnl_f32, dnnl_format_tag_any);
    dnnl_memory_desc_init_by_tag(&y, 4, xd, dnnl_f32, dnnl_format_tag_any);
    dnnl_convolution_desc_t d;
    dnnl_primitive_desc_t pd;
    dnnl_convolution_forward_desc_init(&d, dnnl_forward_training, dnnl_convolution_direct, &x, &w, NULL, &y, s, pad, pad);
    if (dnnl_primitive_desc_create(&pd, &d, NULL, eng, NULL) != dnnl_success) { fprintf(stderr, "no oneDNN conv\n"); exit(1); }
    dnnl_primitive_create(&conv, pd);
    const dnnl_query_t q[3] = {dnnl_query_src_md, dnnl_query_weights_md, dnnl_query_dst_md};
    const int ids[3] = {DNNL_ARG_SRC, DNNL_ARG_WEIGHTS, DNNL_ARG_DST};
    for (int i = 0; i < 3; i++) {
        dnnl_memory_t m;
        dnnl_memory_create(&m, dnnl_primitive_desc_query_md(pd, q[i], 0), eng, DNNL_MEMORY_ALLOCATE);
        void *h;
        dnnl_memory_get_data_handle(m, &h);
        const dnnl_memory_desc_t *md = dnnl_primitive_desc_query_md(pd, q[i], 0);
        memset(h, 0, dnnl_memory_desc_get_size(md));
        args[i] = (dnnl_exec_arg_t){ids[i], m};
    }
}
static void dnnl_run(void) { dnnl_primitive_execute(conv, st, 3, args); dnnl_stream_wait(st); }

static float *x, *w, *y;
static ck_conv2d_shape shape = {N, C, HW, HW, C, 3, 3, HW, HW, 1, 1, 1, 1};
static void ours_run(void) { ck_conv2d_forward_f32(&shape, x, w, NULL, y); }

static void report(const char *label) {
    char line[256];
    int threads = -1;
    FILE *f = fopen("/proc/self/status", "r");
    while (f && fgets(line, sizeof line, f)) if (strncmp(line, "Threads:", 8) == 0) threads = atoi(line + 8);
    if (f) fclose(f);
    int gomp = 0, omp5 = 0;
    f = fopen("/proc/self/maps", "r");
    while (f && fgets(line, sizeof line, f)) { gomp |= strstr(line, "libgomp") != NULL; omp5 |= strstr(line, "libomp") != NULL; }
    if (f) fclose(f);
    // Which library's GOMP_parallel every caller (ours, OpenBLAS, oneDNN) binds to.
    Dl_info info = {0};
    void *entry = dlsym(RTLD_DEFAULT, "GOMP_parallel");
    if (entry) dladdr(entry, &info);
    printf("%s: %d threads in the process; mapped: libomp %s, libgomp %s; GOMP_parallel from %s\n", label, threads,
           omp5 ? "yes" : "no", gomp ? "yes" : "no", info.dli_fname ? info.dli_fname : "?");
}

int main(void) {
    x = calloc(N * C * HW * HW, sizeof *x); y = calloc(N * C * HW * HW, sizeof *y); w = calloc(C * C * 9, sizeof *w);
    for (long i = 0; i < N * C * HW * HW; i++) x[i] = (float)(i % 17) / 17;
    dnnl_setup();
    ours_run(); dnnl_run();
    double a[REPS], b[REPS], ma[REPS], mb[REPS];
    const double t0 = now();
    for (int r = 0; r < REPS; r++) { const double s = now(); ours_run(); a[r] = now() - s; }
    for (int r = 0; r < REPS; r++) { const double s = now(); dnnl_run(); b[r] = now() - s; }
    for (int r = 0; r < REPS; r++) {
        double s = now(); ours_run(); ma[r] = now() - s;
        s = now(); dnnl_run(); mb[r] = now() - s;
    }
    printf("conv 3x3 64-64 @28 b64 forward, %d threads: ours alone %.4f s, oneDNN alone %.4f s; "
           "alternating: ours %.4f s, oneDNN %.4f s (total %.1f s)\n", ck_max_threads(), median(a, REPS),
           median(b, REPS), median(ma, REPS), median(mb, REPS), now() - t0);
    report("after both");
    return 0;
}
