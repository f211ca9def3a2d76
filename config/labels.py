"""The metadata label table (config/rules.yaml ``labels:``) and the document-metadata settings
that depend on it, validated on load.

``labels:`` maps each canonical field (索引号, 发文机构, 文号 …) to the labels portals print for
it, most specific first; it is the one place every parser (metadata tables, labelled dates,
required fields) learns a label from. Printed labels are compared after deleting whitespace
(ASCII, U+3000, NBSP) and trailing colons, so ``索　引　号：`` and ``文&nbsp;&nbsp;号`` match
``索引号`` and ``文号``. ``LabelTable`` is the compiled form the checks use (``checks._pages``).

``validate_metadata_settings(data, where)`` adds to the type schema of config/rules.yaml
(config.thresholds) what a type cannot say: the label table (every field the checks read
exists; no printed label belongs to two fields), ``docmeta.required_fields`` (by item kind,
names resolved through the table) and ``annual_report.templates`` in year order; ``check_profile_fields`` checks a profile's
``disclosure.required_fields`` against the same table. A problem raises ``ConfigError`` with one
line naming the key and the fix.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

# Canonical fields the checks read by name (checks/disclosure/docmeta.py, normative.py, freshness.py,
# _columns.py): removing one from the table would silently switch a rule off.
FIELDS_READ_BY_CHECKS = ("索引号", "发文机构", "公开类型", "成文日期", "发布日期", "文号", "体裁", "标题",
                         "有效性", "有效期至", "施行日期")
ITEM_KINDS = ("record", "document")
_SPACES = re.compile(r"\s+")


def label_key(text: str) -> str:
    """A printed label reduced for matching: NFKC, no whitespace (U+3000/NBSP included), no
    trailing colon."""
    folded = unicodedata.normalize("NFKC", text or "").replace("\u3000", " ").replace("\xa0", " ")
    return _SPACES.sub("", folded).rstrip(":：")


@dataclass
class LabelTable:
    """Printed label -> (canonical field, rank); rank 0 is the field's most specific label."""

    lookup: dict[str, tuple[str, int]] = field(default_factory=dict)
    variants: dict[str, list[str]] = field(default_factory=dict)
    placeholders: frozenset[str] = frozenset()
    first_chars: frozenset[str] = frozenset()  # a cheap pre-filter: most page text starts otherwise

    @classmethod
    def build(cls, table: dict[str, list[str]] | None, placeholders: list[str] | None = ()) -> "LabelTable":
        lookup: dict[str, tuple[str, int]] = {}
        variants: dict[str, list[str]] = {}
        for canonical, names in (table or {}).items():
            ordered = list(names or [])
            if canonical not in ordered:
                ordered.append(canonical)  # the field's own name matches too, after its listed labels
            variants[canonical] = ordered
            for rank, name in enumerate(ordered):
                lookup.setdefault(label_key(name), (canonical, rank))
        return cls(lookup, variants, frozenset(label_key(p) for p in placeholders or ()),
                   frozenset(key[0] for key in lookup))

    def match(self, printed: str) -> tuple[str, int] | None:
        start = printed.lstrip()[:1]
        if start and start not in self.first_chars:
            if unicodedata.normalize("NFKC", start) not in self.first_chars:
                return None
        return self.lookup.get(label_key(printed))

    def canonical(self, name: str) -> str | None:
        """The canonical field of a name used in config (a canonical name or any printed label)."""
        hit = self.match(name)
        return hit[0] if hit else None

    def is_placeholder(self, value: str) -> bool:
        """无, —, - - … printed where a value would be: the field is absent."""
        return label_key(value) in self.placeholders

    def labels_of(self, fields: list[str]) -> list[str]:
        """Every printed label of these canonical fields, longest first (for text patterns)."""
        out = {name for f in fields for name in self.variants.get(f, [f])}
        return sorted(out, key=len, reverse=True)


_TABLES: dict[int, tuple[Any, Any, LabelTable]] = {}


def label_table(thresholds_get: Any) -> LabelTable:
    """The compiled table of a context (``ctx.threshold``), built once per configuration."""
    table = thresholds_get("labels")
    placeholders = thresholds_get("docmeta.empty_values")
    key = id(table)
    cached = _TABLES.get(key)
    if cached is None or cached[0] is not table or cached[1] is not placeholders:
        cached = _TABLES[key] = (table, placeholders, LabelTable.build(table, placeholders))
    return cached[2]


def _error(where: str, key: str, problem: str) -> Exception:
    from config import ConfigError  # local: config/__init__ imports this module
    return ConfigError(f"{where}: {key}: {problem}")


def _string_list(where: str, key: str, value: Any) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise _error(where, key, f"expected a list of non-empty strings, got {value!r}")
    return value


def validate_labels(table: Any, where: str) -> LabelTable:
    if not isinstance(table, dict) or not table:
        raise _error(where, "labels", "expected a mapping of canonical field -> printed labels, "
                                      "e.g. 文号: [发文字号, 文号, 文件编号]")
    owner: dict[str, str] = {}
    for canonical, names in table.items():
        names = _string_list(where, f"labels.{canonical}", names or [])
        for name in [canonical, *names]:
            key = label_key(name)
            if not key:
                raise _error(where, f"labels.{canonical}",
                             f"label {name!r} is empty once spaces and colons go")
            if owner.get(key, canonical) != canonical:
                raise _error(where, f"labels.{canonical}",
                             f"label {name!r} is also listed under {owner[key]!r}; "
                             "a printed label maps to one field")
            owner[key] = canonical
    lacking = [f for f in FIELDS_READ_BY_CHECKS if f not in table]
    if lacking:
        raise _error(where, "labels", f"missing field(s) {', '.join(lacking)} that the checks read; "
                                      "restore them (an empty list keeps only the field's own name)")
    return LabelTable.build(table)


def resolve_fields(table: LabelTable, spec: Any, where: str, key: str) -> list[str | list[str]]:
    """A required-field list with every name resolved to its canonical field; a nested list
    means "any one of"."""
    if not isinstance(spec, list):
        raise _error(where, key, f"expected a list of field names, got {spec!r}")
    out: list[str | list[str]] = []
    for i, item in enumerate(spec):
        options = item if isinstance(item, list) else [item]
        if not options or not all(isinstance(o, str) for o in options):
            raise _error(where, f"{key}[{i}]", "expected a field name or a list of alternative field names, "
                                               "e.g. [成文日期, 印发日期]")
        resolved = []
        for name in options:
            canonical = table.canonical(name)
            if canonical is None:
                raise _error(where, f"{key}[{i}]", f"{name!r} is not a field or label of the labels: table; "
                                                   "add it there first")
            if canonical not in resolved:
                resolved.append(canonical)
        out.append(resolved if len(resolved) > 1 else resolved[0])
    return out


def required_by_kind(table: LabelTable, spec: Any, where: str, key: str) -> dict[str, list]:
    """``{record: [...], document: [...]}``; a plain list is the record level (older profiles)."""
    if isinstance(spec, list):
        spec = {"record": spec}
    if not isinstance(spec, dict):
        raise _error(where, key, "expected a mapping by item kind, e.g. {record: [索引号, 发文机构], "
                                 "document: [文号, 成文日期]}")
    out = {}
    for kind, fields in spec.items():
        if kind not in ITEM_KINDS:
            raise _error(where, f"{key}.{kind}", f"unknown item kind; use one of {', '.join(ITEM_KINDS)} "
                                                 "(规范性文件 validity is checked by normative:)")
        out[kind] = resolve_fields(table, fields or [], where, f"{key}.{kind}")
    return out


def validate_metadata_settings(data: dict[str, Any], where: str) -> LabelTable:
    """What the type schema (config.thresholds) cannot say about the merged thresholds: the label
    table's integrity, the required fields resolved through it, annual-report templates in year order."""
    table = validate_labels(data.get("labels"), where)
    docmeta = data.get("docmeta") or {}
    if "required_fields" in docmeta:
        required_by_kind(table, docmeta["required_fields"], where, "docmeta.required_fields")
    templates = (data.get("annual_report") or {}).get("templates") or []
    years = [tpl["from_year"] for tpl in templates]
    if years != sorted(set(years)):
        raise _error(where, "annual_report.templates", f"from_year values must increase, got {years}")
    return table


def check_profile_fields(table: LabelTable, disclosure: dict[str, Any], where: str) -> None:
    """The profile's ``disclosure.required_fields`` / ``document_fields`` name known fields."""
    if disclosure.get("required_fields"):
        required_by_kind(table, disclosure["required_fields"], where, "disclosure.required_fields")
    if disclosure.get("document_fields"):
        resolve_fields(table, disclosure["document_fields"], where, "disclosure.document_fields")
