// Tensor storage with a bounded cache of freed buffers (see ckernels.h, "tensor storage").
//
// A training step allocates the same buffer sizes every step. Served fresh, each large buffer is
// a new mmap whose 4 KB pages the kernel zeroes and maps one fault at a time on first touch
// (measured in Documentation/Performance.md: up to 3x the cost of a batch-norm pass). So a freed
// buffer goes to a free list of its (64-byte rounded) size, and a request takes back the smallest
// cached buffer of its size up to twice its size. Taking a larger buffer matters because the mix
// of sizes changes within a step: backward needs the large early-layer sizes while the small
// late-layer buffers sit idle, and with exact sizes only, the cache held every size's own most
// (`Benchmarks resnet`: peak RSS 889 MB with exact sizes, 749 MB taking up to twice the size;
// Documentation/Performance.md). Each buffer carries its true size in a header before it, so a
// larger buffer goes back to its own list. The free lists are threaded through the free buffers
// themselves, so the cache allocates nothing of its own. One mutex guards it: a tensor may be
// freed on another thread (a loader's) than the one that made it.
//
// For the smallest footprint, ck_storage_cache_bound_by_peak(1) makes a miss first free cached
// buffers until live + cached bytes stay within the most live bytes reached (since start or
// ck_storage_reset_peak): the cache never makes the process hold more than its own high-water
// mark of tensor memory, at the price of buffers mapped afresh every step.
#include "ckernels.h"
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#if defined(__GLIBC__)
#include <malloc.h>
#endif

typedef struct free_block {
    struct free_block *next;
    size_t bytes;
} free_block;

// The 64 bytes before every buffer: its true size (a request may get a larger buffer), and a
// check that what is released is one of ours.
enum { HEADER_BYTES = 64 };
static const uint64_t HEADER_MAGIC = 0x4c524e53746f7265ull;  // "LRNStore"
typedef struct {
    size_t bytes;
    uint64_t magic;
} buffer_header;

static buffer_header *header_of(void *buffer) { return (buffer_header *)((char *)buffer - HEADER_BYTES); }

// Large buffers are mapped and unmapped directly rather than through malloc: glibc would keep a
// freed heap block resident (only the heap's top is trimmed), so a buffer the cache gives back
// would still count in the footprint. Both kinds start 64-byte aligned, as does the buffer
// after its header.
enum { MAP_DIRECTLY_BYTES = 1 << 18 };

static void *system_allocate(size_t bytes) {
    void *base = NULL;
    if (bytes >= MAP_DIRECTLY_BYTES) {
        base = mmap(NULL, HEADER_BYTES + bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANON, -1, 0);
        if (base == MAP_FAILED) return NULL;
    } else if (posix_memalign(&base, 64, HEADER_BYTES + bytes) != 0) {
        return NULL;
    }
    void *buffer = (char *)base + HEADER_BYTES;
    *header_of(buffer) = (buffer_header){bytes, HEADER_MAGIC};
    return buffer;
}

static void system_free(void *buffer, size_t bytes) {
    void *base = header_of(buffer);
    if (bytes >= MAP_DIRECTLY_BYTES) munmap(base, HEADER_BYTES + bytes);
    else free(base);
}

// Open addressing on the size. A network uses a few hundred distinct sizes; sizes beyond the
// table's room are simply not cached. `by_size` lists the buckets in use in increasing size, for
// finding the smallest cached buffer that fits a request.
enum { BUCKETS = 4096, MAX_PROBES = 64 };
typedef struct {
    size_t bytes;  // 0: an unused slot
    free_block *head;
    size_t blocks;
} bucket;

static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;
static bucket buckets[BUCKETS];
static bucket *by_size[BUCKETS];
static int buckets_used;
static size_t live_bytes, peak_live_bytes, cached_bytes;
static int evict_cursor;         // where the next eviction scan starts, so no size is favoured
static size_t cache_limit = (size_t)-1;  // resolved to the default on first use
static unsigned long long reuse_count, fresh_count;
static int poison_new_buffers;
static int bound_by_peak = 0;

static size_t rounded_size(size_t bytes) {
    if (bytes == 0) bytes = 1;
    return (bytes + 63) / 64 * 64;
}

size_t ck_storage_default_cache_limit(void) {
    long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);
    if (pages <= 0 || page <= 0) return (size_t)1 << 30;
    return (size_t)pages * (size_t)page / 4;
}

// Callers hold cache_lock.
static void resolve_limit(void) {
    if (cache_limit == (size_t)-1) cache_limit = ck_storage_default_cache_limit();
}

static bucket *find_bucket(size_t bytes, int create) {
    size_t start = (bytes / 64 * 0x9E3779B97F4A7C15ull) >> 20;
    for (int probe = 0; probe < MAX_PROBES; probe++) {
        bucket *b = &buckets[(start + (size_t)probe) % BUCKETS];
        if (b->bytes == bytes) return b;
        if (b->bytes == 0) {
            if (!create) return NULL;
            b->bytes = bytes;
            int i = buckets_used++;
            for (; i > 0 && by_size[i - 1]->bytes > bytes; i--) by_size[i] = by_size[i - 1];
            by_size[i] = b;
            return b;
        }
    }
    return NULL;
}

// The bucket of the smallest cached buffer of `bytes` to 2 x `bytes`, or NULL. Up to twice: a
// larger buffer's tail is resident memory the request does not use.
static bucket *smallest_fit(size_t bytes) {
    int low = 0, high = buckets_used;
    while (low < high) {
        const int middle = (low + high) / 2;
        if (by_size[middle]->bytes < bytes) low = middle + 1;
        else high = middle;
    }
    for (int i = low; i < buckets_used && by_size[i]->bytes <= 2 * bytes; i++) {
        if (by_size[i]->head) return by_size[i];
    }
    return NULL;
}

static free_block *pop(bucket *b) {
    free_block *block = b->head;
    b->head = block->next;
    b->blocks--;
    cached_bytes -= b->bytes;
    block->bytes = b->bytes;
    return block;
}

// Unlinks cached buffers until live + cached <= peak live (callers hold cache_lock) and returns
// them as one list to free outside the lock. Only mapped buffers are taken (a small one freed to
// malloc stays resident anyway), those no larger than the request first, so that a large buffer
// the step will want again is not given up for a small request.
static free_block *take_over_high_water(size_t request) {
    free_block *evicted = NULL;
    for (int pass = 0; pass < 2; pass++) {
        for (int scanned = 0; scanned < BUCKETS && live_bytes + cached_bytes > peak_live_bytes; scanned++) {
            bucket *b = &buckets[evict_cursor];
            evict_cursor = (evict_cursor + 1) % BUCKETS;
            if (b->bytes < MAP_DIRECTLY_BYTES || (pass == 0) != (b->bytes <= request)) continue;
            while (b->head && live_bytes + cached_bytes > peak_live_bytes) {
                free_block *block = pop(b);
                block->next = evicted;
                evicted = block;
            }
        }
    }
    return evicted;
}

static void free_list(free_block *list);

void *ck_storage_acquire(size_t bytes) {
    size_t size = rounded_size(bytes);
    void *buffer = NULL;
    free_block *evicted = NULL;
    pthread_mutex_lock(&cache_lock);
    bucket *b = smallest_fit(size);
    if (b) {
        size = b->bytes;
        buffer = pop(b);
        reuse_count++;
    } else {
        fresh_count++;
    }
    live_bytes += size;
    if (live_bytes > peak_live_bytes) peak_live_bytes = live_bytes;
    if (!buffer && bound_by_peak) evicted = take_over_high_water(size);
    const int poison = poison_new_buffers;
    pthread_mutex_unlock(&cache_lock);
    free_list(evicted);  // before allocating, so the system can serve the request from them

    if (!buffer && !(buffer = system_allocate(size))) {
        fprintf(stderr, "CKernels: out of memory allocating a tensor of %zu bytes\n", size);
        abort();
    }
    // All-ones bytes are a NaN in float and in double: code that reads a buffer before writing
    // it (or counts on fresh memory being zero) then shows NaN instead of passing by luck.
    if (poison) memset(buffer, 0xFF, size);
    return buffer;
}

void ck_storage_release(void *buffer, size_t bytes) {
    if (!buffer) return;
    const buffer_header *header = header_of(buffer);
    if (header->magic != HEADER_MAGIC || header->bytes < bytes) {
        fprintf(stderr, "CKernels: ck_storage_release of %zu bytes at %p, which ck_storage_acquire did not hand out\n", bytes, buffer);
        abort();
    }
    const size_t size = header->bytes;
    pthread_mutex_lock(&cache_lock);
    resolve_limit();
    live_bytes -= size;
    bucket *b = cached_bytes + size <= cache_limit ? find_bucket(size, 1) : NULL;
    if (b) {
        free_block *block = buffer;
        block->next = b->head;
        b->head = block;
        b->blocks++;
        cached_bytes += size;
        buffer = NULL;
    }
    pthread_mutex_unlock(&cache_lock);
    if (buffer) system_free(buffer, size);  // not cached: over the limit, or no room in the table
}

// Unlinks every cached buffer (callers hold cache_lock) and returns them as one list to free
// outside the lock.
static free_block *take_all_cached(void) {
    free_block *all = NULL;
    for (int i = 0; i < BUCKETS; i++) {
        bucket *b = &buckets[i];
        while (b->head) {
            free_block *block = pop(b);
            block->next = all;
            all = block;
        }
    }
    return all;
}

static void free_list(free_block *list) {
    while (list) {
        free_block *next = list->next;
        system_free(list, list->bytes);
        list = next;
    }
}

void ck_storage_cache_release(void) {
    pthread_mutex_lock(&cache_lock);
    free_block *all = take_all_cached();
    pthread_mutex_unlock(&cache_lock);
    free_list(all);
}

void ck_storage_cache_set_limit(size_t bytes) {
    pthread_mutex_lock(&cache_lock);
    cache_limit = bytes;
    // Simplest honest way to respect a lowered limit at once: start the cache afresh.
    free_block *all = cached_bytes > bytes ? take_all_cached() : NULL;
    pthread_mutex_unlock(&cache_lock);
    free_list(all);
}

ck_storage_statistics ck_storage_stats(void) {
    pthread_mutex_lock(&cache_lock);
    resolve_limit();
    ck_storage_statistics s = {live_bytes, peak_live_bytes, cached_bytes, cache_limit, reuse_count, fresh_count};
    pthread_mutex_unlock(&cache_lock);
    return s;
}

size_t ck_storage_cached_blocks(size_t bytes) {
    pthread_mutex_lock(&cache_lock);
    bucket *b = find_bucket(rounded_size(bytes), 0);
    size_t blocks = b ? b->blocks : 0;
    pthread_mutex_unlock(&cache_lock);
    return blocks;
}

void ck_storage_cache_bound_by_peak(int enabled) {
    pthread_mutex_lock(&cache_lock);
    bound_by_peak = enabled != 0;
    pthread_mutex_unlock(&cache_lock);
}

void ck_storage_reset_peak(void) {
    pthread_mutex_lock(&cache_lock);
    peak_live_bytes = live_bytes;
    pthread_mutex_unlock(&cache_lock);
}

// Declared in CKernelsTestSupport's header only: a switch for tests.
int ck_storage_set_poisoning(int enabled) {
    pthread_mutex_lock(&cache_lock);
    const int previous = poison_new_buffers;
    poison_new_buffers = enabled != 0;
    pthread_mutex_unlock(&cache_lock);
    return previous;
}

int ck_malloc_keep_freed_memory(void) {
#if defined(__GLIBC__)
    // glibc serves blocks above its mmap threshold (dynamic, up to 32 MB) with a fresh mmap and
    // unmaps them on free; raising it keeps such blocks (arrays, image batches) in the heap.
    mallopt(M_MMAP_THRESHOLD, 1 << 30);
    mallopt(M_TRIM_THRESHOLD, 1 << 30);
    return 1;
#else
    return 0;
#endif
}
