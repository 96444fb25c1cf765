#include "bench.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

double now_seconds(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + 1e-9 * t.tv_nsec;
}

static double cpu_seconds(void) {
    struct timespec t;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return t.tv_sec + 1e-9 * t.tv_nsec;
}

double conv_flops(const conv_shape *s) {
    const long oh = shape_out(s->h, s->k, s->stride, s->pad), ow = shape_out(s->w, s->k, s->stride, s->pad);
    return 2.0 * s->n * s->o * oh * ow * s->c * s->k * s->k;
}

static const char *dir_names[DIR_COUNT] = {"fwd", "bwd_data", "bwd_weight"};

// A small deterministic generator, so that every engine sees the same tensors.
static unsigned long long rng_state = 0x9e3779b97f4a7c15ULL;
static float uniform(void) {
    rng_state = rng_state * 6364136223846793005ULL + 1442695040888963407ULL;
    return (float)((rng_state >> 40) * (1.0 / 16777216.0)) * 2.0f - 1.0f;
}
static float *random_tensor(long count) {
    float *t = aligned_alloc(64, ((sizeof(float) * count + 63) / 64) * 64);
    for (long i = 0; i < count; i++) t[i] = uniform();
    return t;
}
static float *zero_tensor(long count) {
    float *t = aligned_alloc(64, ((sizeof(float) * count + 63) / 64) * 64);
    memset(t, 0, sizeof(float) * count);
    return t;
}

// Reference values at sampled positions, in double, over the whole batch. The error reported is
// max |got - ref| over the samples divided by max |ref| over the samples (a normwise relative
// error: cancellation makes single reference values arbitrarily small).
#define SAMPLES 512
static double reference_error(const conv_problem *p, int dir) {
    const conv_shape *s = &p->s;
    const long oh = p->oh, ow = p->ow, k = s->k;
    double max_err = 0, max_ref = 0;
    unsigned long long state = 12345 + dir;
    for (int t = 0; t < SAMPLES; t++) {
        state = state * 6364136223846793005ULL + 1442695040888963407ULL;
        const unsigned long long r = state >> 11;
        double ref = 0, got = 0;
        if (dir == DIR_FORWARD) {
            const long i = r % (s->n * s->o * oh * ow);
            const long n = i / (s->o * oh * ow), o = i / (oh * ow) % s->o, y = i / ow % oh, x = i % ow;
            for (long c = 0; c < s->c; c++)
                for (long a = 0; a < k; a++)
                    for (long b = 0; b < k; b++) {
                        const long iy = y * s->stride - s->pad + a, ix = x * s->stride - s->pad + b;
                        if (iy < 0 || iy >= s->h || ix < 0 || ix >= s->w) continue;
                        ref += (double)p->x[((n * s->c + c) * s->h + iy) * s->w + ix] *
                               p->w[((o * s->c + c) * k + a) * k + b];
                    }
            got = p->y[i];
        } else if (dir == DIR_BACKWARD_DATA) {
            const long i = r % (s->n * s->c * s->h * s->w);
            const long n = i / (s->c * s->h * s->w), c = i / (s->h * s->w) % s->c;
            const long iy = i / s->w % s->h, ix = i % s->w;
            for (long o = 0; o < s->o; o++)
                for (long a = 0; a < k; a++)
                    for (long b = 0; b < k; b++) {
                        const long ty = iy + s->pad - a, tx = ix + s->pad - b;
                        if (ty < 0 || tx < 0 || ty % s->stride || tx % s->stride) continue;
                        const long y = ty / s->stride, x = tx / s->stride;
                        if (y >= oh || x >= ow) continue;
                        ref += (double)p->gy[((n * s->o + o) * oh + y) * ow + x] *
                               p->w[((o * s->c + c) * k + a) * k + b];
                    }
            got = p->gx[i];
        } else {
            const long i = r % (s->o * s->c * k * k);
            const long o = i / (s->c * k * k), c = i / (k * k) % s->c, a = i / k % k, b = i % k;
            for (long n = 0; n < s->n; n++)
                for (long y = 0; y < oh; y++)
                    for (long x = 0; x < ow; x++) {
                        const long iy = y * s->stride - s->pad + a, ix = x * s->stride - s->pad + b;
                        if (iy < 0 || iy >= s->h || ix < 0 || ix >= s->w) continue;
                        ref += (double)p->gy[((n * s->o + o) * oh + y) * ow + x] *
                               p->x[((n * s->c + c) * s->h + iy) * s->w + ix];
                    }
            got = p->gw[i];
        }
        if (!(fabs(got - ref) <= max_err)) max_err = fabs(got - ref);  // NaN wins
        if (fabs(ref) > max_ref) max_ref = fabs(ref);
    }
    return max_ref > 0 ? max_err / max_ref : max_err;
}

static int by_value(const void *a, const void *b) {
    const double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

int bench_main(int argc, char **argv, const conv_engine *engine) {
    if (argc < 2) {
        fprintf(stderr, "usage: %s shape-index [reps] (0..%d) | %s list\n", argv[0], SHAPE_COUNT - 1, argv[0]);
        return 2;
    }
    if (strcmp(argv[1], "list") == 0) {
        for (int i = 0; i < SHAPE_COUNT; i++)
            printf("%d\t%s\t%s\t%ld\t%.6f\n", i, all_shapes[i].name, all_shapes[i].net,
                   all_shapes[i].layers, conv_flops(&all_shapes[i]) * 1e-9);
        return 0;
    }
    const int index = atoi(argv[1]);
    const int reps = argc > 2 ? atoi(argv[2]) : 3;
    if (index < 0 || index >= SHAPE_COUNT || reps < 1) {
        fprintf(stderr, "%s: shape index %s out of 0..%d or reps < 1\n", argv[0], argv[1], SHAPE_COUNT - 1);
        return 2;
    }
    conv_problem p = {.s = all_shapes[index]};
    const conv_shape *s = &p.s;
    p.oh = shape_out(s->h, s->k, s->stride, s->pad);
    p.ow = shape_out(s->w, s->k, s->stride, s->pad);
    p.x = random_tensor(s->n * s->c * s->h * s->w);
    p.w = random_tensor(s->o * s->c * s->k * s->k);
    p.gy = random_tensor(s->n * s->o * p.oh * p.ow);
    p.y = zero_tensor(s->n * s->o * p.oh * p.ow);
    p.gx = zero_tensor(s->n * s->c * s->h * s->w);
    p.gw = zero_tensor(s->o * s->c * s->k * s->k);
    const double t0 = now_seconds();
    if (!engine->prepare(&p)) {
        printf("%s\t%s\tall\tskipped\n", engine->name, s->name);
        return 0;
    }
    const double setup = now_seconds() - t0;
    const char *what = engine->describe ? engine->describe() : "";
    const double flops = conv_flops(s);
    for (int dir = 0; dir < DIR_COUNT; dir++) {
        const double w0 = now_seconds();
        engine->run(&p, dir);  // warm-up (first-touch, JIT of lazily built kernels)
        const double warm = now_seconds() - w0;
        double times[64];
        int n = reps < 64 ? reps : 64;
        // At least `reps` timed runs, more (up to 64) until 0.3 s have been timed, so that the
        // small shapes' sub-millisecond calls get a meaningful median.
        // Also the process's CPU time per run: on a loaded machine, GFLOP per CPU-second of one
        // thread is what the kernel would do on a core of its own (less so with threads, whose
        // spin-waiting is CPU time too).
        int n_done = 0;
        double spent = 0, cpu[64];
        while (n_done < 64 && (n_done < n || spent < 0.3)) {
            const double a = now_seconds(), ca = cpu_seconds();
            engine->run(&p, dir);
            times[n_done] = now_seconds() - a;
            cpu[n_done] = cpu_seconds() - ca;
            spent += times[n_done++];
        }
        n = n_done;
        qsort(cpu, n, sizeof(double), by_value);
        const double cpu_median = n % 2 ? cpu[n / 2] : 0.5 * (cpu[n / 2 - 1] + cpu[n / 2]);
        qsort(times, n, sizeof(double), by_value);
        const double median = n % 2 ? times[n / 2] : 0.5 * (times[n / 2 - 1] + times[n / 2]);
        if (engine->fetch) engine->fetch(&p, dir);
        const double err = reference_error(&p, dir);
        // engine, shape, direction, median s, GFLOP/s, max rel error, first call s, setup s, note,
        // median CPU s
        printf("%s\t%s\t%s\t%.6f\t%.2f\t%.3g\t%.4f\t%.4f\t%s\t%.6f\n", engine->name, s->name, dir_names[dir],
               median, flops / median * 1e-9, err, warm, setup, what, cpu_median);
        fflush(stdout);
    }
    if (engine->release) engine->release(&p);
    return 0;
}
