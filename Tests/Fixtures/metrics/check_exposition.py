"""Reads a Prometheus text exposition (argv[1]) with prometheus_client's
own parser and checks what that parser forgives: HELP and TYPE once per
name and before its samples, one label order per name, no duplicate series,
a final newline. Prints JSON: {"problems": [...], "families": [...],
"samples": [{"name", "labels", "value"}]}; exits 0 even with problems so
the caller reports them all."""
import json
import re
import sys

from prometheus_client.parser import text_string_to_metric_families

text = open(sys.argv[1], encoding="utf-8").read()
problems = []
helps, types, sampled = set(), set(), set()
name_re = re.compile(r"[a-zA-Z_:][a-zA-Z0-9_:]*")
for number, line in enumerate(text.split("\n"), 1):
    if line == "":
        continue
    if line.startswith("# HELP ") or line.startswith("# TYPE "):
        name = line.split(" ")[2]
        seen = helps if line.startswith("# HELP ") else types
        if name in seen:
            problems.append(f"line {number}: second {line[2:6]} for {name}")
        if name in sampled:
            problems.append(f"line {number}: {line[2:6]} for {name} after its samples")
        seen.add(name)
        continue
    if line.startswith("#"):
        continue
    m = name_re.match(line)
    if not m:
        problems.append(f"line {number}: not a sample: {line[:80]!r}")
        continue
    name = m.group(0)
    if name not in helps or name not in types:
        problems.append(f"line {number}: sample of {name} before its HELP and TYPE")
    sampled.add(name)
if text and not text.endswith("\n"):
    problems.append("no final newline")

families, samples, keys, orders = [], [], set(), {}
for fam in text_string_to_metric_families(text):
    families.append({"name": fam.name, "type": fam.type, "help": fam.documentation})
    for s in fam.samples:
        key = (s.name, tuple(sorted(s.labels.items())))
        if key in keys:
            problems.append(f"duplicate series {s.name}{dict(s.labels)}")
        keys.add(key)
        order = list(s.labels.keys())
        if orders.setdefault(s.name, order) != order:
            problems.append(f"{s.name}: label order {order} differs from {orders[s.name]}")
        samples.append({"name": s.name, "labels": dict(s.labels), "value": s.value})
print(json.dumps({"problems": problems, "families": families, "samples": samples}))
