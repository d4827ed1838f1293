#!/usr/bin/env python3
"""Checks that a peer decided every case as entitle did.

Compares, line by line and case by case, the decisions of a peer's output
with entitle's (both JSON Lines, one result per case, in input order):
case_id, may_request, every provision's included and direct_payment,
every budget amount, direct_payment_total and appeal_grounds. Amounts are
compared exactly, as pence. The policy digest and explanations are not
compared. A peer that ran on the first N cases only is compared on those.

  check.py ENTITLE.jsonl PEER.jsonl [--limit N]

Exit status 0 when every case agrees, 1 otherwise (the first differences
are printed).
"""
import argparse
import json
import sys


def pence(s):
    whole, _, frac = s.partition(".")
    if len(frac) != 2 or not whole.isdigit() or not frac.isdigit():
        raise ValueError("bad amount %r" % s)
    return int(whole) * 100 + int(frac)


def normal(line):
    """The compared part of one result line, or ('error', ...)."""
    r = json.loads(line)
    if "decisions" not in r:
        return ("error", r.get("error"))
    d = r["decisions"]
    return (
        r.get("case_id"),
        d["may_request"],
        tuple((k, v["included"], v["direct_payment"])
              for k, v in d["provisions"].items()),
        tuple(sorted((k, pence(v)) for k, v in d["budget"].items())),
        pence(d["direct_payment_total"]),
        tuple(sorted(d.get("appeal_grounds", []))),
    )


def decisions_text(line):
    """The raw text of case_id and decisions, for a fast exact match."""
    line = line.rstrip()
    i = line.find('"decisions":')
    j = line.find(',"explanations":', i)
    # Without explanations the decisions close the line: drop the final '}'.
    return line[:line.find(',"policy":')], line[i:j if j >= 0 else len(line) - 1]


def compare(ref_path, peer_path, limit=None, show=5):
    """Returns (cases compared, list of differences as text)."""
    diffs = []
    n = 0
    with open(ref_path) as ref, open(peer_path) as peer:
        for n_ref, (a, b) in enumerate(zip(ref, peer), 1):
            if limit is not None and n_ref > limit:
                break
            n = n_ref
            a = a.rstrip("\n")
            b = b.rstrip("\n")
            # Same bytes for id and decisions: equal, without parsing.
            if decisions_text(a) == decisions_text(b):
                continue
            try:
                na, nb = normal(a), normal(b)
            except (ValueError, KeyError, TypeError) as e:
                na, nb = a, "unreadable: %s: %s" % (e, b[:200])
            if na != nb:
                diffs.append("line %d:\n  entitle: %s\n  peer:    %s"
                             % (n_ref, na, nb))
    # Both files must have the same number of results.
    with open(ref_path) as ref:
        nref = sum(1 for _ in ref)
    with open(peer_path) as peer:
        npeer = sum(1 for _ in peer)
    want = nref if limit is None else min(limit, nref)
    if npeer != want:
        diffs.append("entitle has %d results, the peer %d" % (want, npeer))
    return n, diffs


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("entitle")
    ap.add_argument("peer")
    ap.add_argument("--limit", type=int)
    a = ap.parse_args()
    n, diffs = compare(a.entitle, a.peer, a.limit)
    if diffs:
        print("%s: %d of %d cases differ" % (a.peer, len(diffs), n))
        for d in diffs[:5]:
            print(d)
        sys.exit(1)
    print("%s: all %d cases agree" % (a.peer, n))


if __name__ == "__main__":
    main()
