"""The schema of config/rules.yaml (rule thresholds), validated on every load.

``RULES_SCHEMA`` declares every section and key the checks read, in the one declaration style
of ``config.schema``. The figures themselves live only in config/rules.yaml: every key here is
required (``ANY``), so the shipped file is the single place a default is written; a site
profile's ``thresholds:`` block overrides it and is checked with it (``config.load_thresholds``).
Only optional parts of list entries (a mandatory column's aliases, a veto item's notes) carry
a default here. ``RULES_RANGES`` bounds the numbers (an unlisted number must not be negative).

``validate_rules(data, where)`` returns the checked copy or raises ``ConfigError`` with one
line, e.g.::

    config/rules.yaml: normative.max_term_yeras: unknown key; did you mean 'max_term_years'?

Semantic checks that need more than a type live beside the rules they serve: the label table
and the fields resolved through it (``config.labels``), the column tables (``config.columns``),
the score indicators (``config.scoring``), the gate assertions (``xunjian.gate``, which owns
their filters).

``ctx.threshold("a.b.c")`` (checks/base.py) reads the validated result; ``schema_has(dotted)``
tells it whether a key is declared, so a misspelt key in code fails loudly instead of reading
nothing.
"""

from __future__ import annotations

from typing import Any

from config.schema import ANY, OMIT, ConfigError, Ranges, validate
from config.scoring import SCORE_SCHEMA

_STRS = ("list[str]", ANY)
_REGEXES = ("list[regex]", ANY)
_INT = ("int", ANY)
_NUM = ("num", ANY)
_REGEX = ("regex", ANY)
_SEVERITY_WORDS = ("info", "warning", "error", "critical")  # checks.base.SEVERITIES (config may not import checks)

# The CI gate (``gate:``): every key optional and left absent when not written, because an
# assertion's meaning depends on which filters it names; xunjian/gate.py (check_config) applies
# the meaning-level rules (known severities, veto alone, level error/warn) on top of this.
_STR_OR_LIST = ("str|list[str]", OMIT)
GATE_SCHEMA: dict[str, Any] = {
    "assertions": [{"name": ("str", OMIT), "level": ("str", OMIT), "max": ("int", OMIT), "veto": ("str", OMIT),
                    "rules": _STR_OR_LIST, "min_severity": ("str", OMIT), "severity": _STR_OR_LIST,
                    "assessment": _STR_OR_LIST, "new_only": ("bool", OMIT), "url_pattern": ("regex", OMIT),
                    "impact": _STR_OR_LIST}],
    "baseline": ("str", OMIT),
}

RULES_SCHEMA: dict[str, Any] = {
    "rules": {"*": {"enabled": ("bool", True)}},
    "links": {
        "unverified_statuses": ("list[int]", ANY),
        "broken_error_classes": _STRS,
        "head_unsupported_statuses": ("list[int]", ANY),
        "bot_wall": {"statuses": ("list[int]", ANY), "servers": _STRS, "headers": ("map[str]", ANY),
                     "signatures": _STRS},
        "anchors": {"ignore_prefixes": _STRS},
        "max_redirect_chain": _INT,
    },
    "soft404": {
        "title_slack_chars": _INT,
        "fingerprint": {"min_containment": _NUM, "max_novelty": _NUM, "chrome_sample_pages": _INT,
                        "chrome_min_share": _NUM, "min_distinct_shingles": _INT, "max_size_ratio": _NUM},
    },
    "aggregate": {"min_ratio": _NUM, "min_pages": _INT, "samples": _INT},
    "crawl": {"max_decode_errors": _INT, "trap_examples": _INT,
              "coverage": {"examples": _INT, "pattern_distinct_titles": _NUM}},
    "assessment": {
        "veto_items": [{"id": ("str", ANY), "title_zh": ("str", ANY), "title_en": ("str", ANY),
                        "rules": _STRS, "note_zh": ("str", ""), "note_en": ("str", ""),
                        # partial: the rules find some of the item's problems (checks/verdict.py)
                        "partial": ("bool", False)}],
        # the 扣分 table and 整改期限 (declared with their meaning-level checks in config/scoring.py)
        "score": SCORE_SCHEMA,
        "deadline_days": ("map[int]", ANY),
    },
    "gate": GATE_SCHEMA,
    "columns": {
        "windows_days": ("map[int]", ANY),
        "veto_v4a": {"types": _STRS, "min_columns": _INT},
        "veto_v4b": {"min_columns": _INT, "window_factor": _NUM},
        "veto_v4c": {"min_columns": _INT},
        "type_keywords": ("map[list[str]]", ANY),
        "discover_min_items": _INT,
        "discover_depth": _INT,
        "discover_max_name_chars": _INT,
        "nav_selectors": _STRS,
        "mandatory": [{"name": ("str", ANY), "aliases": ("list[str]", []), "type": ("str", "static")}],
        "empty_list_markers": _REGEXES,
        "list_container_pattern": _REGEX,
        "home_blocks": {"min_items": _INT, "max_title_chars": _INT,
                        "default_type": ("str", None)},  # null: untyped blocks are skipped
        "max_item_findings_per_column": _INT,
        "scripted_list_markers": _STRS,
    },
    "freshness": {"home_window_days": _INT, "future_tolerance_days": _INT, "publication_date_fields": _STRS},
    "normative": {"valid_words": _STRS, "invalid_words": _STRS, "max_term_years": _INT,
                  "short_terms": ("map[int]", ANY)},
    "labels": ("map[list[str]]", ANY),  # semantic checks: config.labels.validate_labels
    "docmeta": {
        "required_fields": ("dict|list", ANY),  # names resolved through labels: (config.labels)
        "document_genres": _STRS,
        "document_column_types": _STRS,
        "record_title_patterns": _REGEXES,
        "normative_markers": _STRS,
        "empty_values": _STRS,
        "min_fields_for_record": _INT,
        "docno_pattern": _REGEX,
        "docno_year_tolerance_days": _INT,
        "index_no_pattern": _REGEX,
        "latency_working_days": _INT,
        "holidays": _STRS,
        "guide_column": ("str", ANY),
        "guide_fields": ("map[regex]", ANY),
    },
    "identity": {
        "footer_items": {"*": {"patterns": _REGEXES, "markup": ("bool", False)}},
        "site_id_code_pattern": _REGEX,
        "footer_script_patterns": _REGEXES,
        "meta_tags_all_pages": _STRS,
        "zhaocuo_link_patterns": _REGEXES,
        "zhaocuo_text_patterns": _REGEXES,
        "max_sample_pages": _INT,
    },
    "annual_report": {
        "deadline": ("str", ANY),
        "title_pattern": ("str", ANY),
        "templates": [{"from_year": _INT, "name": ("str", ANY), "sections": ("map[regex]", ANY)}],
    },
    "a11y": {
        "impact_severity": ("map[str]", ANY),
        "contrast_severity": ("str", ANY),
        "review_severity": ("str", ANY),
        "review_target_min_px": _INT,
        "max_nodes_in_evidence": _INT,
        "static": {"skip_browser_scanned": ("bool", ANY)},
        "elder": {
            "entry_pages": _STRS,
            "entry_patterns": {"accessibility": _REGEXES, "elder": _REGEXES},
            "min_maximum_scale": _NUM,
            "min_body_text_px": _NUM,
            "min_text_chars": _INT,
            "popup_min_area_ratio": _NUM,
            "bar_min_width_ratio": _NUM,
            "bar_max_height_ratio": _NUM,
            "focus_invisible_min": _INT,
        },
    },
    "privacy": {
        "label_window": _INT,
        "min_birth_year": _INT,
        "id_labels": _STRS,
        "bank_labels": _STRS,
        "not_personal_labels": _STRS,
        "office_numbers": ("list[str|int]", ANY),
        "office_number_min_pages": _INT,
        "attachments": {"enabled": ("bool", ANY), "max_files": _INT, "max_bytes": _INT, "max_pages": _INT,
                        "max_rows": _INT, "timeout_s": _NUM},
        "penalty": {"decision_pattern": _REGEX, "party_labels": _STRS, "min_masked_decisions": _INT,
                    "surnames": ("str", ANY), "compound_surnames": _STRS, "org_suffixes": _STRS,
                    "address_labels": _STRS, "person_address_labels": _STRS, "address_detail": _REGEX,
                    "id_field_labels": _STRS},
    },
    "interaction": {
        "channel_pattern": _REGEX,
        "excluded_pattern": _REGEX,
        "unanswered_pattern": _REGEX,
        "invalid_pattern": _REGEX,
        "reply_window_days": _INT,
        "lookback_days": _INT,
        "update_window_days": _INT,
        "max_message_findings": _INT,
        "labels": {key: _STRS for key in ("title", "asked", "replied", "unit", "status", "type")},
    },
    "services": {
        "entry_pattern": _REGEX,
        "guide_title_pattern": _REGEX,
        "guide_min_elements": _INT,
        "handling_link_pattern": _REGEX,
        "veto_incomplete_share": _NUM,
        "stats_pattern": _REGEX,
        "stats_window_days": _INT,
        "guide_elements": ("map[regex]", ANY),
    },
    "interpretation": {"window_working_days": _INT, "lookback_days": _INT, "title_pattern": _REGEX},
    "hidden_links": {"trusted_suffixes": _STRS},
    "mixed_content": {"production_scheme": ("str", ANY)},
    "wording": {"sentence_chars": _INT, "entries": [{"wrong": ("str", ANY), "right": ("str", ANY), "source": ("str", "")}], "site_entries": [{"wrong": ("str", ANY), "right": ("str", ANY), "source": ("str", "")}]},
    "link_hijack": {"terms": _STRS, "benign_terms": _STRS, "text_min_terms": _INT, "parked_patterns": _REGEXES,
                    "trusted_suffixes": _STRS, "redirect_allow": _STRS},
    "availability": {"key_pages": _INT, "timeout_s": _NUM, "max_bytes": _INT, "window_days": _INT,
                     "min_probes_per_day": _INT, "failure_share": _NUM, "min_coverage": _NUM},
}

_SHARE = (0, 1)
RULES_RANGES: Ranges = {
    "soft404.fingerprint.min_containment": _SHARE,
    "soft404.fingerprint.max_novelty": _SHARE,
    "soft404.fingerprint.chrome_min_share": _SHARE,
    "soft404.fingerprint.max_size_ratio": (1, None),
    "soft404.fingerprint.chrome_sample_pages": (1, None),
    "soft404.fingerprint.min_distinct_shingles": (1, None),
    "aggregate.min_ratio": (0.001, 1),
    "aggregate.min_pages": (2, None),
    "aggregate.samples": (1, None),
    "crawl.coverage.pattern_distinct_titles": _SHARE,
    "columns.discover_min_items": (1, None),
    "columns.discover_depth": (1, None),
    "columns.discover_max_name_chars": (1, None),
    "columns.home_blocks.min_items": (1, None),
    "columns.windows_days": (1, None),
    "normative.max_term_years": (1, None),
    "normative.short_terms": (1, None),
    "services.veto_incomplete_share": _SHARE,
    "a11y.elder.popup_min_area_ratio": _SHARE,
    "a11y.elder.bar_min_width_ratio": _SHARE,
    "a11y.elder.bar_max_height_ratio": _SHARE,
    "privacy.min_birth_year": (1800, 2100),
    "a11y.review_target_min_px": (1, None),
    "interpretation.lookback_days": (1, None),
    "wording.sentence_chars": (20, None),
    "availability.window_days": (1, None),
    "availability.timeout_s": (1, None),
    "availability.failure_share": _SHARE,
    "availability.min_coverage": _SHARE,
}
_CHOICES = {"mixed_content.production_scheme": ("auto", "https", "http"),
            "a11y.contrast_severity": _SEVERITY_WORDS, "a11y.review_severity": _SEVERITY_WORDS}


def validate_rules(data: Any, where: str) -> dict[str, Any]:
    """config/rules.yaml (merged with a profile's ``thresholds:``) checked against ``RULES_SCHEMA``."""
    out = validate(data, RULES_SCHEMA, where, ranges=RULES_RANGES)
    for dotted, allowed in _CHOICES.items():
        section, key = dotted.split(".", 1)
        value = out[section][key]
        if str(value).lower() not in allowed:
            raise ConfigError(f"{where}: {dotted}: {value!r} is not one of {', '.join(allowed)}; use one of them")
    for impact, severity in out["a11y"]["impact_severity"].items():
        if severity not in _SEVERITY_WORDS:
            raise ConfigError(f"{where}: a11y.impact_severity.{impact}: {severity!r} is not a severity; use one "
                              f"of {', '.join(_SEVERITY_WORDS)}")
    for i, item in enumerate(out["annual_report"]["templates"]):
        if not 1990 <= item["from_year"] <= 2100:
            raise ConfigError(f"{where}: annual_report.templates[{i}].from_year: {item['from_year']!r} is not a "
                              "report year; write one like 2019")
    return out


def schema_has(dotted: str) -> bool:
    """Whether ``a.b.c`` is declared in ``RULES_SCHEMA`` (free-key maps accept any name below them)."""
    node: Any = RULES_SCHEMA
    for part in dotted.split("."):
        if isinstance(node, dict) and set(node) == {"*"}:
            node = node["*"]
            continue
        if isinstance(node, tuple):
            return node[0] in ("dict", "any") or node[0].startswith("map[")
        if not isinstance(node, dict) or part not in node:
            return False
        node = node[part]
    return True
