"""Site profile validation: every mistake is one line naming the file, the key and the fix."""

from pathlib import Path

import pytest

from config import CONFIG_DIR, ConfigError, load_site, load_thresholds


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "site.yaml"
    path.write_text(text, encoding="utf-8")
    return path


GOOD = "name: t\nstart_urls: ['http://127.0.0.1:9/']\n"


def test_demo_profile_loads_with_defaults(monkeypatch):
    monkeypatch.setenv("XUNJIAN_DEMO_PORT", "12345")
    site = load_site(CONFIG_DIR / "sites" / "demo.yaml")
    assert site.name == "demo"
    assert site.homepage == "http://127.0.0.1:12345/"
    assert site.scope_hosts == {"127.0.0.1:12345"}
    assert site["politeness"]["obey_robots"] is True
    assert site["limits"]["timeout_s"] == 4


def test_env_default_used_when_unset(monkeypatch):
    monkeypatch.delenv("XUNJIAN_DEMO_PORT", raising=False)
    assert load_site(CONFIG_DIR / "sites" / "demo.yaml").homepage == "http://127.0.0.1:8710/"


@pytest.mark.parametrize("text, expected", [
    (GOOD + "limits: {max_pagez: 3}\n", "limits.max_pagez: unknown key; did you mean 'max_pages'?"),
    (GOOD + "limits: {max_pages: many}\n", "limits.max_pages: expected a whole number, got 'many'"),
    (GOOD + "politeness: {obey_robots: 'yes'}\n", "politeness.obey_robots: expected true or false"),
    ("start_urls: ['http://x/']\n", "name: required key is missing"),
    ("name: t\nstart_urls: ['www.example.gov.cn']\n", "start_urls[0]: 'www.example.gov.cn' is not an absolute"),
    (GOOD + "scope: {exclude: ['(unclosed']}\n", "scope.exclude[0]: bad regular expression"),
    ("name: t\n  start_urls: [\n", "YAML syntax error at line"),
    (GOOD + "start_urls: ['http://127.0.0.1/${NO_SUCH_VAR_XJ}']\n", "environment variable NO_SUCH_VAR_XJ"),
    (GOOD + "report: {lang: fr}\n", "report.lang: must be 'zh' or 'en'"),
    ("- just\n- a list\n", "expected a mapping"),
    (GOOD + "politeness: {concurrency: -3}\n", "politeness.concurrency: -3 is out of range; use a number between 1"),
    (GOOD + "limits: {timeout_s: 0}\n", "limits.timeout_s: 0.0 is out of range"),
    (GOOD + "links: {retries: -1}\n", "links.retries: -1 is out of range"),
    (GOOD + "maxpages: 10\n", "maxpages: unknown key; did you mean 'limits.max_pages'?"),
    (GOOD + "limits: {maxpages: 10}\n", "limits.maxpages: unknown key; did you mean 'max_pages'?"),
    ("name: t\nstart_urls: ['http://admin:s3cret@127.0.0.1:9/']\n",
     "start_urls[0]: 'http://***@127.0.0.1:9/' carries a user name/password; remove 'user:pass@' and set auth:"),
    (GOOD + "network: {allow_addresses: ['127.0.0.0/33']}\n", "network.allow_addresses[0]: '127.0.0.0/33' is not an IP"),
    (GOOD + "auth: {username: u}\n", "auth.password_env: not an environment variable name"),
    (GOOD + "auth: {username: u, password_env: '${HOME}'}\n", "auth.password_env: write the variable's name"),
])
def test_bad_profiles_give_one_line_errors(tmp_path, text, expected):
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as err:
        load_site(path)
    message = str(err.value)
    assert expected in message
    assert str(path) in message
    assert "\n" not in message
    assert "s3cret" not in message


def test_no_numeric_setting_accepts_a_negative_number(tmp_path):
    from config import SITE_SCHEMA
    numeric = [(block, key) for block, node in SITE_SCHEMA.items() if isinstance(node, dict)
               for key, leaf in node.items() if leaf[0] in ("int", "num")]
    assert len(numeric) >= 15
    for block, key in numeric:
        path = write(tmp_path, GOOD + f"{block}: {{{key}: -3}}\n")
        with pytest.raises(ConfigError, match=f"{block}.{key}: -3(.0)? is out of range; use a number"):
            load_site(path)


def test_missing_file_names_the_fix(tmp_path):
    with pytest.raises(ConfigError, match="file not found; pass an existing profile"):
        load_site(tmp_path / "nope.yaml")


def test_thresholds_merge_profile_overrides(tmp_path):
    path = write(tmp_path, GOOD + "thresholds: {links: {max_redirect_chain: 9}}\n")
    merged = load_thresholds(load_site(path))
    assert merged["links"]["max_redirect_chain"] == 9
    assert merged["links"]["unverified_statuses"] == [401, 403, 407, 429, 999]
    assert [v["id"] for v in merged["assessment"]["veto_items"]] == ["V1", "V2", "V3", "V4", "V5", "V6"]
