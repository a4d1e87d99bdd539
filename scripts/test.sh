#!/usr/bin/env bash
# Runs Sonde's whole test suite on a fresh Debian machine: installs what the tests need, restores NuGet
# packages, builds, runs every test project one after another (the profiling tests measure CPU shares, so they
# must not compete with each other), and ends with one line: "N passed, N failed, N skipped".
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

packages=(gcc valgrind hyperfine austin python3 python3-yappi golang-go graphviz tmux chromium postgresql prometheus)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "test: installing ${missing[*]}" >&2
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi

results="$root/.build/test-results"
rm -rf "$results"
mkdir -p "$results"
dotnet build Sonde.slnx -nologo -v q
failed_projects=0
for project in tests/*.Tests/*.Tests.csproj; do
  name="$(basename "$project" .csproj)"
  echo "test: $name" >&2
  dotnet test "$project" --no-build -nologo --logger "trx;LogFileName=$results/$name.trx" --logger "console;verbosity=minimal" "$@" || failed_projects=$((failed_projects + 1))
done

python3 - "$results" <<'PY'
import glob, re, sys
passed = failed = skipped = 0
for path in glob.glob(sys.argv[1] + "/*.trx"):
    text = open(path, encoding="utf-8").read()
    m = re.search(r"<Counters [^>]*>", text)
    if not m:
        continue
    attrs = dict(re.findall(r'(\w+)="(\d+)"', m.group(0)))
    passed += int(attrs.get("passed", 0))
    failed += int(attrs.get("failed", 0)) + int(attrs.get("error", 0)) + int(attrs.get("timeout", 0)) + int(attrs.get("aborted", 0))
    # xunit.v3 leaves notExecuted at 0 for skipped tests; they show as total minus executed.
    skipped += max(int(attrs.get("notExecuted", 0)), int(attrs.get("total", 0)) - int(attrs.get("executed", 0)))
print(f"{passed} passed, {failed} failed, {skipped} skipped")
PY
[ "$failed_projects" -eq 0 ]
