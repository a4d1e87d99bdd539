#!/usr/bin/env bash
# Compiles each C module here (NAME.c) once per CPython minor version whose headers are installed under pyenv
# (${PYENV_ROOT:-/root/.pyenv}/versions/3.X.Y/include/python3.X), into OUTPUT_DIR/NAME_3X.so, which the build
# embeds in Sonde.Agent; the agent finds them in its native/ directory.
#
#   src/Sonde.Agent/native/build.sh OUTPUT_DIR
#
# Without a C compiler it writes nothing and exits 0: the agent then does the same work in Python and says so
# where it matters. A module that fails to compile is an error (exit 1).
set -euo pipefail
export LC_ALL=C
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out="${1:?usage: build.sh OUTPUT_DIR}"
versions_dir="${PYENV_ROOT:-/root/.pyenv}/versions"
cc="${CC:-gcc}"
mkdir -p "$out"
rm -f "$out"/*.so
command -v "$cc" >/dev/null 2>&1 || exit 0
[[ -d "$versions_dir" ]] || exit 0
for minor in 8 9 10 11 12 13; do
    # The newest plain 3.MINOR.PATCH release (not 3.13.0t, not -dev).
    name="$(ls -1 "$versions_dir" | grep -E "^3\.$minor\.[0-9]+$" | sort -V | tail -n 1 || true)"
    include="$versions_dir/$name/include/python3.$minor"
    [[ -n "$name" && -f "$include/Python.h" ]] || continue
    for source in "$here"/*.c; do
        module="$(basename "$source" .c)"
        "$cc" -O2 -fPIC -shared -std=gnu11 -Wall -Wextra -Werror -Wno-unused-parameter \
            -Wno-missing-field-initializers -I "$include" "$source" -o "$out/${module}_3$minor.so" -lm
    done
done
