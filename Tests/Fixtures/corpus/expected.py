#!/usr/bin/env python3
"""Write the oracle's --intended decision for every scenario of a directory.

    ORACLE_VENV/bin/python expected.py ORACLE_DIR SCENARIO_DIR

For each NNNN.host.json / NNNN.request.json pair, runs the oracle's
nova_fit.fit(engine="intended") (Nova 34's own per-cell code, without its
fit_cache defect) and writes NNNN.expected.json: the decision without the
oracle's private "_" keys.
"""
import glob
import json
import os
import sys


def main():
    oracle, scen = sys.argv[1], sys.argv[2]
    sys.path.insert(0, oracle)
    import nova_fit
    nova_fit.load_nova()
    for hp in sorted(glob.glob(os.path.join(scen, "*.host.json"))):
        sid = os.path.basename(hp)[:-len(".host.json")]
        rp = os.path.join(scen, sid + ".request.json")
        with open(hp) as f:
            host = json.load(f)
        with open(rp) as f:
            req = json.load(f)
        dec = nova_fit.fit(host, req, engine="intended")
        dec = {k: v for k, v in dec.items() if not k.startswith("_")}
        with open(os.path.join(scen, sid + ".expected.json"), "w") as f:
            json.dump(dec, f, sort_keys=True)
            f.write("\n")


if __name__ == "__main__":
    main()
