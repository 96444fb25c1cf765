// OpenMP without -fopenmp: the runtime's GOMP entry points (libomp implements the GOMP ABI) are
// called directly, so the package manifest needs no unsafe flags. Loops are hand-partitioned.
#include "ckernels.h"
#include <cblas.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

// The few OpenMP runtime functions we use; Swift's clang ships no omp.h.
extern void GOMP_parallel(void (*fn)(void *), void *data, unsigned num_threads, unsigned flags);
extern int omp_get_thread_num(void);
extern int omp_get_num_threads(void);
extern int omp_get_max_threads(void);
extern int omp_in_parallel(void);
extern void omp_set_num_threads(int n);

// What OpenMP offered before any ck_set_num_threads, read once.
static int initial_threads;
static pthread_once_t initial_threads_once = PTHREAD_ONCE_INIT;
static void read_initial_threads(void) { initial_threads = omp_get_max_threads(); }

int ck_default_threads(void) {
    pthread_once(&initial_threads_once, read_initial_threads);
    return initial_threads;
}

int ck_max_threads(void) { return omp_get_max_threads(); }

// The OpenMP build of OpenBLAS starts with a single thread under libomp: ck_configure gives it ours.
void ck_set_num_threads(int n) {
    pthread_once(&initial_threads_once, read_initial_threads);
    if (n < 1) n = 1;
    omp_set_num_threads(n);
    openblas_set_num_threads(n);
}

typedef struct {
    ck_range_fn fn;
    void *context;
    long n;
} parallel_job;

static void run_chunk(void *data) {
    parallel_job *job = (parallel_job *)data;
    long threads = omp_get_num_threads();
    long t = omp_get_thread_num();
    long base = job->n / threads, extra = job->n % threads;
    long begin = t * base + (t < extra ? t : extra);
    long end = begin + base + (t < extra ? 1 : 0);
    if (begin < end) job->fn(job->context, begin, end);
}

void ck_parallel_for(long n, long grain, ck_range_fn fn, void *context) {
    if (n <= 0) return;
    int threads = omp_get_max_threads();
    if (grain < 1) grain = 1;
    long useful = n / grain;
    if (threads <= 1 || useful < 2 || omp_in_parallel()) {
        fn(context, 0, n);
        return;
    }
    if (useful < threads) threads = (int)useful;
    parallel_job job = {fn, context, n};
    GOMP_parallel(run_chunk, &job, (unsigned)threads, 0);
}
