"""One busy thread of pure Python: recursion, loops, dict and string work, a fixed amount of it.

    cpu_bound.py [--units N | --seconds S] [--wait]

--units runs a fixed amount of work (the overhead benchmark compares elapsed times); --seconds keeps working
until that much time has passed (the rate benchmark counts samples per second). Stacks are 3 to ~20 frames deep.
"""
import argparse
import time

from _protocol import report, wait_for_start


def fib(n):
    return n if n < 2 else fib(n - 1) + fib(n - 2)


def sieve(limit):
    flags = [True] * limit
    count = 0
    for i in range(2, limit):
        if flags[i]:
            count += 1
            for j in range(i * i, limit, i):
                flags[j] = False
    return count


def word_counts(words):
    counts = {}
    for word in words:
        counts[word] = counts.get(word, 0) + 1
    return len(counts)


def unit(seed):
    words = [str((seed * 7919 + i * 104729) % 997) for i in range(2000)]
    return fib(18) + sieve(20000) + word_counts(words)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--units", type=int, default=1200)
    parser.add_argument("--seconds", type=float)
    parser.add_argument("--wait", action="store_true")
    args = parser.parse_args()

    wait_for_start(args.wait)
    wall, cpu = time.perf_counter(), time.process_time()
    done, checksum = 0, 0
    if args.seconds is not None:
        deadline = wall + args.seconds
        while time.perf_counter() < deadline:
            checksum += unit(done)
            done += 1
    else:
        for done in range(args.units):
            checksum += unit(done)
        done = args.units
    report("cpu_bound", wall, cpu, units=done, checksum=checksum)


if __name__ == "__main__":
    main()
