"""For line timing: two functions to time line by line (`hot`, a tight loop with branches, and `caller`, whose
lines call other functions), and untimed work around them. Under kernprof the two carry @profile; for Sonde
they are chosen with --lines trace_lines:hot --lines trace_lines:caller. Prints `elapsed WALL CPU` (seconds)."""
import builtins
import sys
import time

profile = getattr(builtins, "profile", lambda function: function)


@profile
def hot(n):
    total = 0
    for i in range(n):
        if i % 3 == 0:
            total += i
        elif i % 3 == 1:
            total -= 1
        else:
            total ^= i
    return total


def helper(i):
    return i * 2 + 1


@profile
def caller(n):
    total = 0
    for i in range(n):
        total += helper(i)
    return total


def untimed(n):
    return sum(helper(i) for i in range(n))


def main(size):
    start, cpu = time.perf_counter(), time.process_time()
    for _ in range(size):
        hot(400_000)
        caller(200_000)
        untimed(300_000)
    print("elapsed %.6f %.6f" % (time.perf_counter() - start, time.process_time() - cpu))


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1)
