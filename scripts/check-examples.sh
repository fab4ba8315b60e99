#!/usr/bin/env bash
# Runs every examples/*.ruff and compares its stdout with the "Expected output:"
# block in the comment at the top of the file (lines "#   <text>").
#
# usage: scripts/check-examples.sh [--ruff PATH] [-- RUFF_RUN_FLAGS...]
#   --ruff PATH   binary to use (default: `cargo build --release`, target/release/ruff)
#   extra flags after `--` go to `ruff run`, e.g. `-- --jit=eager`.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

ruff=
while (($#)); do
    case $1 in
    --ruff) ruff=${2:?--ruff needs a path}; shift 2 ;;
    --) shift; break ;;
    -h | --help) sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p;}' "${BASH_SOURCE[0]}"; exit 0 ;;
    *) echo "check-examples.sh: unknown argument: $1" >&2; exit 1 ;;
    esac
done
if [[ -z $ruff ]]; then
    bash scripts/cargo.sh build --release --quiet --bin ruff
    ruff=${CARGO_TARGET_DIR:-target}/release/ruff
fi

# The expected block: the comment lines after "# Expected output:" that start with
# "#   ", with that prefix removed.
expected_of() {
    awk '
        /^# Expected output:/ { on = 1; next }
        on && /^#   / { print substr($0, 5); next }
        on { exit }' "$1"
}

passed=0
failed=0
for file in examples/*.ruff; do
    want=$(expected_of "$file")
    if got=$("$ruff" run "$@" "$file" </dev/null 2>&1); then status=0; else status=$?; fi
    if ((status == 0)) && [[ $got == "$want" ]]; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1))
        echo "FAIL $file (exit $status)"
        diff <(printf '%s\n' "$want") <(printf '%s\n' "$got") | sed 's/^/    /' || true
    fi
done
echo "examples: $passed passed, $failed failed"
((failed == 0))
