#!/usr/bin/env python3
"""How long `sonde dump` takes on a small target, measured with hyperfine.

    bench/dump_time.py [--rounds 6] [--runs 5] [--pythons 3.12,3.10] [--compare PATH/sonde.dll:LABEL]

The target (workloads/small_target.py) has three threads asleep in named functions. hyperfine (-N, no shell)
times each command --runs times per round, and the rounds alternate the commands, so a drifting VM affects all
of them alike; the table gives the median over every run. `dotnet sonde.dll --version` is the floor: starting
the .NET runtime and parsing the command line, with nothing read from the target. --compare times another
build's dump as well (e.g. one published with ReadyToRun).
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile

import harness

LIMIT_MS = 100


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--pythons", default="3.12,3.10")
    parser.add_argument("--compare", action="append", default=[], metavar="DLL:LABEL")
    args = parser.parse_args()

    sonde = harness.build_sonde()
    harness.header("`sonde dump` on a small target", sys.argv)
    rows = []
    verdicts = []
    for label in args.pythons.split(","):
        target = subprocess.Popen([harness.python(label), harness.workload("small_target.py")[0]],
                                  stdout=subprocess.PIPE, text=True)
        try:
            if target.stdout.readline().strip() != "READY":
                sys.exit("bench: the small target did not start")
            pid = str(target.pid)
            commands = {
                "sonde dump": [*sonde, "dump", "-p", pid],
                "sonde dump --json": [*sonde, "dump", "-p", pid, "--json"],
                "./sonde dump (script)": [os.path.join(harness.ROOT, "sonde"), "dump", "-p", pid],
                "sonde --version (floor)": [*sonde, "--version"],
            }
            for other in args.compare:
                dll, _, name = other.partition(":")
                commands[f"sonde dump ({name or dll})"] = ["dotnet", dll, "dump", "-p", pid]
            times = {name: {"wall": [], "user": [], "system": []} for name in commands}
            for round_index in range(args.rounds):
                harness.wait_for_quiet()
                for name, measured in hyperfine(commands, args.runs).items():
                    for key in measured:
                        times[name][key] += measured[key]
                harness.progress(f"round {round_index + 1}/{args.rounds} CPython {label}: " + ", ".join(
                    f"{name} {1000 * statistics.median(t['wall']):.0f} ms" for name, t in times.items()))
        finally:
            target.kill()
            target.wait()
        for name, t in times.items():
            wall = [1000 * x for x in t["wall"]]
            rows.append([label, f"`{name}`", f"{statistics.median(wall):.1f}", f"{min(wall):.1f}",
                         f"{statistics.quantiles(wall, n=10)[-1]:.1f}",
                         f"{1000 * statistics.median(t['user']):.1f}", f"{1000 * statistics.median(t['system']):.1f}",
                         len(wall)])
        dump = 1000 * statistics.median(times["sonde dump"]["wall"])
        verdicts.append(f"- CPython {label}: `sonde dump` median {dump:.1f} ms: "
                        + ("met" if dump < LIMIT_MS else f"not met ({dump - LIMIT_MS:.1f} ms over {LIMIT_MS} ms)"))
    print(harness.table(["CPython", "command", "median ms", "min ms", "p90 ms", "user ms", "system ms", "runs"], rows))
    print(f"\nhyperfine -N --warmup 1 --runs {args.runs}, {args.rounds} rounds alternating the commands. "
          "\"sonde\" is `dotnet .build/cli/sonde.dll`, built by ./sonde beforehand.\n")
    print("\n".join(verdicts))


def hyperfine(commands, runs):
    """Times each command; returns per command its wall, user and system seconds for every run."""
    with tempfile.TemporaryDirectory(prefix="sonde-bench-") as tmp:
        export = os.path.join(tmp, "hyperfine.json")
        argv = ["hyperfine", "-N", "--warmup", "1", "--runs", str(runs), "--style", "none", "--export-json", export]
        for name, command in commands.items():
            argv += ["--command-name", name, " ".join(command)]
        subprocess.run(argv, check=True, stdout=subprocess.DEVNULL)
        with open(export) as f:
            results = json.load(f)["results"]
    return {r["command"]: {"wall": r["times"], "user": [r["user"]] * len(r["times"]), "system": [r["system"]] * len(r["times"])}
            for r in results}


if __name__ == "__main__":
    main()
