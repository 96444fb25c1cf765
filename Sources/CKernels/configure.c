// The one place process-wide settings are applied (see ckernels.h): loading the library changes
// nothing; a program calls ck_configure (Swift: Kernels.configure) once when it starts.
#include "ckernels.h"
#include "conv_engine.h"
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static pthread_mutex_t config_lock = PTHREAD_MUTEX_INITIALIZER;
static ck_runtime_config applied;
static int configured;

void ck_configure(const ck_runtime_config *config) {
    pthread_mutex_lock(&config_lock);
    ck_runtime_config wanted = *config;
    wanted.threads = wanted.threads > 0 ? wanted.threads : ck_default_threads();
    wanted.malloc_keep_freed_memory = wanted.malloc_keep_freed_memory != 0;
    wanted.direct_convolutions_only = wanted.direct_convolutions_only != 0;
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

// LRN_WINOGRAD=on|off overrides the configuration; read once, on first use. An unknown value
// stops the process with a message, as LRN_CONV_ENGINE's does.
static int winograd_from_environment = -1;  // -1: not set
static pthread_once_t winograd_environment_once = PTHREAD_ONCE_INIT;
static void read_winograd_environment(void) {
    const char *value = getenv("LRN_WINOGRAD");
    if (!value || !*value) return;
    if (strcmp(value, "on") != 0 && strcmp(value, "off") != 0) {
        fprintf(stderr, "LRN_WINOGRAD=%s: expected on or off\n", value);
        exit(EXIT_FAILURE);
    }
    winograd_from_environment = strcmp(value, "on") == 0;
}

int ck_winograd_allowed(void) {
    pthread_once(&winograd_environment_once, read_winograd_environment);
    if (winograd_from_environment >= 0) return winograd_from_environment;
    pthread_mutex_lock(&config_lock);
    const int allowed = !(configured && applied.direct_convolutions_only);
    pthread_mutex_unlock(&config_lock);
    return allowed;
}
