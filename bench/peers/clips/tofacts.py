#!/usr/bin/env python3
"""Converts JSON Lines cases to CLIPS fact lines for liverpool.clp.

CLIPS has no JSON reader, so the cases are converted once, before timing
(bench/run states that this conversion is excluded). Each case becomes one
(case ...) fact line, one (provision ...) fact line per provision, in plan
order, and a line 'end'. Every field of the case is carried over; amounts
become whole pence; absent booleans become FALSE.

  tofacts.py < cases.jsonl > cases.facts
"""
import json
import sys

CASE_BOOLS = ["personal_budget_requested", "exceptional_circumstances",
              "continuing_care_eligible", "family_disputes_amount"]
PROV_BOOLS = ["universal", "school_placement", "setting_provides",
              "gp_or_emergency_care", "block_contract", "affects_others",
              "employs_household_member", "setting_agrees", "in_request"]


def s(v):
    return '"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"'


def b(v):
    return "TRUE" if v is True else "FALSE"


def pence(a):
    whole, frac = a.split(".")
    return int(whole) * 100 + int(frac)


def main():
    out = sys.stdout
    for line in sys.stdin:
        c = json.loads(line)
        child = c["child"]
        f = ["(case (case_id %s) (authority %s) (decision_date %s)"
             % (s(c["case_id"]), c["authority"], s(c["decision_date"])),
             "(date_of_birth %s)" % s(child["date_of_birth"])]
        if "diagnosis" in child:
            f.append("(diagnosis %s)" % s(child["diagnosis"]))
        f.append("(ehc_stage %s)" % c["ehc_stage"])
        f.append("(short_breaks_assessment %s)" % c["short_breaks_assessment"])
        for k in CASE_BOOLS:
            f.append("(%s %s)" % (k, b(c.get(k))))
        out.write(" ".join(f) + ")\n")
        for n, p in enumerate(c["provisions"]):
            g = ["(provision (seq %d) (id %s) (stream %s) (service %s)"
                 % (n, s(p["id"]), p["stream"], s(p["service"]))]
            if "short_break_service" in p:
                g.append("(short_break_service %s)" % p["short_break_service"])
            g.append("(annual_cost %d)" % pence(p["annual_cost"]))
            for k in PROV_BOOLS:
                g.append("(%s %s)" % (k, b(p.get(k))))
            out.write(" ".join(g) + ")\n")
        out.write("end\n")


if __name__ == "__main__":
    main()
