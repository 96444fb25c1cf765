// libFuzzer's driver entry point (compiler-rt's libclang_rt.fuzzer, linked by -sanitize=fuzzer).
// Only declared here: Swift code calls it only when built with -D FUZZING (Scripts/fuzz.sh), so
// ordinary builds never need the symbol.
#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));
