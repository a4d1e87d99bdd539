"""Call-heavy: recursion, small methods, closures and built-ins, about three million calls per size unit.
Prints `elapsed WALL CPU` (seconds) for the work alone. Argument: size (default 1)."""
import sys
import time


def fib(n):
    return n if n < 2 else fib(n - 1) + fib(n - 2)


class Vector:
    __slots__ = ("x", "y")

    def __init__(self, x, y):
        self.x = x
        self.y = y

    def add(self, other):
        return Vector(self.x + other.x, self.y + other.y)

    def norm2(self):
        return self.x * self.x + self.y * self.y


def vectors(n):
    total = Vector(0, 0)
    for i in range(n):
        total = total.add(Vector(i, -i))
    return total.norm2()


def words(n):
    counts = {}
    for i in range(n):
        word = str(i % 97)
        counts[word] = counts.get(word, 0) + len(word)
    return max(counts.values())


def main(size):
    start, cpu = time.perf_counter(), time.process_time()
    for _ in range(size):
        fib(24)
        vectors(150_000)
        words(150_000)
    print("elapsed %.6f %.6f" % (time.perf_counter() - start, time.process_time() - cpu))


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1)
