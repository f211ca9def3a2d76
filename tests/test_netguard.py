"""Unit tests of the network boundary: the address policy, the after-the-fact check, redaction.

The crawls that exercise the same code end to end are in tests/test_faults_network.py.
"""

from __future__ import annotations

import ipaddress
import logging

import pytest
from scrapy import Request
from scrapy.http import HtmlResponse

from crawler.credentials import PortalAuthMiddleware, RedactingFilter
from crawler.netguard import AddressPolicy, ForbiddenAddress, NetworkGuardMiddleware
from crawler.urls import canonicalize, redact_userinfo, same_portal_host, strip_userinfo


@pytest.mark.parametrize("address, label", [
    ("169.254.169.254", "cloud metadata service (AWS/GCP/Azure/OpenStack)"),
    ("100.100.100.200", "cloud metadata service (Alibaba Cloud)"),
    ("fd00:ec2::254", "cloud metadata service (AWS, IPv6)"),
    ("::ffff:169.254.169.254", "cloud metadata service (AWS/GCP/Azure/OpenStack)"),
    ("169.254.1.1", "link-local"),
    ("fe80::1", "link-local (IPv6)"),
    ("127.0.0.1", "loopback"),
    ("::1", "loopback (IPv6)"),
    ("10.1.2.3", "private network"),
    ("172.31.255.255", "private network"),
    ("192.168.0.1", "private network"),
    ("100.64.0.1", "shared address space (carrier-grade NAT)"),
    ("fd12:3456::1", "unique local address (IPv6 ULA)"),
    ("0.0.0.0", "'this host' (0.0.0.0/8)"),
    ("224.0.0.1", "multicast"),
    ("192.0.2.10", "special-purpose (not a public address)"),
])
def test_internal_and_special_addresses_are_refused_by_default(address, label):
    judgement = AddressPolicy().judge(address, "http://example.test/")
    assert not judgement.allowed and judgement.label == label


@pytest.mark.parametrize("address", ["202.96.209.5", "8.8.8.8", "2400:3200::1"])
def test_public_addresses_are_allowed(address):
    assert AddressPolicy().judge(address, "http://example.test/").allowed


@pytest.mark.parametrize("host", ["169.254.169.254", "2852039166", "0xa9.0xfe.0xa9.0xfe", "0xA9FEA9FE",
                                  "169.254.43518", "0251.0376.0251.0376"])
def test_every_literal_spelling_of_the_metadata_address_is_recognised(host):
    from crawler.netguard import literal_address
    assert literal_address(host) == "169.254.169.254"
    assert literal_address("www.gov.test") is None and literal_address("localhost") is None


def test_the_most_specific_entry_decides():
    policy = AddressPolicy(allow=["127.0.0.0/8", "0.0.0.0/0", "10.0.0.0/8"], deny=["127.0.0.3/32"])
    assert policy.judge("127.0.0.2").allowed                      # allow /8 ties built-in /8: allow wins
    assert not policy.judge("127.0.0.3").allowed                  # deny /32 beats allow /8
    assert policy.judge("10.9.9.9").allowed
    assert not policy.judge("169.254.169.254").allowed            # 0.0.0.0/0 never opens link-local
    assert not AddressPolicy(allow=["169.254.0.0/16"]).judge("169.254.169.254").allowed  # metadata /32
    assert AddressPolicy(allow=["169.254.169.254/32"]).judge("169.254.169.254").allowed
    assert not AddressPolicy(deny=["8.8.8.0/24"]).judge("8.8.8.8").allowed


def test_the_portals_own_host_names_may_be_internal_but_never_metadata():
    policy = AddressPolicy(portal_hosts=["intranet.gov.test:8080", "127.0.0.1:8710"])
    assert policy.judge("10.0.0.5", "http://intranet.gov.test/any").allowed       # any port, same name
    assert policy.judge("127.0.0.1", "http://127.0.0.1:9999/").allowed
    assert not policy.judge("10.0.0.6", "http://oa.gov.test/").allowed           # another internal host
    assert not policy.judge("127.0.0.1", "http://localhost:8710/").allowed       # another name
    assert not policy.judge("169.254.169.254", "http://intranet.gov.test/").allowed


def test_a_response_from_a_forbidden_address_is_dropped_after_the_fact():
    guard = NetworkGuardMiddleware(AddressPolicy())
    request = Request("http://rebound.example.test/")
    ok = HtmlResponse(request.url, body=b"x", request=request, ip_address=ipaddress.ip_address("8.8.8.8"))
    assert guard.process_response(request, ok) is ok
    bad = HtmlResponse(request.url, body=b"x", request=request,
                       ip_address=ipaddress.ip_address("169.254.169.254"))
    with pytest.raises(ForbiddenAddress, match="rebound.example.test resolves to 169.254.169.254"):
        guard.process_response(request, bad)


def test_auth_header_goes_only_to_the_listed_hosts():
    auth = PortalAuthMiddleware(b"Basic eA==", frozenset({"www.gov.test", "127.0.0.1:8710"}))
    for url, sent in [("http://www.gov.test/a", True), ("https://www.gov.test/b", True),
                      ("http://127.0.0.1:8710/", True), ("http://127.0.0.1:8711/", False),
                      ("http://evil.test/www.gov.test/", False), ("http://www.gov.test.evil.test/", False)]:
        request = Request(url)
        auth.process_request(request)
        assert (b"Authorization" in request.headers) is sent, url


def test_userinfo_is_stripped_or_masked_everywhere():
    assert canonicalize("http://u:secret@WWW.gov.test:80/a")[0] == "http://www.gov.test/a"
    assert strip_userinfo("https://u:p@ss@host:8443/x?q#f") == "https://host:8443/x?q#f"
    assert redact_userinfo("see http://u:secret@h/x and ftp://a:b@c/ mail x@y.cn") == \
        "see http://***@h/x and ftp://***@c/ mail x@y.cn"


def test_log_records_are_masked_before_formatting():
    record = logging.LogRecord("scrapy", logging.ERROR, __file__, 1, "fetch %s failed",
                               ("http://a:pw@h/",), None)
    try:
        raise ValueError("while fetching http://a:pw@h/")
    except ValueError:
        import sys
        record.exc_info = sys.exc_info()
    RedactingFilter().filter(record)
    text = logging.Formatter().format(record)
    assert "pw" not in text and "http://***@h/" in text


def test_same_portal_host_ignores_www_and_port_only():
    assert same_portal_host("http://x.gov.cn/", "https://www.x.gov.cn:8443/index.html")
    assert not same_portal_host("http://cgzf.sh.gov.cn/", "http://www.sh.gov.cn/")
    assert not same_portal_host("http://127.0.0.1:1/", "http://127.0.0.2:1/")
    assert not same_portal_host("http://x.gov.cn/", "file:///etc/passwd")
