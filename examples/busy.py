"""A small program with a few hot spots to try Sonde on: sonde record -o profile.svg -- python3 examples/busy.py"""
import json
import re
import threading


def parse_records(count):
    pattern = re.compile(r"(\w+)=(\d+)")
    total = 0
    for i in range(count):
        line = f"id={i} size={i * 7 % 1000} weight={i % 13}"
        total += sum(int(value) for _, value in pattern.findall(line))
    return total


def encode_documents(count):
    documents = [{"id": i, "tags": ["a", "b", "c"][: i % 3 + 1], "score": i / 7} for i in range(count)]
    return len(json.dumps(documents))


def fibonacci(n):
    return n if n < 2 else fibonacci(n - 1) + fibonacci(n - 2)


def background_work():
    for _ in range(3):
        fibonacci(22)


def main():
    worker = threading.Thread(target=background_work, name="fib-worker")
    worker.start()
    for _ in range(3):
        parse_records(40_000)
        encode_documents(40_000)
        fibonacci(24)
    worker.join()


if __name__ == "__main__":
    main()
