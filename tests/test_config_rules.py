"""config/rules.yaml is validated on load like a profile: one line naming file, key and fix.

A broken copy (named by XUNJIAN_RULES) stops ``xunjian run`` before any crawl with exit code 2.
Every threshold key the checks read is declared in the schema and present in the shipped file,
and an undeclared key in code raises instead of reading nothing.
"""

import ast
from pathlib import Path

import pytest
import yaml

from config import CONFIG_DIR, RULES_FILE, ConfigError, load_thresholds
from config.thresholds import schema_has
from xunjian.cli import main
from xunjian.runner import EXIT_ERROR

REPO = Path(__file__).resolve().parent.parent


def _shipped() -> dict:
    return yaml.safe_load(RULES_FILE.read_text(encoding="utf-8"))


def _broken_copy(tmp_path: Path, change) -> Path:
    data = _shipped()
    change(data)
    path = tmp_path / "rules.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def _drop(section: str, key: str):
    return lambda data: data[section].pop(key)


def _set(section: str, key: str, value):
    return lambda data: data[section].__setitem__(key, value)


BROKEN = [
    (_set("freshness", "home_window_days", "two weeks"),
     "freshness.home_window_days: expected a whole number, got 'two weeks'"),
    (_set("normative", "max_term_yeras", 5),
     "normative.max_term_yeras: unknown key; did you mean 'max_term_years'?"),
    (_drop("identity", "site_id_code_pattern"),
     "identity.site_id_code_pattern: required key is missing; add it (a regular expression string)"),
    (_set("services", "entry_pattern", "办事(服务"), "services.entry_pattern: bad regular expression"),
    (_set("aggregate", "min_ratio", 60), "aggregate.min_ratio: 60.0 is out of range; use a number between"),
    (lambda data: data.pop("privacy"), "privacy: required section is missing; add it (keys: label_window, "),
    (_set("mixed_content", "production_scheme", "ftp"), "mixed_content.production_scheme: 'ftp' is not one of"),
]


@pytest.mark.parametrize("change, expected", BROKEN)
def test_broken_rules_file_is_one_line(tmp_path, change, expected):
    path = _broken_copy(tmp_path, change)
    with pytest.raises(ConfigError) as err:
        load_thresholds(rules_file=path)
    assert str(err.value).startswith(f"{path}: {expected}")
    assert "\n" not in str(err.value)


@pytest.mark.parametrize("change, expected", BROKEN[:3])
def test_xunjian_run_stops_on_a_broken_rules_file(tmp_path, monkeypatch, capsys, change, expected):
    """The run refuses before crawling: exit 2, one stderr line naming file, key and fix."""
    monkeypatch.setenv("XUNJIAN_RULES", str(_broken_copy(tmp_path, change)))
    profile = tmp_path / "site.yaml"
    profile.write_text("name: t\nstart_urls: ['http://127.0.0.1:9/']\n", encoding="utf-8")
    code = main(["run", "--site", str(profile), "--db", str(tmp_path / "x.db"), "--out", str(tmp_path / "out"),
                 "--quiet", "--no-browser"])
    err = capsys.readouterr().err.strip()
    assert code == EXIT_ERROR == 2
    assert err.startswith(f"xunjian: config error: {tmp_path / 'rules.yaml'}: {expected}")
    assert len(err.splitlines()) == 1
    assert not (tmp_path / "x.db").exists(), "nothing is crawled or stored with a broken rules file"


def test_profile_thresholds_are_checked_with_the_file(tmp_path):
    profile = tmp_path / "site.yaml"
    profile.write_text("name: t\nstart_urls: ['http://127.0.0.1:9/']\n"
                       "thresholds: {interaction: {reply_window_dayz: 30}}\n", encoding="utf-8")
    from config import load_site
    with pytest.raises(ConfigError, match=r"\(thresholds:\): interaction.reply_window_dayz: unknown key; "
                                          r"did you mean 'reply_window_days'\?"):
        load_thresholds(load_site(profile))


def _threshold_keys_in_code() -> set[str]:
    """Every literal key passed to ctx.threshold(...) / a threshold helper in checks/."""
    keys = set()
    for path in (REPO / "checks").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(node.func, "id", "")) in (
                    "threshold", "_setting", "_int_set", "_str_list", "compile_pattern"):
                args = [a for a in node.args if isinstance(a, ast.Constant) and isinstance(a.value, str)]
                keys.update(a.value for a in args if "." in a.value or schema_has(a.value))
            if isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(node.func, "id", "")) == "threshold":
                assert not node.keywords and len(node.args) == 1, (
                    f"{path.name}:{node.lineno}: ctx.threshold takes the key only; defaults live in config/rules.yaml")
    return keys


def test_every_threshold_key_in_the_checks_is_shipped():
    shipped = load_thresholds()
    keys = _threshold_keys_in_code()
    assert len(keys) >= 40
    for dotted in sorted(keys):
        assert schema_has(dotted), f"{dotted}: read by a check but not declared in config/thresholds.py"
        node = shipped
        for part in dotted.split("."):
            assert isinstance(node, dict) and part in node, f"{dotted}: missing from {CONFIG_DIR}/rules.yaml"
            node = node[part]


def test_an_undeclared_threshold_key_is_a_programming_error():
    from checks.base import CheckContext
    ctx = CheckContext(store=None, run_id=0, site={}, thresholds=load_thresholds(), today=None)
    assert ctx.threshold("normative.max_term_years") == 5
    with pytest.raises(KeyError, match="normative.max_term_yeras.*not declared"):
        ctx.threshold("normative.max_term_yeras")
