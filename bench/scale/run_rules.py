#!/usr/bin/env python3
"""run_rules.py CMD FAMILY N [ENTITLE]: time `entitle CMD` on rules_gen.FAMILY at N, 2N, 4N, 8N."""
import sys, os
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness, rules_gen

cmdname, fam, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
ent = sys.argv[4] if len(sys.argv) > 4 else harness.ENT
steps = int(os.environ.get("STEPS", "4"))
f = rules_gen.FAMILIES[fam]


def gen(k):
    return {"rules": harness.write("%s_%d.rules" % (fam, k), f(k))}


def cmd(files):
    if cmdname == "compile":
        return [ent, "compile", files["rules"], "-o", "/tmp/scale/x.program"]
    return [ent, cmdname, files["rules"]]


harness.measure("%s %s" % (cmdname, fam), gen, cmd, [n * 2 ** i for i in range(steps)])
