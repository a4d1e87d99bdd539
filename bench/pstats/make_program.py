"""Writes a synthetic Python program with many functions, for a large cProfile file.

Usage: make_program.py DIR [--modules 200] [--functions 100] [--seed 1]
DIR gets modules m0.py ... mN.py, each with FUNCTIONS functions, and main.py, which calls every function once
with a depth of 2. A function of depth d > 0 calls three others chosen at random (fixed by the seed) with
depth d - 1, so the profile has about 3 edges per function across modules, and some recursion.
"""
import argparse
import os
import random


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("directory")
    parser.add_argument("--modules", type=int, default=200)
    parser.add_argument("--functions", type=int, default=100)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    os.makedirs(args.directory, exist_ok=True)
    names = [(m, f) for m in range(args.modules) for f in range(args.functions)]
    for m in range(args.modules):
        lines = []
        imports = set()
        for f in range(args.functions):
            callees = [rng.choice(names) for _ in range(3)]
            lines.append(f"def f{f}(d):")
            lines.append("    x = d * 3 + 1")
            lines.append("    if d > 0:")
            for cm, cf in callees:
                target = f"f{cf}" if cm == m else f"m{cm}.f{cf}"
                if cm != m:
                    imports.add(cm)
                lines.append(f"        x += {target}(d - 1)")
            lines.append("    return x")
            lines.append("")
        header = [f"import m{i}" for i in sorted(imports)]
        with open(os.path.join(args.directory, f"m{m}.py"), "w") as out:
            out.write("\n".join(header + [""] + lines))
    with open(os.path.join(args.directory, "main.py"), "w") as out:
        out.write("import sys\nsys.setrecursionlimit(10000)\n")
        out.write("".join(f"import m{m}\n" for m in range(args.modules)))
        out.write("\n\ndef run():\n")
        for m in range(args.modules):
            out.write(f"    for f in (getattr(m{m}, 'f%d' % i) for i in range({args.functions})):\n        f(2)\n")
        out.write("\n\nrun()\n")


if __name__ == "__main__":
    main()
