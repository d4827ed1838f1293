#!/usr/bin/env python3
"""bench/diff.py: what 'entitle diff' costs beside one 'entitle eval'.

Generates 100,000 Liverpool cases of 8 provisions (bench/gen.py, seed 1),
compiles rules/send/liverpool.rules and a copy without V2's exception
('unless exceptional_circumstances'), and times, pinned to one core
(taskset -c 0) and writing to a file, the best of --runs runs of:

  eval   entitle eval --jsonl --no-explain OLD < cases
  diff   entitle diff --format jsonl OLD NEW cases
  text   entitle diff --format text OLD NEW cases

and prints each time and its ratio to eval (issue 15 asks diff for at
most 2.5 times eval). Usage: bench/diff.py [--cases N] [--runs R]
"""
import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time

top = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ap = argparse.ArgumentParser()
ap.add_argument("--cases", type=int, default=100000)
ap.add_argument("--runs", type=int, default=3)
args = ap.parse_args()

tmp = tempfile.mkdtemp()
entitle = os.path.join(tmp, "entitle")
shutil.copy(os.path.join(top, "src/entitle"), entitle)
cases = os.path.join(tmp, "cases.jsonl")
with open(cases, "w") as f:
    subprocess.run([sys.executable, os.path.join(top, "bench/gen.py"),
                    "--cases", str(args.cases), "--seed", "1"], stdout=f,
                   check=True)
newdir = os.path.join(tmp, "new")
os.mkdir(newdir)
src = open(os.path.join(top, "rules/send/liverpool.rules")).read()
with open(os.path.join(newdir, "liverpool.rules"), "w") as f:
    f.write(src.replace("  unless exceptional_circumstances\n", ""))
for f in ("national.rules", "liverpool-guide-to-personal-budgets-2018.txt"):
    shutil.copy(os.path.join(top, "rules/send", f), newdir)
old = os.path.join(tmp, "old.program")
new = os.path.join(tmp, "new.program")
subprocess.run([entitle, "compile", os.path.join(top,
                "rules/send/liverpool.rules"), "-o", old], check=True)
subprocess.run([entitle, "compile", os.path.join(newdir, "liverpool.rules"),
                "-o", new], check=True)
pin = ["taskset", "-c", "0"] if shutil.which("taskset") else []


def best(argv, stdin_path=None):
    times = []
    for _ in range(args.runs):
        subprocess.run(["sync"])
        with open(os.path.join(tmp, "out"), "w") as out:
            fin = open(stdin_path) if stdin_path else subprocess.DEVNULL
            t = time.perf_counter()
            r = subprocess.run(pin + argv, stdin=fin, stdout=out)
            times.append(time.perf_counter() - t)
            if stdin_path:
                fin.close()
        if r.returncode not in (0, 1):
            sys.exit(f"{argv[1]} failed with status {r.returncode}")
    return min(times), os.path.getsize(os.path.join(tmp, "out"))


rows = [("eval --jsonl --no-explain OLD",
         best([entitle, "eval", "--jsonl", "--no-explain", old], cases)),
        ("diff --format jsonl OLD NEW",
         best([entitle, "diff", "--format", "jsonl", old, new, cases])),
        ("diff --format text OLD NEW",
         best([entitle, "diff", "--format", "text", old, new, cases]))]
base = rows[0][1][0]
print(f"{args.cases} Liverpool cases of 8 provisions, best of {args.runs}")
print("| command | seconds | bytes written | ratio to eval |")
print("|---|---|---|---|")
for name, (t, size) in rows:
    print(f"| `entitle {name}` | {t:.3f} | {size:,} | {t / base:.2f} |")
shutil.rmtree(tmp)
