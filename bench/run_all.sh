#!/usr/bin/env bash
# Runs every sampler benchmark in turn and prints their Markdown tables, as pasted into docs/benchmarks.md.
# Progress goes to stderr. Takes about an hour on a quiet 2-CPU machine; longer when others use it, since each
# round first waits for the machine to be quiet (BENCH_QUIET_WAIT, BENCH_MAX_OTHERS: see bench/harness.py).
set -euo pipefail
bench="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
"$bench/sampler_overhead.py" "$@"
echo
"$bench/sampler_cost.py"
echo
"$bench/max_rate.py"
echo
"$bench/dump_time.py"
