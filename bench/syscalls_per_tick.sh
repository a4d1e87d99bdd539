#!/usr/bin/env bash
# Counts the system calls `sonde record` makes per tick while it samples one busy thread DEPTH frames deep, with
# strace -f -c over the whole run (start-up included, so a longer run gives a truer per-tick figure).
#
#   bench/syscalls_per_tick.sh [PYTHON_LABEL=3.12] [DEPTH=50] [RATE=1000] [SECONDS=4] [SONDE_DLL]
#
# strace slows every call it traces, so only the counts mean anything here, not the times.
set -euo pipefail
bench="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$bench")"
label="${1:-3.12}" depth="${2:-50}" rate="${3:-1000}" seconds="${4:-4}" dll="${5:-}"
python="$(ls -d /root/.pyenv/versions/"$label".*/bin/python3 | sort -V | tail -1)"
if [ -z "$dll" ]; then
  "$root/sonde" --help >/dev/null
  dll="$root/.build/cli/sonde.dll"
fi
command -v strace >/dev/null || { echo "syscalls_per_tick: strace is not installed (apt-get install strace)" >&2; exit 2; }
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

"$python" "$bench/workloads/deep_stack.py" "$depth" --seconds "$seconds" >/dev/null &
target=$!
sleep 0.3
strace -f -c -o "$work/strace.txt" dotnet "$dll" record -p "$target" -r "$rate" -o "$work/out.folded" 2>"$work/stderr.txt"
wait "$target"
ticks="$(grep -o '[0-9,]* ticks' "$work/stderr.txt" | head -1 | tr -d , | cut -d' ' -f1)"
if [ -z "$ticks" ] || [ "$ticks" -eq 0 ]; then
  echo "syscalls_per_tick: sonde did not sample:" >&2
  cat "$work/stderr.txt" >&2
  exit 1
fi
echo "CPython $label, depth $depth, $rate Hz asked, $ticks ticks ($(basename "$(dirname "$dll")")/$(basename "$dll"))"
awk -v ticks="$ticks" '
  $1 ~ /^[0-9.]+$/ && NF >= 5 {
    name = $NF; calls = $4
    if (name == "process_vm_readv" || name == "pread64" || name == "clock_nanosleep" || name == "clock_gettime" || name == "newfstatat" || name == "stat" || name == "openat")
      printf "  %-18s %7.2f per tick\n", name, calls / ticks
  }' "$work/strace.txt"
