"""The state machine definitions: ASL files in ``infra/statemachines`` with ``${Placeholders}``.

CloudFormation fills the placeholders (``DefinitionSubstitutions``) in AWS; :func:`render` fills them with
the same names locally, so moto executes exactly the file that is deployed.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2] / "infra" / "statemachines"
MACHINES = {"workflow": "workflow.asl.json"}
_PLACEHOLDER = re.compile(r"\$\{([A-Za-z0-9]+)\}")


def source(name: str = "workflow") -> str:
    return (ROOT / MACHINES[name]).read_text(encoding="utf-8")


def placeholders(name: str = "workflow") -> set[str]:
    return set(_PLACEHOLDER.findall(source(name)))


def render(name: str, values: dict) -> str:
    text = source(name)
    missing = placeholders(name) - set(values)
    if missing:
        raise KeyError(f"missing ASL substitutions: {sorted(missing)}")
    text = _PLACEHOLDER.sub(lambda m: str(values[m.group(1)]), text)
    json.loads(text)  # must be valid JSON once filled
    return text
