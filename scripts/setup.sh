#!/usr/bin/env bash
# Makes this machine ready to build and test Ruff: checks for what the project needs
# and installs only what is missing. Safe to run again; prints nothing when nothing
# is missing. Runs apt-get as root, or through sudo when not root.
#
# usage: scripts/setup.sh [--bench]
#   --bench   also install the runtimes benches/compare.sh compares against
#             (hyperfine, lua5.4, luajit, pypy3; gcc, python3 and node are expected).
set -euo pipefail

bench=0
for arg in "$@"; do
    case $arg in
    --bench) bench=1 ;;
    -h | --help)
        sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p;}' "${BASH_SOURCE[0]}"
        exit 0
        ;;
    *)
        echo "setup.sh: unknown argument: $arg" >&2
        exit 1
        ;;
    esac
done

have() { command -v "$1" >/dev/null 2>&1; }

# Debian packages to install, each added only when what it provides is missing.
packages=()
want() { # package [package...]: add those not yet installed
    local pkg status
    for pkg in "$@"; do
        status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
        [[ $status == "install ok installed" ]] || packages+=("$pkg")
    done
}

# Rust: the machine's toolchain comes from rustup and cannot be installed from here.
if ! have cargo || ! have rustc; then
    echo "setup.sh: cargo/rustc not found: install a Rust toolchain (rustup) first" >&2
    exit 1
fi
# A C compiler and linker, for rustc's linking and for crates that build C.
have cc || want gcc libc6-dev

# LLVM 19 for tier 1 and AOT (llvm-sys/inkwell link against it).
if ! have llvm-config-19; then
    want llvm-19-dev libpolly-19-dev libzstd-dev
fi

if ((bench)); then
    have hyperfine || want hyperfine
    have lua5.4 || want lua5.4
    have luajit || want luajit
    have pypy3 || want pypy3
fi

((${#packages[@]})) || exit 0

if ! have apt-get; then
    echo "setup.sh: missing ${packages[*]}, and there is no apt-get to install them" >&2
    exit 1
fi
as_root() {
    if [[ $(id -u) -eq 0 ]]; then
        "$@"
    elif have sudo; then
        sudo "$@"
    else
        echo "setup.sh: need root (or sudo) to install ${packages[*]}" >&2
        exit 1
    fi
}

echo "setup.sh: installing ${packages[*]}" >&2
log=$(mktemp "${TMPDIR:-/tmp}/ruff-setup.XXXXXX")
apt_get() {
    as_root env DEBIAN_FRONTEND=noninteractive \
        apt-get -q -y -o DPkg::Lock::Timeout=600 "$@" >>"$log" 2>&1
}
if ! apt_get update || ! apt_get install --no-install-recommends "${packages[@]}"; then
    echo "setup.sh: apt-get failed; last lines of $log:" >&2
    tail -n 20 "$log" >&2
    exit 1
fi
rm -f "$log"
