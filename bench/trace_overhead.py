#!/usr/bin/env python3
"""How much `sonde trace` slows its target, next to cProfile and yappi (function mode) and line_profiler's
`kernprof -l` (line mode: `sonde trace --lines-only`, which like kernprof times only the chosen functions'
lines, and `sonde trace --lines`, which also counts every call). The rows marked SONDE_NO_NATIVE=1 run the agent
without its compiled module (docs/trace.md, "The native tracer"), as on a machine where Sonde was built without gcc.

    bench/trace_overhead.py [--rounds 7] [--pythons debian-3.11,3.12,3.13] [--workloads cpu,calls,threads] [--no-lines]

Each workload times its own work, wall clock and process CPU time (interpreter start-up and profiler set-up
excluded), and prints both. Every round runs, back to back, plain Python, then each profiler, then plain Python
again; a profiler's slowdown is the median over rounds of its time divided by the same round's first plain time,
and "vs reference" the median over rounds of its time divided by cProfile's (function mode) or kernprof's
(line mode) in that round. CPU time is the steadier figure on a busy machine. The second plain run gives the noise floor. yappi and line_profiler
come from Debian (python3-yappi, python3-line-profiler), so they run on Debian's /usr/bin/python3.11 only.
"""
import argparse
import glob
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

# Sizes that take 0.5-1 s unprofiled on the reference VM.
WORKLOAD_FILES = {"cpu": ("trace_cpu.py", 1), "calls": ("trace_calls.py", 4), "threads": ("trace_threads.py", 6)}
LINE_FUNCTIONS = ["trace_lines:hot", "trace_lines:caller"]


def python(label):
    if label.startswith("debian-"):
        path = "/usr/bin/python" + label.split("-", 1)[1]
        if not os.path.exists(path):
            sys.exit(f"bench: {path} is missing; apt-get install python3")
        return path
    found = sorted(glob.glob(f"/root/.pyenv/versions/{label}.*/bin/python3"))
    if not found:
        sys.exit(f"bench: no CPython {label} under /root/.pyenv/versions")
    return found[-1]


def has_module(interpreter, module):
    return subprocess.run([interpreter, "-c", f"import {module}"], capture_output=True).returncode == 0


WITHOUT_NATIVE = dict(os.environ, SONDE_NO_NATIVE="1")


def elapsed(command, env=None):
    """The workload's own (wall, CPU) seconds for its work."""
    run = subprocess.run(command, capture_output=True, text=True, stdin=subprocess.DEVNULL, env=env)
    found = ELAPSED.findall(run.stdout)
    if run.returncode != 0 or not found:
        sys.exit(f"bench: {' '.join(command)} failed ({run.returncode}):\n{run.stdout}\n{run.stderr}")
    return float(found[-1][0]), float(found[-1][1])


def configurations(interpreter, script, size, scratch, lines):
    target = [script, str(size)]
    sonde = ["dotnet", SONDE_DLL, "trace"]
    if lines:
        line_options = [option for function in LINE_FUNCTIONS for option in ("--lines", function)]
        configs = [
            ("sonde trace --lines-only", sonde + ["-o", os.path.join(scratch, "s.prof"), "--lines-only"] + line_options + ["--", interpreter] + target),
            ("sonde trace --lines", sonde + ["-o", os.path.join(scratch, "s.prof")] + line_options + ["--", interpreter] + target),
            ("sonde trace --lines-only, SONDE_NO_NATIVE=1", sonde + ["-o", os.path.join(scratch, "s.prof"), "--lines-only"] + line_options + ["--", interpreter] + target, WITHOUT_NATIVE),
        ]
        if has_module(interpreter, "line_profiler"):
            configs.insert(0, ("kernprof -l", [interpreter, "-m", "kernprof", "-l", "-o", os.path.join(scratch, "k.lprof")] + target))
        return configs
    configs = [("cProfile", [interpreter, "-m", "cProfile", "-o", os.path.join(scratch, "c.prof")] + target)]
    if has_module(interpreter, "yappi"):
        configs.append(("yappi (wall, builtins)", [interpreter, "-m", "yappi", "-c", "wall", "-b", "-o", os.path.join(scratch, "y.pstat")] + target))
    configs.append(("sonde trace", sonde + ["-o", os.path.join(scratch, "s.prof"), "--", interpreter] + target))
    configs.append(("sonde trace, SONDE_NO_NATIVE=1", sonde + ["-o", os.path.join(scratch, "s.prof"), "--", interpreter] + target, WITHOUT_NATIVE))
    return configs


def measure(label, workload, rounds, lines):
    interpreter = python(label)
    script, size = (os.path.join(WORKLOADS, "trace_lines.py"), 5) if lines else (os.path.join(WORKLOADS, WORKLOAD_FILES[workload][0]), WORKLOAD_FILES[workload][1])
    with tempfile.TemporaryDirectory() as scratch:
        configs = [(config + (None,))[:3] for config in configurations(interpreter, script, size, scratch, lines)]
        plain = [interpreter, script, str(size)]
        times = {name: [] for name, _, _ in configs}
        times["plain"], times["plain again"] = [], []
        for _ in range(rounds):
            times["plain"].append(elapsed(plain))
            for name, command, env in configs:
                times[name].append(elapsed(command, env))
            times["plain again"].append(elapsed(plain))
    reference = "kernprof -l" if lines else "cProfile"
    rows = []
    for name in ["plain"] + ["plain again"] + [name for name, _, _ in configs]:
        row = [label, "lines" if lines else workload, name]
        for clock in (0, 1):
            series = [t[clock] for t in times[name]]
            base = [t[clock] for t in times["plain"]]
            slowdown = statistics.median(t / b for t, b in zip(series, base))
            versus = None
            if reference in times and name not in ("plain", "plain again"):
                versus = statistics.median(t / r[clock] for t, r in zip(series, times[reference]))
            row += [statistics.median(series), slowdown, versus]
        rows.append(row)
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--pythons", default="debian-3.11,3.12,3.13")
    parser.add_argument("--workloads", default="cpu,calls,threads")
    parser.add_argument("--no-lines", action="store_true", help="skip the line-mode comparison")
    args = parser.parse_args()
    subprocess.run([os.path.join(ROOT, "sonde"), "--help"], stdout=subprocess.DEVNULL, check=True)

    print("| Python | workload | profiler | wall (s) | wall vs plain | wall vs reference | CPU (s) | CPU vs plain | CPU vs reference |")
    print("|---|---|---|---:|---:|---:|---:|---:|---:|")
    for label in args.pythons.split(","):
        jobs = [(w, False) for w in args.workloads.split(",")] + ([] if args.no_lines else [("lines", True)])
        for workload, lines in jobs:
            for row in measure(label, workload, args.rounds, lines):
                cells = row[:3]
                for value, slowdown, versus in (row[3:6], row[6:9]):
                    cells += [f"{value:.3f}", f"{slowdown:.2f}", f"{versus:.2f}" if versus is not None else ""]
                print("| " + " | ".join(cells) + " |", flush=True)


if __name__ == "__main__":
    main()
