"""Multi-threaded: four threads each doing call-heavy work (the GIL interleaves them). Prints `elapsed WALL CPU` (seconds)
for the work alone. Argument: size (default 1)."""
import sys
import threading
import time


def fib(n):
    return n if n < 2 else fib(n - 1) + fib(n - 2)


def parse(n):
    out = []
    for i in range(n):
        out.append(int(str(i)) % 7)
    return sum(out)


def worker(size):
    for _ in range(size):
        fib(20)
        parse(40_000)


def main(size):
    start, cpu = time.perf_counter(), time.process_time()
    threads = [threading.Thread(target=worker, args=(size,), name=f"worker-{i}") for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    print("elapsed %.6f %.6f" % (time.perf_counter() - start, time.process_time() - cpu))


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1)
