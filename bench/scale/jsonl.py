#!/usr/bin/env python3
"""jsonl.py FAMILY N: time `entitle eval --jsonl` on grant.rules at N..8N lines."""
import sys, os
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness

fam, n = sys.argv[1], int(sys.argv[2])
prog = "/tmp/scale/grant.program"
extra = os.environ.get("EXTRA", "").split()
ok = '{"case_id": "G-%d", "applied_on": "2026-03-01", "born_on": "1950-06-30", "tenure": "owner", "jobs": [{"id": "a", "kind": "ramp", "cost": "10.00"}]}'
bad = '{"case_id": "G-%d", "applied_on": "2026-03-01", "born_on": "1950-06-30", "tenure": "owner", "jobs": [{"id": "a", "kind": "ramp", "cost": 10}]}'
F = {
    "ok": lambda k: "\n".join(ok % i for i in range(k)) + "\n",
    "bad": lambda k: "\n".join(bad % i for i in range(k)) + "\n",
    "garbage": lambda k: "\n".join("x%d" % i for i in range(k)) + "\n",
    "long_lines": lambda k: "\n".join(("{" + " " * 2000 + "}") for i in range(k)) + "\n",
    "blank": lambda k: "\n" * k,
    "one_long_line": lambda k: ok.replace('"G-%d"', '"' + "x" * k + '"') + "\n",
}


def gen(k):
    return {"stdin": harness.write("jsonl_%s_%d.jsonl" % (fam, k), F[fam](k))}


def cmd(files):
    return [harness.ENT, "eval", "--jsonl"] + extra + [prog]


harness.measure("jsonl %s %s" % (fam, " ".join(extra)), gen, cmd, [n * 2 ** i for i in range(4)], stdin=True)
