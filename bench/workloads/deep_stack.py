"""Burns CPU at the bottom of a recursion so that every sample holds exactly DEPTH Python frames.

    deep_stack.py DEPTH [--seconds S] [--distinct] [--wait]

The frames are <module>, main(), DEPTH-3 calls of descend() and burn(). burn() calls no Python functions, only
builtins implemented in C, which push no interpreter frames, so the depth never changes while it runs. With
--distinct, each level below main() is a function of its own (level_0, level_1, ...), as in real code, where a
deep stack runs many different functions, each with its own code object.
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


def distinct_levels(count):
    """The entry of a chain of COUNT functions, each a code object of its own, the last calling burn()."""
    namespace = {"burn": burn}
    source = "".join(f"def level_{i}(seconds):\n    return level_{i + 1}(seconds)\n" for i in range(count - 1))
    source += f"def level_{count - 1}(seconds):\n    return burn(seconds)\n"
    exec(compile(source, __file__ + ":levels", "exec"), namespace)
    return namespace["level_0"]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("depth", type=int)
    parser.add_argument("--seconds", type=float, default=4.0)
    parser.add_argument("--distinct", action="store_true", help="a different function at every level")
    parser.add_argument("--wait", action="store_true")
    args = parser.parse_args()
    if args.depth < 4:
        parser.error("depth must be at least 4 (<module>, main, descend, burn)")

    wait_for_start(args.wait)
    wall, cpu = time.perf_counter(), time.process_time()
    # <module>, main() and burn() are three frames; descend(k) makes k + 1 more.
    if args.distinct:
        checksum = distinct_levels(args.depth - 3)(args.seconds)
    else:
        checksum = descend(args.depth - 4, args.seconds)
    report("deep_stack", wall, cpu, depth=args.depth, checksum=checksum)


if __name__ == "__main__":
    main()
