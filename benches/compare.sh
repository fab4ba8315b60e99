#!/usr/bin/env bash
# Cross-runtime comparison of the anchor programs (benches/programs/): ruff against
# C (gcc -O2), CPython, Lua 5.4, LuaJIT, Node and PyPy, whichever are installed.
#
# usage: benches/compare.sh [--size standard|large|both] [--runs N] [--ruff PATH]
#                           [--no-ruff] [--interpreters-large] [--json-dir DIR]
#
#   --size S               standard (fib, loop, mandel; default), large (fib40,
#                          loop100m, mandel2000) or both. A hello-world start-up row
#                          is always included.
#   --runs N               timed runs per command (default 5; the hello row uses at
#                          least 20), after one warm-up run.
#   --ruff PATH            ruff binary to measure (default: `cargo build --release`
#                          and use target/release/ruff).
#   --no-ruff              leave ruff out: compare the other runtimes only.
#   --interpreters-large   also run tier 0, CPython and Lua 5.4 on the large sizes
#                          (minutes per program; skipped by default).
#   --json-dir DIR         keep hyperfine's JSON exports in DIR.
#   --no-hyperfine         time with the bash loop even if hyperfine is installed.
#
# Every command is run once first and its stdout compared with expected.txt (hello:
# "Hello, world!"); a runtime whose output differs is marked `wrong` and not timed.
# Timing uses hyperfine (-N -w 1 -r N) when present, else a bash timing loop.
# The markdown report goes to stdout; progress and notes go to stderr.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(dirname "$here")
progdir=$here/programs

size=standard
runs=5
ruff_bin=
use_ruff=1
interpreters_large=0
json_dir=
use_hyperfine=1

usage() { sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p;}' "${BASH_SOURCE[0]}"; }
die() {
    echo "compare.sh: $*" >&2
    exit 1
}

while (($#)); do
    case $1 in
    --size) size=${2:-}; shift 2 || die "--size needs a value" ;;
    --size=*) size=${1#*=}; shift ;;
    --runs) runs=${2:-}; shift 2 || die "--runs needs a value" ;;
    --runs=*) runs=${1#*=}; shift ;;
    --ruff) ruff_bin=${2:-}; shift 2 || die "--ruff needs a path" ;;
    --ruff=*) ruff_bin=${1#*=}; shift ;;
    --no-ruff) use_ruff=0; shift ;;
    --interpreters-large) interpreters_large=1; shift ;;
    --json-dir) json_dir=${2:-}; shift 2 || die "--json-dir needs a path" ;;
    --json-dir=*) json_dir=${1#*=}; shift ;;
    --no-hyperfine) use_hyperfine=0; shift ;;
    -h | --help) usage; exit 0 ;;
    *) usage >&2; die "unknown argument: $1" ;;
    esac
done

case $size in
standard) programs=(fib loop mandel) ;;
large) programs=(fib40 loop100m mandel2000) ;;
both) programs=(fib loop mandel fib40 loop100m mandel2000) ;;
*) die "--size must be standard, large or both, not '$size'" ;;
esac
[[ $runs =~ ^[1-9][0-9]*$ ]] || die "--runs must be a positive integer, not '$runs'"
rows=(hello "${programs[@]}")

is_large() { [[ $1 == fib40 || $1 == loop100m || $1 == mandel2000 ]]; }
have() { command -v "$1" >/dev/null 2>&1; }

notes=()
note() {
    notes+=("$*")
    echo "note: $*" >&2
}

tmp=$(mktemp -d "${TMPDIR:-/tmp}/ruff-compare.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
if [[ -n $json_dir ]]; then
    mkdir -p "$json_dir"
else
    json_dir=$tmp/json
    mkdir -p "$json_dir"
fi

declare -A expected=([hello]="Hello, world!")
while read -r name value; do
    [[ -n $name ]] && expected[$name]=$value
done <"$progdir/expected.txt"

# ---------------------------------------------------------------------------
# Columns. Each has a label, a kind (how to build its command) and the sizes it
# runs: `standard` (interpreters: hello + standard programs) or `all`.
cols=()
declare -A col_kind col_sizes col_version
column() {
    cols+=("$1")
    col_kind[$1]=$2
    col_sizes[$1]=$3
    col_version[$1]=$4
}

if ((use_ruff)); then
    if [[ -z $ruff_bin ]]; then
        echo "building ruff: cargo build --release" >&2
        (cd "$root" && cargo build --release --bin ruff) >&2 ||
            die "cargo build --release failed (use --no-ruff to compare the other runtimes only)"
        target_dir=${CARGO_TARGET_DIR:-target}
        [[ $target_dir == /* ]] || target_dir=$root/$target_dir
        ruff_bin=$target_dir/release/ruff
    fi
    [[ -x $ruff_bin ]] || die "ruff binary not found or not executable: $ruff_bin"
    ruff_bin=$(cd "$(dirname "$ruff_bin")" && pwd)/$(basename "$ruff_bin")
    ruff_version=$("$ruff_bin" --version 2>/dev/null | head -n 1 || true)
    ruff_column() { column "ruff $1" "ruff:$1" "$2" "${ruff_version:-ruff} ($ruff_bin)"; }
    # One line per Ruff column: the flags passed to `ruff run` and the sizes it runs.
    # Tier 0 alone (standard sizes, like the other interpreters) and the tiered default
    # (tier 1 compiles what gets hot) on every size.
    ruff_column "--jit=off" standard
    ruff_column "--jit=auto" all
fi

if have gcc; then
    column "C gcc -O2" c all "gcc $(gcc -dumpfullversion 2>/dev/null || gcc -dumpversion)"
    if [[ $size != standard ]]; then
        column "C checked" c-checked all "gcc -O2, with the overflow checks Ruff requires (*_checked.c)"
    fi
else
    note "gcc not found: C columns skipped"
fi

declare -A col_exe col_ext
interp_column() { # label command extension sizes
    local label=$1 exe=$2 version
    if ! have "$exe"; then
        note "$exe not found: $label skipped"
        return
    fi
    case $exe in
    python3 | pypy3)
        # Time the interpreter itself, not a wrapper such as a pyenv shim.
        exe=$("$exe" -c 'import sys; print(sys.executable)')
        version="$("$exe" --version 2>&1 | tr '\n' ' ')($exe)"
        ;;
    lua5.4 | luajit) version="$("$exe" -v 2>&1 | awk '{ print $1, $2 }') ($(command -v "$exe"))" ;;
    *) version="$("$exe" --version 2>&1 | head -n 1) ($(command -v "$exe"))" ;;
    esac
    column "$label" interp "$4" "$version"
    col_exe[$label]=$exe
    col_ext[$label]=$3
}
interp_column CPython python3 py standard
interp_column "Lua 5.4" lua5.4 lua standard
interp_column LuaJIT luajit lua all
interp_column Node node js all
interp_column PyPy pypy3 py all

((${#cols[@]})) || die "no runtime to compare"

# C programs are compiled once, up front, into the temporary directory.
if [[ -n ${col_kind["C gcc -O2"]:-} ]]; then
    for prog in "${rows[@]}"; do
        for src in "$progdir/$prog.c" "$progdir/${prog}_checked.c"; do
            [[ -f $src ]] || continue
            exe=$tmp/$(basename "$src" .c)
            gcc -O2 -o "$exe" "$src" || note "gcc -O2 failed on $(basename "$src")"
        done
    done
fi

# Prints the command for column $1 on program $2, or fails when the column does not
# run that program.
command_for() {
    local col=$1 prog=$2 kind=${col_kind[$1]} src
    if is_large "$prog" && [[ ${col_sizes[$col]} == standard ]] && ((!interpreters_large)); then
        return 1
    fi
    case $kind in
    ruff:*)
        src=$progdir/$prog.ruff
        [[ $prog == hello ]] && src=$root/examples/hello.ruff
        [[ -f $src ]] || return 1
        # The flags are deliberately unquoted: a column may pass several.
        printf '%q run %s %q' "$ruff_bin" "${kind#ruff:}" "$src"
        ;;
    c)
        [[ -x $tmp/$prog ]] || return 1
        printf '%q' "$tmp/$prog"
        ;;
    c-checked)
        [[ -x $tmp/${prog}_checked ]] || return 1
        printf '%q' "$tmp/${prog}_checked"
        ;;
    interp)
        src=$progdir/$prog.${col_ext[$col]}
        [[ -f $src ]] || return 1
        printf '%q %q' "${col_exe[$col]}" "$src"
        ;;
    esac
}

# Median wall time in seconds of `eval $1`, $2 timed runs after one warm-up run.
fallback_median() {
    local cmd=$1 n=$2 i t0 t1
    local -a times=()
    eval "$cmd" >/dev/null 2>&1 </dev/null || true
    for ((i = 0; i < n; i++)); do
        t0=$(now_us)
        eval "$cmd" >/dev/null 2>&1 </dev/null || true
        t1=$(now_us)
        times+=($((t1 - t0)))
    done
    printf '%s\n' "${times[@]}" | sort -n | awk '
        { t[NR] = $1 }
        END { m = (NR % 2) ? t[(NR + 1) / 2] : (t[NR / 2] + t[NR / 2 + 1]) / 2; printf "%.6f\n", m / 1e6 }'
}
now_us() {
    if [[ -n ${EPOCHREALTIME:-} ]]; then
        local t=${EPOCHREALTIME/[.,]/}
        echo "$((10#$t))"
    else
        echo $(($(date +%s%N) / 1000))
    fi
}

have hyperfine || use_hyperfine=0
if ((use_hyperfine)); then
    timer="hyperfine $(hyperfine --version | awk '{print $2}'), -N -w 1 -r $runs"
else
    timer="bash timing loop, 1 warm-up + $runs runs"
    have hyperfine || note "hyperfine not found: using a bash timing loop"
fi

# ---------------------------------------------------------------------------
# Run: per program, check every column's output, then time all correct ones
# side by side in one hyperfine invocation.
declare -A cell # "prog|col" -> median ms as printed, "–" (not run at this size) or "wrong"
declare -A raw  # "prog|col" -> median seconds, for the ratios
for prog in "${rows[@]}"; do
    n=$runs
    [[ $prog == hello ]] && ((n < 20)) && n=20
    echo "== $prog (expect ${expected[$prog]})" >&2
    cmds=()
    labels=()
    for col in "${cols[@]}"; do
        if ! cmd=$(command_for "$col" "$prog"); then
            cell["$prog|$col"]="–"
            continue
        fi
        if out=$(eval "$cmd" 2>"$tmp/stderr" </dev/null); then status=0; else status=$?; fi
        if ((status != 0)) || [[ $out != "${expected[$prog]}" ]]; then
            cell["$prog|$col"]=wrong
            note "$col on $prog: exit $status, printed '${out:0:200}' (expected '${expected[$prog]}'); stderr: $(head -c 300 "$tmp/stderr" | tr '\n' ' ')"
            continue
        fi
        cmds+=("$cmd")
        labels+=("$col")
    done
    ((${#cmds[@]})) || continue
    medians=()
    if ((use_hyperfine)); then
        json=$json_dir/$prog.json
        hyperfine -N -w 1 -r "$n" --export-json "$json" "${cmds[@]}" >&2
        mapfile -t medians < <(awk -F': *' '/"median":/ { sub(/,.*/, "", $2); print $2 }' "$json")
    else
        for cmd in "${cmds[@]}"; do
            echo "  timing: $cmd" >&2
            medians+=("$(fallback_median "$cmd" "$n")")
        done
    fi
    ((${#medians[@]} == ${#cmds[@]})) || die "could not read the timings for $prog"
    for i in "${!labels[@]}"; do
        raw["$prog|${labels[$i]}"]=${medians[$i]}
        cell["$prog|${labels[$i]}"]=$(awk -v s="${medians[$i]}" 'BEGIN {
            ms = s * 1000; printf (ms < 10 ? "%.2f" : "%.1f"), ms }')
    done
done

# ---------------------------------------------------------------------------
# Report.
cpu=$(awk -F': *' '/^model name/ { print $2; exit }' /proc/cpuinfo 2>/dev/null || true)
echo "## Wall time, median of $runs runs (hello: $((runs < 20 ? 20 : runs))), milliseconds"
echo
echo "- machine: ${cpu:-unknown CPU}, $(nproc 2>/dev/null || echo '?') CPUs, $(uname -srm)"
echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "- timing: $timer; whole-process wall time"
for col in "${cols[@]}"; do
    echo "- $col: ${col_version[$col]}"
done
echo

header="| program |"
rule="|---|"
for col in "${cols[@]}"; do
    header+=" $col |"
    rule+="---:|"
done
echo "$header"
echo "$rule"
for prog in "${rows[@]}"; do
    line="| $prog |"
    for col in "${cols[@]}"; do
        line+=" ${cell["$prog|$col"]:-–} |"
    done
    echo "$line"
done
echo
echo "\`–\`: not run at this size (interpreters run the standard sizes only) or no such variant."

ruff_cols=()
for col in "${cols[@]}"; do
    [[ ${col_kind[$col]} == ruff:* ]] && ruff_cols+=("$col")
done
refs=()
for ref in CPython "Lua 5.4" "C gcc -O2" "C checked" LuaJIT; do
    [[ -n ${col_kind[$ref]:-} ]] && refs+=("$ref")
done
if ((${#ruff_cols[@]} && ${#refs[@]})); then
    echo
    echo "### Ratios: ruff time ÷ other runtime's time (below 1: ruff is faster)"
    echo
    header="| program |"
    rule="|---|"
    for rc in "${ruff_cols[@]}"; do
        for ref in "${refs[@]}"; do
            header+=" $rc ÷ $ref |"
            rule+="---:|"
        done
    done
    echo "$header"
    echo "$rule"
    for prog in "${rows[@]}"; do
        line="| $prog |"
        for rc in "${ruff_cols[@]}"; do
            for ref in "${refs[@]}"; do
                a=${raw["$prog|$rc"]:-}
                b=${raw["$prog|$ref"]:-}
                if [[ -n $a && -n $b ]]; then
                    line+=" $(awk -v a="$a" -v b="$b" 'BEGIN { printf "%.2f", a / b }') |"
                else
                    line+=" – |"
                fi
            done
        done
        echo "$line"
    done
elif ((!${#ruff_cols[@]})); then
    echo
    echo "(ruff not measured: no ratios)"
fi

if ((${#notes[@]})); then
    echo
    echo "Notes:"
    for n in "${notes[@]}"; do
        echo "- $n"
    done
fi
