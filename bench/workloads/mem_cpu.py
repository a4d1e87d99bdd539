"""CPU-bound with few allocations: integer arithmetic in a loop. Prints `elapsed WALL CPU`."""
import sys
import time

try:
    profile
except NameError:
    def profile(function):
        return function


@profile
def work(n):
    total = 0
    for i in range(n):
        total = (total + i * i) % 1000003
    return total


n = int(sys.argv[1]) if len(sys.argv) > 1 else 3000000
wall, cpu = time.perf_counter(), time.process_time()
work(n)
print("elapsed %.6f %.6f" % (time.perf_counter() - wall, time.process_time() - cpu))
