"""Times `sonde report` against Python's pstats loading, sorting and printing the same cProfile file.

Usage: compare.py [--python PYTHON] [--runs 15] [--modules 200] [--functions 100] [--limit 25]
Builds the CLI (through ./sonde), writes the synthetic program (make_program.py) and profiles it with
`PYTHON -m cProfile -o`, then times, in alternating order (A B, B A, ...), the wall time of
  A: PYTHON -c "import pstats; pstats.Stats(FILE).sort_stats('tottime').print_stats(LIMIT)"
  B: dotnet sonde.dll report FILE --sort own --limit LIMIT
with output to /dev/null. Prints each side's median and the median of the per-pair ratios A/B (above 1 means
Sonde is faster), since the machine's speed drifts from run to run.
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


def timed(command):
    start = time.perf_counter()
    subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=True)
    return time.perf_counter() - start


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

    pstats_times, sonde_times, ratios = [], [], []
    for run in range(args.runs):
        if run % 2 == 0:
            a = timed(pstats_side)
            b = timed(sonde_side)
        else:
            b = timed(sonde_side)
            a = timed(pstats_side)
        pstats_times.append(a)
        sonde_times.append(b)
        ratios.append(a / b)

    version = subprocess.run([args.python, "--version"], capture_output=True, text=True).stdout.strip()
    print(f"file: {os.path.getsize(prof):,} bytes, {int(count[0]):,} functions, {int(count[1]):,} caller edges ({version} cProfile)")
    print(f"pstats (load, sort tottime, print {args.limit}): median {statistics.median(pstats_times):.3f} s")
    print(f"sonde report --sort own --limit {args.limit}:   median {statistics.median(sonde_times):.3f} s")
    print(f"ratio pstats/sonde over {args.runs} alternated pairs: median {statistics.median(ratios):.2f}x "
          f"(min {min(ratios):.2f}, max {max(ratios):.2f})")


if __name__ == "__main__":
    main()
