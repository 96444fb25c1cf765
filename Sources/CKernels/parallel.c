// OpenMP without -fopenmp: the runtime's GOMP entry points (libomp implements the GOMP ABI) are
// called directly, so the package manifest needs no unsafe flags. Loops are hand-partitioned.
#include "ckernels.h"
#include <cblas.h>
#include <stdlib.h>
#include <string.h>

// The few OpenMP runtime functions we use; Swift's clang ships no omp.h.
extern void GOMP_parallel(void (*fn)(void *), void *data, unsigned num_threads, unsigned flags);
extern int omp_get_thread_num(void);
extern int omp_get_num_threads(void);
extern int omp_get_max_threads(void);
extern int omp_in_parallel(void);
extern void omp_set_num_threads(int n);

// The OpenMP build of OpenBLAS starts with a single thread under libomp: give it ours.
__attribute__((constructor)) static void ck_init_threads(void) {
    openblas_set_num_threads(omp_get_max_threads());
}

int ck_max_threads(void) { return omp_get_max_threads(); }

void ck_set_num_threads(int n) {
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

// ---- probes for the thread tests --------------------------------------------------------------
#include <pthread.h>
#include <time.h>

typedef struct {
    pthread_mutex_t lock;
    pthread_t seen[64];
    int count;
} thread_set;

static void note_thread(thread_set *set) {
    pthread_t self = pthread_self();
    pthread_mutex_lock(&set->lock);
    int known = 0;
    for (int i = 0; i < set->count; i++)
        if (pthread_equal(set->seen[i], self)) known = 1;
    if (!known && set->count < 64) set->seen[set->count++] = self;
    pthread_mutex_unlock(&set->lock);
}

static void probe_body(void *context, long begin, long end) {
    thread_set *set = (thread_set *)context;
    // Enough work that every chunk is still running when the others start.
    volatile double acc = 0;
    for (long i = begin; i < end; i++)
        for (int j = 0; j < 20000; j++) acc += (double)j * 1e-9;
    note_thread(set);
}

int ck_probe_parallel_threads(void) {
    thread_set set;
    memset(&set, 0, sizeof set);
    pthread_mutex_init(&set.lock, NULL);
    long n = 64L * omp_get_max_threads();
    ck_parallel_for(n, 1, probe_body, &set);
    pthread_mutex_destroy(&set.lock);
    return set.count;
}

// OpenBLAS's threads cannot be observed from outside, so count the threads of this process
// that accumulate CPU time while a large sgemm runs (from /proc/self/task/*/stat). Idle OpenMP
// workers spin for a while after a parallel region, so the probe first lets them fall asleep.
// Robust to a loaded machine: a thread counts if it took 30 ms of CPU and a twentieth of the
// busiest thread's time (an idle, sleeping worker takes none).
#include <dirent.h>
#include <stdio.h>

#define MAX_TASKS 256
typedef struct { long tid; long ticks; } task_time;

static int read_task_times(task_time *out) {
    DIR *dir = opendir("/proc/self/task");
    if (!dir) return 0;
    int n = 0;
    struct dirent *entry;
    while ((entry = readdir(dir)) && n < MAX_TASKS) {
        if (entry->d_name[0] == '.') continue;
        char path[64];
        snprintf(path, sizeof path, "/proc/self/task/%s/stat", entry->d_name);
        FILE *f = fopen(path, "r");
        if (!f) continue;
        char buffer[1024];
        size_t len = fread(buffer, 1, sizeof buffer - 1, f);
        fclose(f);
        buffer[len] = 0;
        // Fields after the parenthesised command name: state is field 3, utime 14, stime 15.
        char *p = strrchr(buffer, ')');
        if (!p) continue;
        long utime = 0, stime = 0;
        if (sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %ld %ld", &utime, &stime) != 2) continue;
        out[n].tid = atol(entry->d_name);
        out[n].ticks = utime + stime;
        n++;
    }
    closedir(dir);
    return n;
}

static double seconds_now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

int ck_probe_blas_threads(void) {
    const long n = 512;
    float *a = malloc(sizeof(float) * n * n), *b = malloc(sizeof(float) * n * n),
          *c = malloc(sizeof(float) * n * n);
    for (long i = 0; i < n * n; i++) { a[i] = (float)(i % 7) * 0.1f; b[i] = (float)(i % 5) * 0.2f; }
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, n, n, 1, a, n, b, n, 0, c, n);
    struct timespec pause = {0, 400000000};
    nanosleep(&pause, NULL);

    static task_time before[MAX_TASKS], after[MAX_TASKS];
    int nb = read_task_times(before);
    double start = seconds_now();
    while (seconds_now() - start < 0.8)
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, n, n, 1, a, n, b, n, 0, c, n);
    int na = read_task_times(after);
    free(a); free(b); free(c);

    long spent[MAX_TASKS], busiest = 0;
    for (int i = 0; i < na; i++) {
        spent[i] = after[i].ticks;
        for (int j = 0; j < nb; j++)
            if (before[j].tid == after[i].tid) spent[i] -= before[j].ticks;
        if (spent[i] > busiest) busiest = spent[i];
    }
    int used = 0;
    for (int i = 0; i < na; i++)
        if (busiest > 0 && spent[i] >= 3 && spent[i] * 20 >= busiest) used++;
    return used;
}
