#!/usr/bin/env bash
# The one way the README commands and CI reach cargo: makes the machine ready
# (scripts/setup.sh installs only what is missing, and prints nothing when nothing
# is), makes sure llvm-sys finds LLVM 19, then runs cargo with the given arguments
# in the repository's root.
#
# usage: scripts/cargo.sh CARGO_ARGS...      e.g. scripts/cargo.sh build --release
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/setup.sh
# A rustup toolchain that this shell does not have on PATH yet.
if ! command -v cargo >/dev/null 2>&1; then
    PATH=${CARGO_HOME:-$HOME/.cargo}/bin:$PATH
fi
# llvm-sys looks for llvm-config-19 on PATH, or, when LLVM_SYS_191_PREFIX is set,
# in $LLVM_SYS_191_PREFIX/bin alone. Set it only when needed: changing it rebuilds
# llvm-sys and everything above it.
if [[ -z ${LLVM_SYS_191_PREFIX:-} ]] && ! command -v llvm-config-19 >/dev/null 2>&1; then
    export LLVM_SYS_191_PREFIX=/usr/lib/llvm-19
fi
exec cargo "$@"
