#!/usr/bin/env python3
"""Writes a long --jsonl input for tests/cli/jobs.test.

Usage: gen-mixed.py N

N lines for tests/cli/data/grant.rules, made from the case in
tests/cli/data/ok.json: decided cases, each with its own case_id, dates,
tenure and jobs, so that results out of order would show; cases refused
(an unknown tenure, an applicant born after applying); bad JSON; blank
lines; CRLF line ends; lines of 400 to 600 bytes; a case of about 300 KB
(2500 jobs) and a line of 450 KB that is not JSON, both longer than a
batch of lines; last, a case padded to 280 KB, with no newline after it.
Deterministic: the same N gives the same bytes.
"""
import json
import os
import sys


def main():
    n = int(sys.argv[1])
    here = os.path.dirname(os.path.abspath(__file__))
    with open(os.path.join(here, "data", "ok.json"), encoding="utf-8") as f:
        base = json.load(f)
    seed = 12345

    def rand(k):
        nonlocal seed
        seed = (seed * 1103515245 + 12345) % 2**31
        return (seed >> 8) % k

    def case(i):
        c = dict(base)
        c["case_id"] = "C%d" % i
        c["born_on"] = "%04d-%02d-%02d" % (1930 + rand(90), 1 + rand(12),
                                          1 + rand(28))
        c["tenure"] = ("owner", "tenant", "council_tenant")[rand(3)]
        kinds = ("ramp", "extension", "stairlift")
        c["jobs"] = [{"id": "j%d" % k, "kind": kinds[rand(3)],
                      "cost": "%d.%02d" % (rand(40000), rand(100)),
                      "urgent": rand(2) == 1} for k in range(rand(4))]
        return c

    def text(c):
        return json.dumps(c, separators=(",", ":")).encode()

    out = []
    for i in range(1, n + 1):
        r = rand(100)
        c = case(i)
        if i == n // 3:
            c["jobs"] = [{"id": "b%d" % k, "kind": "ramp",
                          "cost": "%d.00" % k} for k in range(2500)]
            line = text(c)
            line += b" " * (300000 - len(line))
        elif i == n // 2:
            line = b"x" * 450000
        elif i == n:
            line = text(c)
            line += b" " * (280000 - len(line))
        elif r < 60:
            line = text(c)
        elif r < 65:
            c["tenure"] = "castle"
            line = text(c)
        elif r < 68:
            c["born_on"] = "2027-01-01"
            line = text(c)
        elif r < 73:
            line = text(c)[:40 + rand(60)]
        elif r < 78:
            line = b""
        elif r < 85:
            line = text(c) + b"\r"
        elif r < 87:
            line = b"\r"
        else:
            line = text(c)
            line += b" " * (400 + rand(200) - len(line))
        out.append(line)
    sys.stdout.buffer.write(b"\n".join(out))


if __name__ == "__main__":
    main()
