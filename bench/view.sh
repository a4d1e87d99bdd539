#!/usr/bin/env bash
# `sonde view` interaction benchmark: builds bench/ViewInteractions and the CLI (Release), generates a profile
# of SAMPLES samples (cached in $TMPDIR), and times the server's view builds and page interactions in Chromium.
# Usage: bench/view.sh [SAMPLES] [RUNS]   (default 1000000 samples, 5 runs; needs /usr/bin/chromium)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="$root/.build/bench/ViewInteractions"
"$root/sonde" --help >/dev/null
dotnet build "$root/bench/ViewInteractions/ViewInteractions.csproj" -c Release -o "$out" -nologo -v q >/dev/null
exec dotnet "$out/ViewInteractions.dll" "$root/.build/cli/sonde" "$@"
