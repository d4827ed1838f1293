#!/usr/bin/env python3
"""run_cases.py MODE FAMILY N [PROGRAM]: time `entitle eval` on cases_gen.FAMILY
at N, 2N, 4N, 8N.  MODE: noexplain | json | text."""
import sys, os, subprocess
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness, cases_gen

mode, fam, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
prog = sys.argv[4] if len(sys.argv) > 4 else "/tmp/scale/grant.program"
if not os.path.exists(prog):
    subprocess.run([harness.ENT, "compile", os.path.join(root, "tests/cli/data/grant.rules"), "-o", prog], check=True)
steps = int(os.environ.get("STEPS", "4"))
f = cases_gen.FAMILIES[fam]
extra = os.environ.get("EXTRA", "").split()


def gen(k):
    return {"case": harness.write("%s_%d.json" % (fam, k), f(k))}


def cmd(files):
    m = {"noexplain": ["--no-explain"], "json": [], "text": ["--format", "text"]}[mode]
    return [harness.ENT, "eval", "--max-items", "100000000", "--max-case-bytes", "1000000000"] + extra + m + [prog, files["case"]]


harness.measure("eval %s %s" % (mode, fam), gen, cmd, [n * 2 ** i for i in range(steps)])
