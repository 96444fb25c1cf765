// Test support for CKernels: probes the thread tests use and a switch of instruction set. Only test targets depend on this.
#ifndef CKERNELS_TESTING_H
#define CKERNELS_TESTING_H

/// Number of distinct OpenMP threads that executed one parallel region of `n` chunks (for tests).
int ck_probe_parallel_threads(void);
/// Number of distinct threads OpenBLAS used during one large sgemm (for tests).
int ck_probe_blas_threads(void);

/// 1 if this CPU (and OS) can run the given CK_ISA_... variants, else 0.
int ck_testing_cpu_supports_isa(int isa);
/// Makes the kernels use `isa` from now on (ignoring LRN_MAX_ISA); returns the previous one, or
/// -1 (and changes nothing) when the CPU cannot run it. Not thread-safe: serialized tests only.
int ck_testing_use_isa(int isa);
/// How CKernels reads LRN_MAX_ISA (defined in isa.c): the cap a value names, CK_ISA_AVX512 for
/// NULL or "" (no cap), -1 for anything else (the process then stops at the first kernel call
/// with a message).
int ck_isa_parse_cap(const char *value);
/// How many times CKernels has probed the CPU and LRN_MAX_ISA: 0 until the first kernel call or
/// ck_isa(), then 1.
int ck_testing_isa_probes(void);

/// Defined in CKernels (memory.c): while enabled, every tensor buffer handed out (fresh or reused)
/// is filled with NaN first, so a kernel that reads before writing shows it. Returns the previous
/// setting. Thread-safe.
int ck_storage_set_poisoning(int enabled);

#endif
