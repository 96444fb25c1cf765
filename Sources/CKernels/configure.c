// The one place process-wide settings are applied (see ckernels.h): loading the library changes
// nothing; a program calls ck_configure (Swift: Kernels.configure) once when it starts.
#include "ckernels.h"
#include "conv_engine.h"
#include <pthread.h>

static pthread_mutex_t config_lock = PTHREAD_MUTEX_INITIALIZER;
static ck_runtime_config applied;
static int configured;

void ck_configure(const ck_runtime_config *config) {
    pthread_mutex_lock(&config_lock);
    ck_runtime_config wanted = *config;
    wanted.threads = wanted.threads > 0 ? wanted.threads : ck_default_threads();
    wanted.malloc_keep_freed_memory = wanted.malloc_keep_freed_memory != 0;
    // Both are idempotent, so applying them again is harmless (and undoes a direct
    // ck_set_num_threads made in between).
    ck_set_num_threads(wanted.threads);
    ck_storage_cache_set_limit(wanted.storage_cache_limit);
    wanted.storage_cache_within_peak = wanted.storage_cache_within_peak != 0;
    ck_storage_cache_bound_by_peak(wanted.storage_cache_within_peak);
    // Recorded as asked (CK_CONV_ENGINE_DEFAULT stays so); ck_conv_engine() says what runs.
    ck_conv_engine_configure(wanted.conv_engine);
    // One-way: glibc's dynamic threshold cannot be given back once a value is set. Records
    // whether it is in effect (never on macOS).
    const int already = configured && applied.malloc_keep_freed_memory;
    wanted.malloc_keep_freed_memory = already || (wanted.malloc_keep_freed_memory && ck_malloc_keep_freed_memory());
    applied = wanted;
    configured = 1;
    pthread_mutex_unlock(&config_lock);
}

int ck_configuration(ck_runtime_config *out) {
    pthread_mutex_lock(&config_lock);
    const int result = configured;
    if (configured && out) *out = applied;
    pthread_mutex_unlock(&config_lock);
    return result;
}
