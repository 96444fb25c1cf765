// Runs the kernels on a chosen instruction set, so tests can compare every variant with the
// generic one in one process. Not thread-safe: for serialized tests only.
#include "ckernels_testing.h"
#include "ckernels.h"

// Defined in CKernels (isa.c), deliberately absent from its public header.
extern int ck_isa_active, ck_isa_probes;
extern int ck_isa_cpu_best(void);
extern int ck_isa_probe(void);

int ck_testing_cpu_supports_isa(int isa) { return isa >= CK_ISA_GENERIC && isa <= ck_isa_cpu_best(); }

int ck_testing_use_isa(int isa) {
    if (!ck_testing_cpu_supports_isa(isa)) return -1;
    const int previous = ck_isa_probe();  // probe first, so the probe cannot overwrite the choice
    __atomic_store_n(&ck_isa_active, isa, __ATOMIC_RELEASE);
    return previous;
}

int ck_testing_isa_probes(void) { return __atomic_load_n(&ck_isa_probes, __ATOMIC_RELAXED); }
