#!/usr/bin/env python3
"""Generates Liverpool SEND cases as JSON Lines (shared/send/case-format.md).

Deterministic: the same --seed, --cases and --provisions always give the
same bytes. Every field of the format appears; booleans are sometimes
written as false and sometimes left out (absent booleans are false), and
the mixes are chosen so that every Liverpool and national rule fires on a
good share of the cases:

  ehc_stage           all six stages; about 70% at a stage where a budget
                      can be requested (N1)
  universal           ~6% of provisions (N2)
  school_placement    ~25% of education provisions (N3)
  affects_others      ~7% (N4, V1 shared service)
  block_contract      ~8% (V1)
  employs_household_member  ~20% of social care (V2)
  exceptional_circumstances ~10% of cases (V2 exception)
  in_request          ~40% (V3 provision_not_offered)
  personal_budget_requested ~75%, family_disputes_amount ~15% (V3)

Usage: gen.py [--cases N] [--provisions K] [--seed S] [-o FILE]
"""
import argparse
import random
import sys

STAGES = ["none", "needs_assessment", "draft_plan", "plan_maintained",
          "annual_review", "reassessment"]
STAGE_W = [8, 10, 25, 12, 30, 15]
STREAMS = ["education", "health", "social_care", "transport"]
STREAM_W = [35, 25, 28, 12]
SBA = ["none", "self", "common_assessment", "core_assessment",
       "disability_team", "joint_agency"]
SBS = ["home_support", "domiciliary_care", "sessional_support", "childcare",
       "befriending", "family_based_short_break", "overnights", "hospice",
       "residential"]
SERVICES = {
    "education": ["specialist teaching support", "teaching assistant hours",
                  "independent special school placement",
                  "mainstream school place", "educational psychology sessions",
                  "assistive technology", "college placement"],
    "health": ["speech and language therapy", "occupational therapy",
               "physiotherapy", "continence products", "GP appointments",
               "nursing care at home", "CAMHS sessions"],
    "social_care": ["personal assistant", "short break: overnight stay",
                    "sessional support worker", "after-school club",
                    "family-based short break", "home support"],
    "transport": ["travel mileage allowance", "personal travel budget",
                  "taxi to school", "travel training"],
}
DIAGNOSES = ["autism spectrum condition", "cerebral palsy", "Down syndrome",
             "ADHD", "hearing impairment", "visual impairment",
             "global developmental delay"]


def jstr(s):
    # The generated text needs no escaping beyond this.
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def flag(rng, name, p, out):
    """Appends a boolean field: true with probability p; when false, written
    out half of the time and left absent the other half."""
    if rng.random() < p:
        out.append('"%s":true' % name)
    elif rng.random() < 0.5:
        out.append('"%s":false' % name)


def money(rng):
    r = rng.random()
    if r < 0.03:
        pence = 0
    elif r < 0.85:
        pence = rng.randrange(5_000, 2_500_000)        # 50.00 .. 25,000.00
    elif r < 0.99:
        pence = rng.randrange(2_500_000, 8_000_000)    # placements
    else:
        pence = rng.randrange(0, 100_000_000_000)      # up to 999,999,999.99
    return "%d.%02d" % (pence // 100, pence % 100)


def provision(rng, i):
    stream = rng.choices(STREAMS, STREAM_W)[0]
    f = ['"id":"p%d"' % i, '"stream":"%s"' % stream,
         '"service":' + jstr(rng.choice(SERVICES[stream]))]
    if stream == "social_care" and rng.random() < 0.6:
        f.append('"short_break_service":"%s"' % rng.choice(SBS))
    f.append('"annual_cost":"%s"' % money(rng))
    flag(rng, "universal", 0.06, f)
    flag(rng, "school_placement", 0.25 if stream == "education" else 0.0, f)
    flag(rng, "setting_provides", 0.15 if stream == "education" else 0.02, f)
    flag(rng, "gp_or_emergency_care", 0.2 if stream == "health" else 0.0, f)
    flag(rng, "block_contract", 0.08, f)
    flag(rng, "affects_others", 0.07, f)
    flag(rng, "employs_household_member",
         0.2 if stream == "social_care" else 0.02, f)
    flag(rng, "setting_agrees", 0.3, f)
    flag(rng, "in_request", 0.4, f)
    return "{" + ",".join(f) + "}"


def case(rng, n, k):
    y, m, d = rng.randrange(2024, 2027), rng.randrange(1, 13), rng.randrange(1, 29)
    age = rng.randrange(0, 25)
    by, bm, bd = y - age - 1, rng.randrange(1, 13), rng.randrange(1, 29)
    child = '{"date_of_birth":"%04d-%02d-%02d"' % (by, bm, bd)
    if rng.random() < 0.7:
        child += ',"diagnosis":' + jstr(rng.choice(DIAGNOSES))
    child += "}"
    f = ['"case_id":"LIV-%07d"' % n, '"authority":"liverpool"',
         '"decision_date":"%04d-%02d-%02d"' % (y, m, d),
         '"child":' + child,
         '"ehc_stage":"%s"' % rng.choices(STAGES, STAGE_W)[0]]
    flag(rng, "personal_budget_requested", 0.75, f)
    flag(rng, "exceptional_circumstances", 0.10, f)
    flag(rng, "continuing_care_eligible", 0.10, f)
    f.append('"short_breaks_assessment":"%s"' % rng.choice(SBA))
    flag(rng, "family_disputes_amount", 0.15, f)
    f.append('"provisions":[' +
             ",".join(provision(rng, i + 1) for i in range(k)) + "]")
    return "{" + ",".join(f) + "}"


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cases", type=int, default=1000)
    ap.add_argument("--provisions", type=int, default=8,
                    help="provisions per case (default 8)")
    ap.add_argument("--seed", type=int, default=2026)
    ap.add_argument("-o", "--output", default="-")
    a = ap.parse_args()
    # One generator per (seed, provisions): a smaller run is a prefix of a
    # larger one with the same seed and provisions.
    rng = random.Random("%d/%d" % (a.seed, a.provisions))
    out = sys.stdout if a.output == "-" else open(a.output, "w")
    buf = []
    for n in range(1, a.cases + 1):
        buf.append(case(rng, n, a.provisions))
        if len(buf) == 1000:
            out.write("\n".join(buf) + "\n")
            buf = []
    if buf:
        out.write("\n".join(buf) + "\n")
    out.close()


if __name__ == "__main__":
    main()
