"""CPU-bound with few calls: a sieve and arithmetic loops in a handful of functions. Prints `elapsed WALL CPU` (seconds)
for the work alone (interpreter start-up and profiler set-up excluded). Argument: size (default 1)."""
import sys
import time


def sieve(limit):
    flags = bytearray([1]) * (limit + 1)
    flags[0] = flags[1] = 0
    i = 2
    while i * i <= limit:
        if flags[i]:
            for j in range(i * i, limit + 1, i):
                flags[j] = 0
        i += 1
    return sum(flags)


def collatz_longest(limit):
    best, best_n = 0, 0
    for n in range(1, limit):
        steps, x = 0, n
        while x != 1:
            x = x // 2 if x % 2 == 0 else 3 * x + 1
            steps += 1
        if steps > best:
            best, best_n = steps, n
    return best_n


def main(size):
    start, cpu = time.perf_counter(), time.process_time()
    sieve(1_000_000 * size)
    collatz_longest(30_000 * size)
    print("elapsed %.6f %.6f" % (time.perf_counter() - start, time.process_time() - cpu))


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1)
