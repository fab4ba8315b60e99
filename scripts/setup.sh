#!/usr/bin/env bash
# Makes this machine ready to build and test Ruff: checks for what the project needs
# and installs only what is missing. Safe to run again; prints nothing when nothing
# is missing. Runs apt-get as root, or through sudo when not root.
# scripts/cargo.sh runs it before every cargo command of the README and CI.
#
# usage: scripts/setup.sh [--bench] [--dry-run]
#   --bench     also install the runtimes benches/compare.sh compares against
#               (hyperfine, lua5.4, luajit, pypy3; gcc, python3 and node are expected).
#   --dry-run   print the packages that would be installed, one a line; install nothing.
set -euo pipefail

bench=0 dry_run=0
for arg in "$@"; do
    case $arg in
    --bench) bench=1 ;;
    --dry-run) dry_run=1 ;;
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
die() {
    echo "setup.sh: $*" >&2
    exit 1
}

# Debian packages to install; each check below adds one only when what it provides
# is missing.
packages=()
want() { packages+=("$@"); }

# Rust. A rustup toolchain may be installed but not yet on PATH (a shell that has not
# read ~/.cargo/env). Without one, Debian's toolchain: cargo-web where the release
# has it (Debian 12's current Rust; its plain `cargo` is 1.63, too old), else cargo.
if ! have cargo && [[ -x ${CARGO_HOME:-$HOME/.cargo}/bin/cargo ]]; then
    PATH=${CARGO_HOME:-$HOME/.cargo}/bin:$PATH
fi
rust_at=-1 # index in packages of Debian's Rust, chosen by rust_package below
if ! have cargo || ! have rustc; then
    if have rustup; then
        if ((dry_run)); then
            echo "rustup toolchain install stable"
        else
            rustup -q toolchain install stable --profile minimal >&2 ||
                die "rustup could not install a stable toolchain"
        fi
    else
        rust_at=${#packages[@]}
        want cargo
    fi
fi
# A C compiler and linker, for rustc's linking and for llvm-sys's C wrappers.
have cc || want gcc libc6-dev

# LLVM 19, linked statically into ruff by llvm-sys (see llvm-config.md). When
# LLVM_SYS_191_PREFIX names an LLVM, llvm-sys uses that one alone, and so do we.
# Otherwise Debian's: llvm-config-19 on PATH (it resolves to /usr/lib/llvm-19), or
# /usr/lib/llvm-19/bin/llvm-config itself, with the headers and static libraries
# (llvm-19-dev), Polly, which Debian's llvm-config lists among the static libraries
# (libpolly-19-dev), and zstd, which it lists among the system libraries (libzstd-dev).
if [[ -n ${LLVM_SYS_191_PREFIX:-} ]]; then
    [[ -x $LLVM_SYS_191_PREFIX/bin/llvm-config ]] ||
        die "LLVM_SYS_191_PREFIX=$LLVM_SYS_191_PREFIX has no bin/llvm-config;" \
            "unset it to use Debian's LLVM 19 (see llvm-config.md)"
else
    llvm=/usr/lib/llvm-19
    if have llvm-config-19; then
        llvm=$(readlink -f "$(command -v llvm-config-19)")
        llvm=${llvm%/bin/*}
    fi
    [[ -x $llvm/bin/llvm-config && -f $llvm/include/llvm-c/Core.h &&
        -f $llvm/lib/libLLVMCore.a ]] || want llvm-19-dev
    [[ -f $llvm/lib/libPolly.a ]] || want libpolly-19-dev
    compgen -G '/usr/lib/*/libzstd.so' >/dev/null || [[ -e /usr/lib/libzstd.so ]] ||
        want libzstd-dev
fi

if ((bench)); then
    have hyperfine || want hyperfine
    have lua5.4 || want lua5.4
    have luajit || want luajit
    have pypy3 || want pypy3
fi

# cargo-web where the package lists offer it, else cargo.
rust_package() {
    if [[ $(apt-cache policy cargo-web 2>/dev/null) == *"Candidate: "[0-9]* ]]; then
        echo cargo-web
    else
        echo cargo
    fi
}
((rust_at < 0)) || packages[rust_at]=$(rust_package)

if ((dry_run)); then
    ((${#packages[@]})) && printf '%s\n' "${packages[@]}"
    exit 0
fi
((${#packages[@]})) || exit 0

have apt-get || die "missing ${packages[*]}, and there is no apt-get to install them"
as_root=()
if [[ $(id -u) -ne 0 ]]; then
    have sudo || die "need root (or sudo) to install ${packages[*]}"
    as_root=(sudo)
fi

log=$(mktemp "${TMPDIR:-/tmp}/ruff-setup.XXXXXX")
apt_get() {
    "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive \
        apt-get -q -y -o DPkg::Lock::Timeout=600 "$@" >>"$log" 2>&1
}
failed() {
    echo "setup.sh: apt-get failed; last lines of $log:" >&2
    tail -n 20 "$log" >&2
    exit 1
}
apt_get update || failed
# The fresh lists may offer a newer Rust than the old ones did.
((rust_at < 0)) || packages[rust_at]=$(rust_package)
echo "setup.sh: installing ${packages[*]}" >&2
apt_get install --no-install-recommends "${packages[@]}" || failed
rm -f "$log"

# A build that ran while LLVM 19 was missing left llvm-sys' verdict "no LLVM found" in
# the target directory, and llvm-sys reruns its build script only when one of its
# LLVM_SYS_191_* variables changes: forget that verdict so the next build finds LLVM.
if [[ " ${packages[*]} " == *" llvm-19-dev "* ]] && have cargo; then
    root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
    for profile in --profile=dev --release; do
        (cd "$root" && cargo clean -q -p llvm-sys "$profile") >/dev/null 2>&1 || true
    done
fi
