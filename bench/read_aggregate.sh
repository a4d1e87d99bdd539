#!/usr/bin/env bash
# Read-and-aggregate benchmark for .sonde files: builds bench/ReadAggregate in Release and runs it.
# Usage: bench/read_aggregate.sh [SAMPLES] [RUNS]   (default 12000000 samples, 5 runs; the file is cached in $TMPDIR)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="$root/.build/bench/ReadAggregate"
dotnet build "$root/bench/ReadAggregate/ReadAggregate.csproj" -c Release -o "$out" -nologo -v q >/dev/null
exec dotnet "$out/ReadAggregate.dll" "$@"
