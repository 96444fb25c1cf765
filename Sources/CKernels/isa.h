// Run-time instruction-set dispatch, internal to CKernels (see isa.c and the expander,
// include/ckernels_instantiate.h). ck_isa_active indexes each family's table of chunk workers.
#ifndef CK_ISA_H
#define CK_ISA_H
#include "ckernels.h"

#define CK_PART_SHARED 1
#define CK_PART_KERNELS 2
#define CK_PART_ENTRIES 3

/// The instruction set in use (CK_ISA_GENERIC...), set once at load by isa.c.
extern int ck_isa_active;

// Variants give the same bits as the generic code: no fused multiply-adds are formed behind
// the code's back (the generic x86-64 build has none to form), so only the vector width changes.
#pragma STDC FP_CONTRACT OFF

#if defined(__x86_64__)
#define CK_ISA_TABLE(name) \
    ((const ck_range_fn[]){CAT(name, generic), CAT(name, avx2), CAT(name, avx512)})[ck_isa_active]
#else
#define CK_ISA_TABLE(name) CAT(name, generic)
#endif
#endif
