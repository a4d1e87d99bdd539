"""Burns CPU at the bottom of a recursion so that every sample holds exactly DEPTH Python frames.

    deep_stack.py DEPTH [--seconds S] [--wait]

The frames are <module>, main(), DEPTH-3 calls of descend() and burn(). burn() calls no Python functions, only
builtins implemented in C, which push no interpreter frames, so the depth never changes while it runs.
"""
import argparse
import sys
import time

from _protocol import report, wait_for_start

sys.setrecursionlimit(10_000)


def descend(levels, seconds):
    if levels > 0:
        return descend(levels - 1, seconds)
    return burn(seconds)


def burn(seconds):
    clock = time.perf_counter
    deadline = clock() + seconds
    total = 0
    while clock() < deadline:
        for i in range(2000):
            total += i * i % 13
    return total


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("depth", type=int)
    parser.add_argument("--seconds", type=float, default=4.0)
    parser.add_argument("--wait", action="store_true")
    args = parser.parse_args()
    if args.depth < 4:
        parser.error("depth must be at least 4 (<module>, main, descend, burn)")

    wait_for_start(args.wait)
    wall, cpu = time.perf_counter(), time.process_time()
    # <module>, main() and burn() are three frames; descend(k) makes k + 1 more.
    checksum = descend(args.depth - 4, args.seconds)
    report("deep_stack", wall, cpu, depth=args.depth, checksum=checksum)


if __name__ == "__main__":
    main()
