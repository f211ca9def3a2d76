"""report.json: the report model as is (schema docs/report-schema.json, version in ``schema_version``)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from reports import write_atomic

FILENAME = "report.json"


def render(model: dict[str, Any], out_dir: Path, lang: str) -> Path:
    data = json.dumps(model, ensure_ascii=False, indent=2, default=str, sort_keys=False)
    return write_atomic(out_dir / FILENAME, (data + "\n").encode("utf-8"))
