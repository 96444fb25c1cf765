// Probes for the thread tests: how many threads one of our parallel regions, and one OpenBLAS
// sgemm, really used. Test-only, so they live outside CKernels' public header.
#include "ckernels_testing.h"
#include "ckernels.h"
#include <cblas.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
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
    long n = 64L * ck_max_threads();
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
