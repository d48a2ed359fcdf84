"""``make openapi`` (``python -m chalicelib.openapi [out_dir]``): write ``<api>.json`` for every API app.py serves."""
from __future__ import annotations

import json
import sys
from pathlib import Path


def main(argv: list[str]) -> int:
    out = Path(argv[0] if argv else "build/openapi")
    out.mkdir(parents=True, exist_ok=True)
    from app import app
    from chalicelib.openapi import generate
    for api, doc in generate.documents(app).items():
        path = out / f"{api}.json"
        path.write_text(json.dumps(doc, indent=1, ensure_ascii=False, sort_keys=False) + "\n")
        ops = sum(len(v) for v in doc["paths"].values())
        print(f"{path}: {ops} operations, {len(doc['components']['schemas'])} schemas")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
