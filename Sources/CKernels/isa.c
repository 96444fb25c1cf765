// Chooses the instruction set of the kernels once, on the first kernel call (loading the library
// runs nothing): the best the CPU supports and the OS saves the registers of (a VM may hide
// AVX-512 state even when cpuid lists it), capped by LRN_MAX_ISA. The kernels read ck_isa_active
// through their tables (isa.h).
#include "isa.h"
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#if defined(__x86_64__)
#include <cpuid.h>
#endif

int ck_isa_active = -1;
// How many times the probe ran (1 at most; read by the test support).
int ck_isa_probes;
static pthread_once_t probe_once = PTHREAD_ONCE_INIT;

const char *ck_isa_name(int isa) {
    switch (isa) {
    case CK_ISA_GENERIC: return "generic";
    case CK_ISA_AVX2: return "avx2";
    case CK_ISA_AVX512: return "avx512";
    }
    return NULL;
}

#if defined(__x86_64__)
// XCR0: which register states the OS saves on a context switch.
static unsigned long long os_saved_state(void) {
    unsigned a, b, c, d;
    if (!__get_cpuid(1, &a, &b, &c, &d) || !(c & bit_OSXSAVE)) return 0;
    unsigned lo, hi;
    __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    return ((unsigned long long)hi << 32) | lo;
}
#endif

/// The best instruction set this CPU and OS can run (for the test support too).
int ck_isa_cpu_best(void) {
#if defined(__x86_64__)
    __builtin_cpu_init();
    const unsigned long long xcr0 = os_saved_state();
    const int ymm = (xcr0 & 0x6) == 0x6;         // SSE and AVX state
    const int zmm = ymm && (xcr0 & 0xe0) == 0xe0;  // opmask, upper ZMM0-15, ZMM16-31
    if (!ymm || !__builtin_cpu_supports("avx2") || !__builtin_cpu_supports("fma")) return CK_ISA_GENERIC;
    if (zmm && __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
        __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512vl"))
        return CK_ISA_AVX512;
    return CK_ISA_AVX2;
#else
    return CK_ISA_GENERIC;
#endif
}

int ck_isa(void) { return ck_isa_in_use(); }

/// The set LRN_MAX_ISA's value names: CK_ISA_AVX512 (no cap) for NULL or "", -1 if unknown.
int ck_isa_parse_cap(const char *value) {
    if (!value || !*value) return CK_ISA_AVX512;
    for (int i = CK_ISA_GENERIC; i <= CK_ISA_AVX512; i++)
        if (strcmp(value, ck_isa_name(i)) == 0) return i;
    return -1;
}

// Runs once, on the first kernel call or ck_isa() (pthread_once: concurrent first calls wait for
// one probe). An unknown LRN_MAX_ISA stops the process with a message: running on another
// instruction set than the one asked for would mislead silently, and a kernel cannot throw.
static void probe(void) {
    const char *value = getenv("LRN_MAX_ISA");
    const int cap = ck_isa_parse_cap(value);
    if (cap < 0) {
        fprintf(stderr, "LRN_MAX_ISA=%s: expected generic, avx2 or avx512\n", value);
        exit(EXIT_FAILURE);
    }
    const int best = ck_isa_cpu_best();
    __atomic_fetch_add(&ck_isa_probes, 1, __ATOMIC_RELAXED);
    __atomic_store_n(&ck_isa_active, best < cap ? best : cap, __ATOMIC_RELEASE);
}

int ck_isa_probe(void) {
    pthread_once(&probe_once, probe);
    return __atomic_load_n(&ck_isa_active, __ATOMIC_ACQUIRE);
}
