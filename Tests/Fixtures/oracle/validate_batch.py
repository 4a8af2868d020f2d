#!/usr/bin/env python3
"""Check many restrack decisions with validate.py in one process.

    python3 validate_batch.py DECISIONS.jsonl

Each line: {"host": PATH, "request": PATH, "decision": {...}}. Prints one
line per invalid decision ("PATH: reason") and exits 1 if there was any,
0 otherwise. Stdlib only, no Nova.
"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import validate  # noqa: E402


def main():
    bad = 0
    with open(sys.argv[1]) as f:
        for line in f:
            row = json.loads(line)
            with open(row["host"]) as h:
                host = json.load(h)
            with open(row["request"]) as r:
                req = json.load(r)
            why = validate.validate(host, req, row["decision"])
            if why:
                bad += 1
                print("%s: %s" % (row["request"], why))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
