// Thread-local scratch buffers (see scratch.h). A pthread key with a destructor frees them when
// a thread exits, so short-lived threads (test runners) do not leak.
#include "scratch.h"
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

typedef struct {
    void *buffer[CK_SCRATCH_SLOTS];
    size_t bytes[CK_SCRATCH_SLOTS];
} scratch_set;

static pthread_key_t scratch_key;
static pthread_once_t scratch_once = PTHREAD_ONCE_INIT;

static void scratch_free(void *p) {
    scratch_set *set = p;
    for (int i = 0; i < CK_SCRATCH_SLOTS; i++) free(set->buffer[i]);
    free(set);
}

static void scratch_make_key(void) { pthread_key_create(&scratch_key, scratch_free); }

void *ck_scratch(int slot, size_t bytes) {
    pthread_once(&scratch_once, scratch_make_key);
    scratch_set *set = pthread_getspecific(scratch_key);
    if (!set) {
        set = calloc(1, sizeof *set);
        if (!set) {
            fprintf(stderr, "CKernels: out of memory allocating the scratch table\n");
            abort();
        }
        pthread_setspecific(scratch_key, set);
    }
    if (bytes > set->bytes[slot] || !set->buffer[slot]) {
        free(set->buffer[slot]);
        // Round up so slightly larger requests later reuse the buffer.
        size_t rounded = ((bytes + (bytes >> 3) + 63) / 64) * 64;
        if (rounded == 0) rounded = 64;
        set->buffer[slot] = aligned_alloc(64, rounded);
        set->bytes[slot] = set->buffer[slot] ? rounded : 0;
        if (!set->buffer[slot]) {
            // A kernel cannot continue without its workspace; say how much it wanted.
            fprintf(stderr, "CKernels: out of memory allocating %zu bytes of scratch (slot %d)\n", rounded, slot);
            abort();
        }
    }
    return set->buffer[slot];
}
