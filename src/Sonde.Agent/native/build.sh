#!/usr/bin/env bash
# Compiles sonde_alloc.c once per CPython minor version whose headers are installed under pyenv
# (${PYENV_ROOT:-/root/.pyenv}/versions/3.X.Y/include/python3.X), into OUTPUT_DIR/sonde_alloc_3X.so, which the
# build embeds in Sonde.Agent (docs/memory.md, "The native engine").
#
#   src/Sonde.Agent/native/build.sh OUTPUT_DIR
#
# Without a C compiler it writes nothing and exits 0: the agent then falls back to tracemalloc and says so.
# A version that fails to compile is an error (exit 1).
set -euo pipefail
export LC_ALL=C
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out="${1:?usage: build.sh OUTPUT_DIR}"
versions_dir="${PYENV_ROOT:-/root/.pyenv}/versions"
cc="${CC:-gcc}"
mkdir -p "$out"
rm -f "$out"/sonde_alloc_3*.so
command -v "$cc" >/dev/null 2>&1 || exit 0
[[ -d "$versions_dir" ]] || exit 0
for minor in 8 9 10 11 12 13; do
    # The newest plain 3.MINOR.PATCH release (not 3.13.0t, not -dev).
    name="$(ls -1 "$versions_dir" | grep -E "^3\.$minor\.[0-9]+$" | sort -V | tail -n 1 || true)"
    include="$versions_dir/$name/include/python3.$minor"
    [[ -n "$name" && -f "$include/Python.h" ]] || continue
    "$cc" -O2 -fPIC -shared -std=gnu11 -Wall -Wextra -Werror -Wno-unused-parameter -Wno-missing-field-initializers \
        -fvisibility=default -I "$include" "$here/sonde_alloc.c" -o "$out/sonde_alloc_3$minor.so" -lm
done
