// The harness every engine binary shares: it owns the tensors (NCHW input and output gradient,
// OIHW weights, all float), times each direction after a warm-up, checks the results against a
// double-precision reference and prints one line per direction for run.py.
#ifndef ENGINES_BENCH_H
#define ENGINES_BENCH_H
#include "shapes.h"

enum { DIR_FORWARD = 0, DIR_BACKWARD_DATA, DIR_BACKWARD_WEIGHT, DIR_COUNT };

typedef struct {
    conv_shape s;
    long oh, ow;
    const float *x, *w, *gy;  // inputs of the three directions
    float *y, *gx, *gw;       // results, NCHW / OIHW, written by the engine
} conv_problem;

typedef struct {
    const char *name;
    // Called once per shape before any run (allocate, plan, JIT, choose layouts). Returns 0 if the
    // engine cannot run this shape (the harness prints "skipped").
    int (*prepare)(const conv_problem *p);
    // Runs one direction. Only this is timed.
    void (*run)(const conv_problem *p, int dir);
    // Copies the engine's result of `dir` into p->y / p->gx / p->gw in NCHW / OIHW (untimed; for
    // engines that work in their own layout). May be NULL.
    void (*fetch)(const conv_problem *p, int dir);
    void (*release)(const conv_problem *p);
    // One line about what the engine chose (kernel, ISA, layout); may be NULL.
    const char *(*describe)(void);
} conv_engine;

// Parses `shape-index [reps]`, runs the engine and prints the result lines. Returns the exit code.
int bench_main(int argc, char **argv, const conv_engine *engine);

double now_seconds(void);
double conv_flops(const conv_shape *s);
#endif
