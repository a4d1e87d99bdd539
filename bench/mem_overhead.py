#!/usr/bin/env python3
"""How much `sonde mem` slows its target (its native sampling engine, the default, and `--tracemalloc`), next to
plain tracemalloc (`-X tracemalloc=DEPTH`, no snapshots) and
memory_profiler (`mprof run`, which samples RSS from a second process, and `python -m memory_profiler`, its
line mode, on the workload's @profile function, next to `sonde mem --lines` on the same function), and Scalene
(`python -m scalene --cli --memory`, Debian's python3-scalene).

    bench/mem_overhead.py [--rounds 5] [--python /usr/bin/python3.11] [--workloads alloc,cpu] [--sizes alloc=30,cpu=3000000]
    bench/mem_overhead.py --line-mode --sizes alloc=3,cpu=200000
    bench/mem_overhead.py --python /root/.pyenv/versions/3.12.1/bin/python3 --workloads alloc --only "tracemalloc depth 1,native,sample-bytes"

Each workload times its own work (wall clock and process CPU time, start-up and set-up excluded) and prints
both. Every round runs plain Python, then each tool, then plain Python again; a tool's slowdown is the median
over rounds of its CPU time divided by the same round's first plain CPU time. The second plain run gives the
noise floor. memory_profiler comes from Debian (python3-memory-profiler), so the default Python is Debian's.
"""
import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile

BENCH = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(BENCH)
WORKLOADS = os.path.join(BENCH, "workloads")
SONDE_DLL = os.path.join(ROOT, ".build", "cli", "sonde.dll")
ELAPSED = re.compile(r"^elapsed ([\d.]+) ([\d.]+)$", re.M)
WORKLOAD_FILES = {"alloc": ("mem_alloc.py", 30), "cpu": ("mem_cpu.py", 3000000)}
# The function memory_profiler's line mode measures (decorated @profile), for `sonde mem --lines`.
LINE_FUNCTIONS = {"alloc": "mem_alloc:work", "cpu": "mem_cpu:work"}


def tools(python, script, size, scratch, lines, line_mode):
    out = os.path.join(scratch, "out.sonde")
    if line_mode:
        # memory_profiler's line mode is two orders of magnitude slower: compared on its own, on smaller sizes.
        return [
            ("plain", [python, script, str(size)]),
            ("sonde mem --lines", ["dotnet", SONDE_DLL, "mem", "--lines", lines, "-o", out, "--", python, script, str(size)]),
            ("memory_profiler line mode", [python, "-m", "memory_profiler", script, str(size)]),
            ("plain again", [python, script, str(size)]),
        ]
    rows = [
        ("plain", [python, script, str(size)]),
        ("tracemalloc depth 1", [python, "-X", "tracemalloc=1", script, str(size)]),
        ("tracemalloc depth 16", [python, "-X", "tracemalloc=16", script, str(size)]),
        ("sonde mem --tracemalloc --depth 1", ["dotnet", SONDE_DLL, "mem", "--tracemalloc", "--depth", "1", "-o", out, "--", python, script, str(size)]),
        ("sonde mem --tracemalloc (depth 16)", ["dotnet", SONDE_DLL, "mem", "--tracemalloc", "-o", out, "--", python, script, str(size)]),
        ("sonde mem (native, 512 KiB, depth 16)", ["dotnet", SONDE_DLL, "mem", "-o", out, "--", python, script, str(size)]),
        ("sonde mem --sample-bytes 65536", ["dotnet", SONDE_DLL, "mem", "--sample-bytes", "65536", "-o", out, "--", python, script, str(size)]),
        ("sonde mem --sample-bytes 4096", ["dotnet", SONDE_DLL, "mem", "--sample-bytes", "4096", "-o", out, "--", python, script, str(size)]),
    ]
    if subprocess.run([python, "-c", "import scalene"], capture_output=True).returncode == 0:
        # Scalene's memory profiling (its LD_PRELOAD allocator shim, sampling) comes with its CPU sampling.
        rows.append(("scalene --memory", [python, "-m", "scalene", "--cli", "--memory", "--outfile", os.path.join(scratch, "scalene.txt"), script, "---", str(size)]))
    if subprocess.run([python, "-c", "import mprof"], capture_output=True).returncode == 0:
        rows.append(("mprof run", [python, "-m", "mprof", "run", "-o", os.path.join(scratch, "mprof.dat"), python, script, str(size)]))
    rows.append(("plain again", [python, script, str(size)]))
    return rows


def measure(command, cwd):
    result = subprocess.run(command, capture_output=True, text=True, cwd=cwd)
    found = ELAPSED.search(result.stdout)
    if result.returncode != 0 or not found:
        sys.exit(f"bench: {' '.join(command)} failed ({result.returncode}): {result.stderr.strip()[-400:]}")
    return float(found.group(1)), float(found.group(2))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--python", default="/usr/bin/python3.11")
    parser.add_argument("--workloads", default="alloc,cpu")
    parser.add_argument("--line-mode", action="store_true",
                        help="compare `sonde mem --lines` with memory_profiler's line mode (use smaller --sizes)")
    parser.add_argument("--only", default="",
                        help="run only the tools whose label contains one of these comma-separated strings (and plain Python)")
    parser.add_argument("--sizes", default="", help="e.g. alloc=3,cpu=200000 (default alloc=30,cpu=3000000)")
    args = parser.parse_args()
    if not os.path.exists(SONDE_DLL):
        sys.exit("bench: build the CLI first (./sonde --help builds it into .build/cli)")
    sizes = dict((name, int(value)) for name, value in (item.split("=") for item in args.sizes.split(",") if item))
    with tempfile.TemporaryDirectory() as scratch:
        print("| workload | tool | slowdown (CPU) | plain CPU seconds |")
        print("|---|---|---|---|")
        for workload in args.workloads.split(","):
            name, size = WORKLOAD_FILES[workload]
            size = sizes.get(workload, size)
            script = os.path.join(WORKLOADS, name)
            ratios, plain = {}, []
            for _ in range(args.rounds):
                rows = tools(args.python, script, size, scratch, LINE_FUNCTIONS[workload], args.line_mode)
                base = None
                for label, command in rows:
                    if args.only and "plain" not in label and not any(part in label for part in args.only.split(",")):
                        continue
                    _, cpu = measure(command, scratch)
                    if base is None:
                        base = cpu
                        plain.append(cpu)
                    ratios.setdefault(label, []).append(cpu / base)
            for label, values in ratios.items():
                if label == "plain":
                    continue
                print(f"| {workload} | {label} | {statistics.median(values):.2f} | {statistics.median(plain):.3f} |")


if __name__ == "__main__":
    main()
