#!/usr/bin/env bash
# Runs one fuzz target with the limits it needs (see fuzz/README.md).
#
# usage: fuzz/run.sh parse|run_tier0|differential [libFuzzer args...]
#        e.g. fuzz/run.sh run_tier0 -max_total_time=600
#
# On first use the corpus (fuzz/corpus/TARGET) is seeded: parse and run_tier0 with every
# Ruff program of the repository, differential with random bytes (its inputs are the
# generator's choices, not program text). Arguments after TARGET go to libFuzzer and win
# over the defaults here. FUZZ_SANITIZER=address|none overrides the target's sanitizer;
# each sanitizer builds into its own target directory (under $CARGO_TARGET_DIR if set,
# else fuzz/target), so switching does not rebuild LLVM-linked crates each time.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(dirname "$here")
target=${1:?usage: fuzz/run.sh parse|run_tier0|differential [libFuzzer args...]}
shift

case $target in
    parse)
        sanitizer=address
        limits=(-max_len=16384 -timeout=10 -rss_limit_mb=2048)
        ;;
    run_tier0)
        sanitizer=address
        limits=(-max_len=16384 -timeout=10 -rss_limit_mb=2048)
        ;;
    differential)
        # Each input is three runs with LLVM compiling every function: slow, and the
        # oracle is the output, which AddressSanitizer does not improve.
        sanitizer=none
        limits=(-max_len=4096 -timeout=120 -rss_limit_mb=4096)
        ;;
    *)
        echo "unknown fuzz target '$target' (parse, run_tier0, differential)" >&2
        exit 1
        ;;
esac
sanitizer=${FUZZ_SANITIZER:-$sanitizer}

corpus=$here/corpus/$target
if [[ ! -d $corpus ]]; then
    mkdir -p "$corpus"
    if [[ $target == differential ]]; then
        for i in $(seq 1 32); do
            head -c $((256 + 96 * i)) /dev/urandom >"$corpus/random-$i"
        done
    else
        for dir in tests/conformance benches/programs examples; do
            [[ -d $root/$dir ]] || continue
            find "$root/$dir" -name '*.ruff' | while read -r program; do
                name=${program#"$root"/}
                cp "$program" "$corpus/${name//\//_}"
            done
        done
    fi
    echo "seeded $corpus with $(ls "$corpus" | wc -l) inputs" >&2
fi

# As scripts/cargo.sh: point llvm-sys at LLVM 19 only when it cannot find it on PATH.
if [[ -z ${LLVM_SYS_191_PREFIX:-} ]] && ! command -v llvm-config-19 >/dev/null 2>&1; then
    export LLVM_SYS_191_PREFIX=/usr/lib/llvm-19
fi

cd "$here"
exec cargo +nightly fuzz run --release --sanitizer "$sanitizer" \
    --target-dir "${CARGO_TARGET_DIR:-$here/target}/$sanitizer" \
    "$target" "$corpus" -- "${limits[@]}" "$@"
