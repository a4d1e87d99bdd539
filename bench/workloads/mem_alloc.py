"""Allocation-heavy: builds and drops many small objects (dicts, lists, strings), keeping a few. Prints its own
elapsed wall and process CPU time (`elapsed WALL CPU`), so start-up and profiler set-up are left out."""
import sys
import time

try:
    profile  # memory_profiler's line mode defines it
except NameError:
    def profile(function):
        return function

kept = []


@profile
def work(rounds):
    for r in range(rounds):
        batch = [{"id": i, "name": "item-%d" % i, "tags": [i, i + 1]} for i in range(20000)]
        text = ",".join(entry["name"] for entry in batch)
        if r % 10 == 0:
            kept.append(text)
        del batch


rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 30
wall, cpu = time.perf_counter(), time.process_time()
work(rounds)
print("elapsed %.6f %.6f" % (time.perf_counter() - wall, time.process_time() - cpu))
