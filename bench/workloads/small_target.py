"""A small, quiet target for `sonde dump`: the main thread and two workers, each asleep in a named function.

    small_target.py [SECONDS]

Prints READY once every thread is in place, then sleeps until killed or SECONDS pass.
"""
import sys
import threading
import time


def wait_for_work(event):
    event.wait()


def serve_forever(seconds):
    time.sleep(seconds)


def main():
    seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 600
    stop = threading.Event()
    workers = [threading.Thread(target=wait_for_work, args=(stop,), name=f"worker-{i}", daemon=True) for i in range(2)]
    for worker in workers:
        worker.start()
    sys.stdout.write("READY\n")
    sys.stdout.flush()
    serve_forever(seconds)


if __name__ == "__main__":
    main()
