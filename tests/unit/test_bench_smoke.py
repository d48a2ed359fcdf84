"""``bench.perf`` at its smoke size (``--quick``): the program runs end to end on the local stack and prints every
section of the table. No timing is asserted."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SECTIONS = ("Cold start per API package", "Latency under load", "List latency", "Jobs through the state machine",
            "Memory of large uploads")


def test_perf_quick_prints_the_table(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "EDGEPLANE_", "MOTO"))}
    out = tmp_path / "latest.json"
    p = subprocess.run([sys.executable, "-m", "bench.perf", "--quick", "--json", str(out)], cwd=ROOT, env=env,
                       capture_output=True, text=True, timeout=180)
    assert p.returncode == 0, p.stdout[-3000:] + p.stderr[-3000:]
    for title in SECTIONS:
        assert title in p.stdout
    r = json.loads(out.read_text(encoding="utf-8"))
    assert [c["api"] for c in r["cold_start"]] == ["edgeplane"]
    assert {(x["api"], x["kind"]) for x in r["load"]} == {("edgeplane", "read"), ("edgeplane", "write")}
    for x in r["load"]:
        assert x["p50"] <= x["p95"] <= x["p99"] and x["raw_p50"] > 0 and x["ops"] != "-"
    assert sorted({x["items"] for x in r["lists"]}) == [100, 150]
    assert {x["page"] for x in r["lists"]} == {"first", "middle"}
    # a page's Query reads exactly one page of items whatever the partition holds (a count, not a timing)
    # the endpoint's own store calls (recorded in-process), not a hand-written Query: one Query, no Scan
    assert all(x["scanned"] == x["limit"] for x in r["lists"]), r["lists"]
    assert all("Query" in x["ops"] and "Scan" not in x["ops"] for x in r["lists"]), r["lists"]
    assert r["jobs"]["jobs"] == 1 and r["jobs"]["per_minute"] > 0
    assert [u["size_mib"] for u in r["uploads"]["presigned"]] == [1, 2]
    assert all(u["recorded_size"] == u["size_mib"] * 1024 * 1024 for u in r["uploads"]["presigned"])
    md = out.with_suffix(".md").read_text(encoding="utf-8")
    assert md.count("| API |") == 2 and "Machine:" in md
