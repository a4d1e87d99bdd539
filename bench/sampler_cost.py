#!/usr/bin/env python3
"""The sampler's own CPU time per sample at stack depths 10, 50 and 200, Sonde against austin.

    bench/sampler_cost.py [--rounds 5] [--rate 1000] [--seconds 3] [--depths 10,50,200] [--pythons 3.11,3.12,3.13]
                          [--distinct] [--compare PATH/sonde.dll:LABEL]

One busy thread (workloads/deep_stack.py) holds exactly DEPTH frames the whole time: one recursive function, or
with --distinct a different function at every level, as in real code. Sonde attaches with
`record -p PID`; austin with `austin -i INTERVAL -p PID` on CPython 3.10, the newest it reads. Each round runs
every configuration once, back to back, and the table gives medians over rounds:
- "thread" is Sonde's sampling thread's CPU (the summary line's "sampler CPU") per sample, waits included;
- "reading" is the part of it spent reading the target and recording, without the waits between ticks (the
  summary's "reading" figure, which Sonde measures on one tick in 16);
- "process" is the whole profiler process's CPU (wait4) per sample: for Sonde it includes .NET start-up, JIT,
  attaching and writing the profile, so it falls as runs grow longer; austin is one C thread and has only this.
--compare adds another build of Sonde (e.g. main's) to every round, to measure a change before and after.
"""
import argparse
import sys

import harness


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--rate", type=float, default=1000)
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--depths", default="10,50,200")
    parser.add_argument("--pythons", default="3.11,3.12,3.13", help="CPythons for Sonde alone; 3.10 always runs with austin")
    parser.add_argument("--distinct", action="store_true", help="a different function at every level of the stack")
    parser.add_argument("--compare", action="append", default=[], metavar="DLL:LABEL")
    args = parser.parse_args()

    sonde = harness.build_sonde()
    depths = [int(d) for d in args.depths.split(",")]
    pythons = {"3.10": harness.python("3.10")} | {label: harness.python(label) for label in args.pythons.split(",") if label}
    profilers = [harness.Profiler("sonde", args.rate)]
    for other in args.compare:
        dll, _, name = other.partition(":")
        profilers.append(harness.Profiler("sonde", args.rate, label=f"sonde {harness.format_rate(args.rate)} ({name or dll})", dll=dll))
    austin = harness.Profiler("austin", args.rate) if harness.austin_available() else None

    harness.header(f"Sampler CPU per sample at {harness.format_rate(args.rate)}", sys.argv)
    floor = harness.primitives()
    if floor:
        print("What the building blocks cost here (tools/primitives.c, CPU per call): "
              + ", ".join(f"{name} {us:.2f} us" for name, us in floor.items()) + "\n")
    results = {}
    retried = 0
    for round_index in range(args.rounds):
        for label, path in pythons.items():
            # Every other round runs the builds in the opposite order, so neither always runs first.
            ordered = profilers if round_index % 2 == 0 else profilers[::-1]
            group = [(depth, p) for depth in depths for p in ordered + ([austin] if austin and label == "3.10" else [])]

            def run_one(config):
                depth, profiler = config
                run = harness.run(path, harness.workload("deep_stack.py", depth, "--seconds", args.seconds, *(["--distinct"] if args.distinct else [])), profiler,
                                  sonde_cmd=sonde, marker="burn", start_at_once=True)
                harness.progress(f"round {round_index + 1}/{args.rounds} {label} depth {depth} {profiler.label}: "
                                 f"{run.samples} samples, {per_sample_us(run, 'process'):.2f} us/sample process"
                                 + (f", {per_sample_us(run, 'thread'):.2f} thread" if profiler.kind == "sonde" else "")
                                 + f", others {run.foreign_cpu_share:.1%}")
                return run
            runs, thrown = harness.run_round(group, run_one)
            retried += thrown
            for (depth, profiler), run in zip(group, runs):
                results.setdefault((label, depth, profiler.label), []).append(run)

    rows = []
    for label in pythons:
        for depth in depths:
            austin_runs = results.get((label, depth, austin.label), []) if austin else []
            for profiler in profilers + ([austin] if austin_runs else []):
                runs = results[(label, depth, profiler.label)]
                sonde_like = profiler.kind == "sonde"
                mine = "thread" if sonde_like else "process"
                ratios = [per_sample_us(r, mine) / per_sample_us(a, "process") for r, a in zip(runs, austin_runs)]
                whole = [per_sample_us(r, "process") / per_sample_us(a, "process") for r, a in zip(runs, austin_runs)]
                rows.append([
                    label, depth, profiler.label,
                    f"{harness.median([r.samples for r in runs]):.0f}",
                    f"{harness.median([on_work_hz(r) for r in runs]):.0f}",
                    f"{harness.median([per_sample_us(r, 'thread') for r in runs]):.2f}" if sonde_like else "-",
                    f"{harness.median([per_sample_us(r, 'reading') for r in runs]):.2f}"
                    if sonde_like and all(r.sampler_reading_cpu_s for r in runs) else "-",
                    f"{harness.median([per_sample_us(r, 'process') for r in runs]):.2f}",
                    f"{harness.median([(r.process_cpu_s - r.sampler_thread_cpu_s) * 1000 for r in runs]):.0f}" if sonde_like else "-",
                    f"{harness.median(ratios):.2f} / {harness.median(whole):.2f}" if austin_runs and sonde_like else "-",
                    f"{max(r.foreign_cpu_share for r in runs):.1%}",
                ])
    print(harness.table(["CPython", "depth", "profiler", "samples", "Hz on work", "us/sample (thread)",
                         "us/sample (reading)", "us/sample (process)", "fixed ms", "vs austin (thread / process)", "others (max)"], rows))
    print(f"\nMedians of {args.rounds} rounds of {args.seconds:g} s each at {harness.format_rate(args.rate)} asked "
          f"({retried} more thrown away because other processes were busy). \"Hz on work\" counts only samples "
          "inside burn() per second of the workload's own time. \"reading\" is the thread's CPU without the waits "
          "between ticks. \"fixed ms\" is Sonde's process CPU outside the "
          "sampling thread (runtime start-up, JIT, attaching, writing the profile). \"vs austin\" is the median of "
          "per-round ratios of Sonde's thread (or whole process) CPU per sample to austin's process CPU per sample.")


def per_sample_us(run, which):
    cpu = {"thread": run.sampler_thread_cpu_s, "reading": run.sampler_reading_cpu_s}.get(which, run.process_cpu_s)
    return cpu / run.samples * 1e6 if run.samples else float("nan")


def on_work_hz(run):
    return run.marked_samples / run.target["elapsed_s"] if run.target["elapsed_s"] else 0


if __name__ == "__main__":
    main()
