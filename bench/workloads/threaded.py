"""Four threads of pure Python work with short sleeps between rounds, as a server's workers would do I/O.

    threaded.py [--rounds N] [--threads 4] [--sleep-ms 2] [--wait]

Each thread runs the same fixed number of rounds; one round is ~2 ms of Python work and a sleep. The threads
share the GIL, so the sampler sees one running thread at a time and the others runnable or asleep.
"""
import argparse
import threading
import time

from _protocol import report, wait_for_start


def spin(n):
    total = 0
    for i in range(n):
        total += i * i % 7
    return total


def shuffle_dict(seed):
    table = {i: (i * seed) % 101 for i in range(300)}
    return sum(v for k, v in table.items() if k % 3)


def worker(rounds, sleep_s, results, index):
    acc = 0
    for r in range(rounds):
        acc += spin(8000) + shuffle_dict(r + index)
        time.sleep(sleep_s)
    results[index] = acc


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=1000)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--sleep-ms", type=float, default=2.0)
    parser.add_argument("--wait", action="store_true")
    args = parser.parse_args()

    wait_for_start(args.wait)
    wall, cpu = time.perf_counter(), time.process_time()
    results = [0] * args.threads
    threads = [
        threading.Thread(target=worker, args=(args.rounds, args.sleep_ms / 1000, results, i), name=f"worker-{i}")
        for i in range(args.threads)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    report("threaded", wall, cpu, threads=args.threads, rounds=args.rounds, checksum=sum(results))


if __name__ == "__main__":
    main()
