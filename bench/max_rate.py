#!/usr/bin/env python3
"""The highest sampling rate Sonde sustains on one busy thread, and austin at the same rates.

    bench/max_rate.py [--rounds 3] [--rates 1000,2000,5000,10000,20000,50000] [--seconds 3] [--pythons 3.12]

The target is workloads/cpu_bound.py running for a fixed time. A rate is sustained when the samples that land
in the workload's own functions, per second of its own elapsed time, reach 90% of the rate asked. Each round
runs plain Python, then every rate with each profiler; the target's throughput (units of work per second) is
compared with the round's plain run, which shows what sampling that fast costs the target on 2 CPUs.
"""
import argparse
import sys

import harness

SUSTAINED = 0.9


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--rates", default="1000,2000,5000,10000,20000,50000")
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--pythons", default="3.12", help="CPythons for Sonde alone; 3.10 always runs with austin")
    args = parser.parse_args()

    sonde = harness.build_sonde()
    rates = [float(r) for r in args.rates.split(",")]
    pythons = {label: harness.python(label) for label in args.pythons.split(",") if label} | {"3.10": harness.python("3.10")}
    plans = {}
    for label in pythons:
        plan = [harness.Profiler("plain")]
        for rate in rates:
            plan.append(harness.Profiler("sonde", rate))
            if label == "3.10" and harness.austin_available():
                plan.append(harness.Profiler("austin", rate))
        plans[label] = plan

    harness.header("Highest sustained rate on one busy thread", sys.argv)
    results = {}
    retried = 0
    for round_index in range(args.rounds):
        for label, path in pythons.items():
            def run_one(profiler):
                run = harness.run(path, harness.workload("cpu_bound.py", "--seconds", args.seconds), profiler,
                                  sonde_cmd=sonde, marker="unit")
                harness.progress(f"round {round_index + 1}/{args.rounds} {label} {profiler.label}: "
                                 f"{on_work_hz(run):.0f} Hz on work, others {run.foreign_cpu_share:.1%}")
                return run
            runs, thrown = harness.run_round(plans[label], run_one)
            retried += thrown
            for profiler, run in zip(plans[label], runs):
                results.setdefault((label, profiler.label), []).append(run)

    rows = []
    verdicts = []
    for label in pythons:
        plain = results[(label, "plain")]
        for kind in ("sonde", "austin"):
            best = None
            for profiler in plans[label]:
                if profiler.kind != kind:
                    continue
                runs = results[(label, profiler.label)]
                achieved = harness.median([on_work_hz(r) for r in runs])
                throughput = harness.median([throughput_of(r) / throughput_of(p) for r, p in zip(runs, plain)])
                if achieved >= SUSTAINED * profiler.rate:
                    best = profiler.rate
                rows.append([
                    label, kind, harness.format_rate(profiler.rate), f"{achieved:.0f}",
                    f"{100 * achieved / profiler.rate:.0f}%",
                    f"{harness.median([r.late / r.ticks if r.ticks else 0 for r in runs]):.1%}",
                    f"{harness.median([r.errors for r in runs]):.0f}",
                    f"{harness.median([cpu_share(r) for r in runs]):.0%}",
                    f"{harness.median([r.sampler_thread_cpu_s / r.samples * 1e6 for r in runs if r.samples]):.1f}"
                    if kind == "sonde" else f"{harness.median([r.process_cpu_s / r.samples * 1e6 for r in runs if r.samples]):.1f}",
                    f"{harness.median([r.sampler_reading_cpu_s / r.samples * 1e6 for r in runs if r.samples]):.1f}"
                    if kind == "sonde" and all(r.sampler_reading_cpu_s for r in runs) else "-",
                    f"{(throughput - 1) * 100:+.1f}%",
                    f"{max(r.foreign_cpu_share for r in runs):.1%}",
                ])
            if best is not None or any(p.kind == kind for p in plans[label]):
                verdicts.append(f"- CPython {label}, {kind}: highest sustained rate "
                                f"{harness.format_rate(best) if best else 'none of those asked'}")
    print(harness.table(["CPython", "profiler", "asked", "Hz on work", "of asked", "late ticks", "errors",
                         "profiler CPU (of one CPU)", "us/sample", "us/sample (reading)", "target throughput", "others (max)"], rows))
    print(f"\nMedians of {args.rounds} rounds of {args.seconds:g} s ({retried} more thrown away because other processes "
          "were busy). \"Hz on work\": samples inside cpu_bound.py's own functions per second of its elapsed time. "
          "\"late ticks\": Sonde's ticks that came more than one interval late; for austin, its \"long sampling\" "
          "count over its samples. \"profiler CPU\": Sonde's sampling thread over the time it sampled; austin's "
          "process over its lifetime. \"us/sample\": that CPU per sample (Sonde's thread, waits and spinning included; "
          "austin's process); \"reading\": the part of Sonde's without the waits. "
          "\"target throughput\": work units per second against the round's plain run.\n")
    print("\n".join(verdicts))


def on_work_hz(run):
    return run.marked_samples / run.target["elapsed_s"] if run.target["elapsed_s"] else 0


def throughput_of(run):
    return run.target["units"] / run.target["elapsed_s"]


def cpu_share(run):
    """Sonde: the sampling thread's CPU over the time it sampled. austin: its process CPU over its lifetime (it
    is one thread, and it samples from attaching to the target's exit)."""
    if run.profiler.startswith("sonde"):
        return run.sampler_thread_cpu_s / run.extra["sonde_seconds"]
    return run.process_cpu_s / run.profiler_wall_s


if __name__ == "__main__":
    main()
