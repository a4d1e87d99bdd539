"""What every workload shares with the harness: an optional start signal and a one-line JSON result.

With --wait the workload prints READY and blocks on stdin until the harness writes a line, so a profiler can
attach first and the timed section is sampled from its first instruction. The result line holds the workload's
own wall and CPU time for the timed section only, so interpreter and profiler start-up never count.
"""
import json
import sys
import time


def wait_for_start(enabled):
    if not enabled:
        return
    sys.stdout.write("READY\n")
    sys.stdout.flush()
    sys.stdin.readline()


def report(workload, started_wall, started_cpu, **extra):
    result = {
        "workload": workload,
        "elapsed_s": time.perf_counter() - started_wall,
        "cpu_s": time.process_time() - started_cpu,
    }
    result.update(extra)
    sys.stdout.write(json.dumps(result) + "\n")
    sys.stdout.flush()
