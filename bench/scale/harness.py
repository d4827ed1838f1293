#!/usr/bin/env python3
"""Scale harness: time a command over generated inputs at N, 2N, 4N, 8N.

  from harness import measure
  measure("name", gen(n) -> dict of files, cmd(files) -> argv list, sizes)
"""
import os, subprocess, sys, tempfile, re

ENT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "src", "entitle")
ENT = os.path.abspath(ENT)
TMP = "/tmp/scale"
os.makedirs(TMP, exist_ok=True)


def run(argv, stdin=None, limit=60):
    cmd = ["/usr/bin/time", "-f", "TIME %e %M", "timeout", str(limit)] + argv
    with open(stdin, "rb") if stdin else open(os.devnull, "rb") as f:
        p = subprocess.run(cmd, stdin=f, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    err = p.stderr.decode("utf-8", "replace")
    m = re.findall(r"TIME ([\d.]+) (\d+)", err)
    t, kb = (float(m[-1][0]), int(m[-1][1])) if m else (None, None)
    err = re.sub(r"(Command exited with non-zero status \d+\n)?TIME [\d.]+ \d+\n?", "", err)
    return p.returncode, t, kb, p.stdout, err


def measure(name, gen, cmd, sizes, stdin=None, limit=int(os.environ.get("LIMIT", "60")), show=300):
    print("== %s" % name, flush=True)
    prev = None
    res = []
    for n in sizes:
        files = gen(n)
        argv = cmd(files)
        rc, t, kb, out, err = run(argv, stdin=files.get("stdin") if stdin else None, limit=limit)
        sz = sum(os.path.getsize(f) for f in files.values() if isinstance(f, str) and os.path.exists(f))
        line = "  n=%-8d bytes=%-10d rc=%-3s %6.2f s %8d KB  out=%dB err=%dB" % (n, sz, rc, t or -1, kb or -1, len(out), len(err))
        if prev and t is not None and prev[0]:
            line += "  ratio t=%.2f m=%.2f" % (t / max(prev[0], 0.005), kb / prev[1])
        print(line, flush=True)
        if err.strip():
            print("     stderr: " + err[:show].replace("\n", "\n     "), flush=True)
        prev = (t, kb)
        res.append((n, rc, t, kb))
        if rc == 124 or (t and t > 55):
            print("  (stopping: timeout)")
            break
    return res


def write(path, text):
    path = os.path.join(TMP, path)
    with open(path, "w") as f:
        f.write(text)
    return path
