#!/usr/bin/env bash
# Sets the machine up, builds ruff in release mode and runs an example program.
#
# usage: scripts/run-example.sh [FILE [ARGS...]]   (default: examples/hello.ruff)
# ARGS are passed to the program (`ruff run FILE -- ARGS`).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
file=${1:-$root/examples/hello.ruff}
(($#)) && shift
# A relative FILE is relative to where the script was started.
[[ $file == /* || $file == - ]] || file=$PWD/$file
if (($#)); then
    set -- -- "$@"
fi
exec bash "$root/scripts/cargo.sh" run --release --quiet -- run "$file" "$@"
