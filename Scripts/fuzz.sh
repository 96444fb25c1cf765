#!/usr/bin/env bash
# Coverage-guided fuzzing with libFuzzer (Documentation/Reliability.md).
#   Scripts/fuzz.sh TARGET SECONDS [libFuzzer flags...]   TARGET: PNG JPEG SafeTensors RAFDB FERPlus AffectNet, or all
# Builds the target(s) in release with -sanitize=fuzzer,address into .build-fuzz, then runs each
# for SECONDS from its seeds (Tests/Fuzz/Corpus/TARGET; new inputs go to .build-fuzz/corpus/TARGET,
# crash inputs to .build-fuzz/crashes/TARGET/). Prints executions, exec/s and coverage per target;
# exits non-zero if any target crashed (or failed to build).
set -euo pipefail
cd "$(dirname "$0")/.."

all=(PNG JPEG SafeTensors RAFDB FERPlus AffectNet)
if [[ $# -lt 2 || ! $2 =~ ^[0-9]+$ ]]; then
    echo "usage: $0 TARGET|all SECONDS [libFuzzer flags...]; targets: ${all[*]}" >&2
    exit 2
fi
target=$1 seconds=$2
shift 2
if [[ $target == all ]]; then targets=("${all[@]}")
elif [[ " ${all[*]} " == *" $target "* ]]; then targets=("$target")
else echo "unknown target $target; expected one of: ${all[*]} all" >&2; exit 2
fi

scratch=.build-fuzz
# FUZZING makes the executables call libFuzzer's driver (Fuzz/Harnesses/FuzzMain.swift). Linked
# with lld: gold stops with an internal error on these sanitizer-instrumented objects.
build=(swift build -c release --scratch-path "$scratch" -Xswiftc -sanitize=fuzzer,address -Xswiftc -DFUZZING
       -Xswiftc -Xclang-linker -Xswiftc -fuse-ld=lld)
for t in "${targets[@]}"; do "${build[@]}" --product "Fuzz-$t"; done
bin=$("${build[@]}" --show-bin-path)

# Swift's runtime keeps caches that LeakSanitizer would report at exit; the harnesses are
# checked for memory errors and traps, not leaks.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0}
# A trap is reported by libFuzzer's deadly-signal handler; Swift's own backtracer would read
# memory that AddressSanitizer then reports as a second, unrelated error.
export SWIFT_BACKTRACE=enable=no
failed=()
summary=()
for t in "${targets[@]}"; do
    mkdir -p "$scratch/corpus/$t" "$scratch/crashes/$t"
    log="$scratch/fuzz-$t.log"
    echo "== Fuzz-$t for ${seconds}s (log: $log)"
    status=0
    "$bin/Fuzz-$t" -max_total_time="$seconds" -timeout=10 -print_final_stats=1 \
        -artifact_prefix="$scratch/crashes/$t/" "$@" "$scratch/corpus/$t" "Tests/Fuzz/Corpus/$t" >"$log" 2>&1 || status=$?
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
    cov=$(grep -o 'cov: [0-9]* ft: [0-9]*' "$log" | tail -1)
    line="Fuzz-$t: ${runs:-?} executions, ${rate:-?} exec/s, ${cov:-no coverage line}"
    if [[ $status -ne 0 ]]; then
        failed+=("$t")
        line+=", CRASH (exit $status): $(ls "$scratch/crashes/$t" | tr '\n' ' ')"
        grep -m1 -E 'ERROR|Fatal error|Precondition failed|deadly signal' "$log" || true
    fi
    echo "$line"
    summary+=("$line")
done
echo "== summary"
printf '%s\n' "${summary[@]}"
if [[ ${#failed[@]} -gt 0 ]]; then
    echo "crashed: ${failed[*]} (inputs under $scratch/crashes/)" >&2
    exit 1
fi
