"""Times `sonde report` against Python's pstats loading, sorting and printing the same cProfile file.

Usage: compare.py [--python PYTHON] [--runs 15] [--modules 200] [--functions 100] [--limit 25]
Builds the CLI (through ./sonde), writes the synthetic program (make_program.py) and profiles it with
`PYTHON -m cProfile -o`, then times, in alternating order (A B, B A, ...), the wall time of
  A: PYTHON -c "import pstats; pstats.Stats(FILE).sort_stats('tottime').print_stats(LIMIT)"
  B: dotnet sonde.dll report FILE --sort own --limit LIMIT
with output to /dev/null. Prints each side's median wall and CPU time (user + system of the child alone), and
the medians of the per-pair ratios A/B (above 1 means Sonde is faster), since the machine's speed drifts from
run to run. CPU time is the steadier figure on a busy machine.
"""
import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


def timed(command, env=None):
    """Wall seconds and CPU seconds (user + system, from the kernel's accounting of the child alone)."""
    start = time.perf_counter()
    child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - start
    if status != 0:
        sys.exit(f"bench: {' '.join(command)} failed ({status})")
    return wall, usage.ru_utime + usage.ru_stime


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--python", default="/usr/bin/python3")
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--modules", type=int, default=200)
    parser.add_argument("--functions", type=int, default=100)
    parser.add_argument("--limit", type=int, default=25)
    args = parser.parse_args()

    subprocess.run([os.path.join(ROOT, "sonde"), "--help"], stdout=subprocess.DEVNULL, check=True)
    sonde = ["dotnet", os.path.join(ROOT, ".build", "cli", "sonde.dll")]
    work = tempfile.mkdtemp(prefix="sonde-bench-pstats-")
    program = os.path.join(work, "program")
    prof = os.path.join(work, "big.prof")
    subprocess.run([sys.executable, os.path.join(HERE, "make_program.py"), program,
                    "--modules", str(args.modules), "--functions", str(args.functions)], check=True)
    subprocess.run([args.python, "-m", "cProfile", "-o", prof, os.path.join(program, "main.py")],
                   stdout=subprocess.DEVNULL, check=True, cwd=program)

    count = subprocess.run([args.python, "-c",
                            "import pstats,sys; s=pstats.Stats(sys.argv[1]);"
                            "print(len(s.stats), sum(len(v[4]) for v in s.stats.values()))", prof],
                           capture_output=True, text=True, check=True).stdout.split()
    pstats_side = [args.python, "-c",
                   f"import pstats,sys; pstats.Stats(sys.argv[1]).sort_stats('tottime').print_stats({args.limit})", prof]
    sonde_side = sonde + ["report", prof, "--sort", "own", "--limit", str(args.limit)]
    timed(pstats_side)
    timed(sonde_side)

    pstats_runs, sonde_runs = [], []
    for run in range(args.runs):
        if run % 2 == 0:
            pstats_runs.append(timed(pstats_side))
            sonde_runs.append(timed(sonde_side))
        else:
            sonde_runs.append(timed(sonde_side))
            pstats_runs.append(timed(pstats_side))
    wall_ratios = [a[0] / b[0] for a, b in zip(pstats_runs, sonde_runs)]
    cpu_ratios = [a[1] / b[1] for a, b in zip(pstats_runs, sonde_runs)]

    version = subprocess.run([args.python, "--version"], capture_output=True, text=True).stdout.strip()
    print(f"file: {os.path.getsize(prof):,} bytes, {int(count[0]):,} functions, {int(count[1]):,} caller edges ({version} cProfile)")
    for name, runs in ((f"pstats (load, sort tottime, print {args.limit})", pstats_runs),
                       (f"sonde report --sort own --limit {args.limit}", sonde_runs)):
        print(f"{name}: median wall {statistics.median(r[0] for r in runs):.3f} s, "
              f"median CPU {statistics.median(r[1] for r in runs):.3f} s")
    for name, ratios in (("wall", wall_ratios), ("CPU", cpu_ratios)):
        print(f"{name} ratio pstats/sonde over {args.runs} alternated pairs: median {statistics.median(ratios):.2f}x "
              f"(min {min(ratios):.2f}, max {max(ratios):.2f})")
    print(f"load average at the end: {', '.join(f'{x:.1f}' for x in os.getloadavg())} on {os.cpu_count()} CPUs")


if __name__ == "__main__":
    main()
