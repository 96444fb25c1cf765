// Run-time instruction-set dispatch, internal to CKernels (see isa.c and the expander,
// include/ckernels_instantiate.h). ck_isa_active indexes each family's table of chunk workers.
#ifndef CK_ISA_H
#define CK_ISA_H
#include "ckernels.h"

#define CK_PART_SHARED 1
#define CK_PART_KERNELS 2
#define CK_PART_ENTRIES 3

/// The instruction set in use (CK_ISA_GENERIC...), or -1 until isa.c probes the CPU, which it
/// does on the first kernel call (nothing runs at load). Read and written atomically.
extern int ck_isa_active;
/// Probes the CPU and LRN_MAX_ISA once (thread-safe) and returns the set in use.
int ck_isa_probe(void);
/// The set in use, probing on first use: one atomic load once probed.
static inline int ck_isa_in_use(void) {
    const int isa = __atomic_load_n(&ck_isa_active, __ATOMIC_ACQUIRE);
    return isa >= 0 ? isa : ck_isa_probe();
}

// Variants give the same bits as the generic code: no fused multiply-adds are formed behind
// the code's back (the generic x86-64 build has none to form), so only the vector width changes.
#pragma STDC FP_CONTRACT OFF

#if defined(__x86_64__)
#define CK_ISA_TABLE(name) \
    ((const ck_range_fn[]){CAT(name, generic), CAT(name, avx2), CAT(name, avx512)})[ck_isa_in_use()]
#else
#define CK_ISA_TABLE(name) CAT(name, generic)
#endif
#endif
