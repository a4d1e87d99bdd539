#!/usr/bin/env python3
"""How much `sonde record` slows its target, at 100 Hz and 1 kHz, against plain Python and against austin.

    bench/sampler_overhead.py [--rounds 9] [--rates 100,1000] [--pythons 3.12] [--workloads cpu_bound,threaded]
                              [--no-austin]

Two workloads with a fixed amount of work time themselves: cpu_bound.py (one busy thread) and threaded.py (four
threads of Python work with short sleeps). Every round runs, back to back, plain Python, Sonde and austin at each
rate, then plain Python again; the slowdown of a configuration is the median over rounds of its elapsed time
divided by the mean of the same round's two plain runs. The second plain run divided by the first gives the
same ratio for no profiler at all: the noise floor. austin 1.0 reads CPython up to 3.10 only, so the comparison
with it runs on 3.10 (unless --no-austin); --pythons adds Sonde-only rows for newer interpreters.
"""
import argparse
import sys

import harness

MARKERS = {"cpu_bound.py": "unit", "threaded.py": "worker"}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=9)
    parser.add_argument("--rates", default="100,1000")
    parser.add_argument("--pythons", default="3.12", help="CPythons for Sonde alone; 3.10 always runs with austin")
    parser.add_argument("--workloads", default="cpu_bound,threaded")
    parser.add_argument("--no-austin", action="store_true", help="leave out the 3.10 rows with austin (more rounds in the same time)")
    args = parser.parse_args()

    sonde = harness.build_sonde()
    rates = [float(r) for r in args.rates.split(",")]
    pythons = ({} if args.no_austin else {"3.10": harness.python("3.10")}) | {label: harness.python(label) for label in args.pythons.split(",") if label}
    scripts = [f"{w}.py" for w in args.workloads.split(",")]

    plans = {}
    for label in pythons:
        plan = [harness.Profiler("plain")]
        for rate in rates:
            plan.append(harness.Profiler("sonde", rate))
            if label == "3.10" and harness.austin_available():
                plan.append(harness.Profiler("austin", rate))
        plan.append(harness.Profiler("plain", label="plain again"))
        plans[label] = plan

    harness.header("Target slowdown under the sampler", sys.argv)
    results = {}
    retried = 0
    for round_index in range(args.rounds):
        for label, path in pythons.items():
            for script in scripts:
                def run_one(profiler):
                    run = harness.run(path, harness.workload(script), profiler, sonde_cmd=sonde, marker=MARKERS[script])
                    harness.progress(f"round {round_index + 1}/{args.rounds} {label} {script} {profiler.label}: "
                                     f"{run.target['elapsed_s']:.3f} s, {run.samples} samples, "
                                     f"others {run.foreign_cpu_share:.1%}")
                    return run
                runs, thrown = harness.run_round(plans[label], run_one)
                retried += thrown
                for profiler, run in zip(plans[label], runs):
                    results.setdefault((label, script, profiler.label), []).append(run)

    rows = []
    for label in pythons:
        for script in scripts:
            plain = results[(label, script, "plain")]
            again = results[(label, script, "plain again")]
            for profiler in plans[label]:
                runs = results[(label, script, profiler.label)]
                # A profiled run is compared with the mean of the plain runs that bracket it in its round, so a VM
                # drifting during the round moves both alike; "plain again" is compared with the first plain run.
                wall = [r.target["elapsed_s"] / baseline(p, a, r, "elapsed_s") for r, p, a in zip(runs, plain, again)]
                cpu = [r.target["cpu_s"] / baseline(p, a, r, "cpu_s") for r, p, a in zip(runs, plain, again)]
                low, high = harness.quartiles(wall)
                sampled = profiler.kind != "plain"
                rows.append([
                    label, script.removesuffix(".py"), profiler.label,
                    f"{harness.median([r.target['elapsed_s'] for r in runs]):.3f}",
                    f"{(harness.median(wall) - 1) * 100:+.1f}%" if profiler.label != "plain" else "",
                    f"{(low - 1) * 100:+.1f}% .. {(high - 1) * 100:+.1f}%" if profiler.label != "plain" else "",
                    f"{(harness.median(cpu) - 1) * 100:+.1f}%" if profiler.label != "plain" else "",
                    f"{harness.median([r.samples for r in runs]):.0f}" if sampled else "",
                    f"{harness.median([r.marked_samples / r.target['elapsed_s'] for r in runs]):.0f}" if sampled else "",
                    f"{max(r.foreign_cpu_share for r in runs):.1%}",
                ])
    print(harness.table(["CPython", "workload", "run", "elapsed s (median)", "slowdown (median ratio)",
                         "ratio quartiles", "target CPU change", "samples", "Hz on work", "others (max)"], rows))
    print(f"\n{args.rounds} rounds ({retried} more thrown away because other processes were busy). Slowdown = median over rounds of elapsed / the mean of the round's plain runs before and after it - 1; "
          "\"plain again\" is the noise floor. \"Hz on work\" counts samples inside the workload's own functions per "
          "second of its elapsed time; austin samples idle threads too, Sonde (without --idle) only running ones. "
          "\"others\" is the largest share of the machine that other processes used during one run.")


def baseline(plain, again, run, field):
    if run is again:
        return plain.target[field]
    return (plain.target[field] + again.target[field]) / 2


if __name__ == "__main__":
    main()
