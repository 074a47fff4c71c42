"""compiler.names: every cleaner's output satisfies its predicate; hashes are stable."""

from __future__ import annotations

import random

import pytest

from compiler import names

ALPHABET = "aZ09-_. :/#~éウ\u0085\x00=" + "x" * 5


def _samples() -> list[str]:
    rng = random.Random(7)
    out = ["", "-", "~", "#x", "веб", "ウェブ", "Web_1", "web-1", "WEB.1", "1e3", "x" * 300,
           "9" * 80, "a" * 62 + "-b", "-a-", "a..b", "..", "A=B", "\x00"]
    for _ in range(2000):
        out.append("".join(rng.choice(ALPHABET) for _ in range(rng.choice((1, 3, 10, 70, 300)))))
    return out


SAMPLES = _samples()


def test_cleaners_always_give_valid_names():
    for s in SAMPLES:
        assert names.is_dns_label(names.dns_label(s)), s
        assert names.is_dns1035_label(names.dns1035_label(s)), s
        assert names.is_dns_subdomain(names.dns_subdomain(s)), s
        assert names.is_label_value(names.label_value(s)), s
        assert names.is_env_name(names.env_name(s)), s
        p = names.port_name(s)
        assert p is None or names.is_port_name(p), s


def test_cleaning_is_predictable_for_ordinary_names():
    assert names.dns_label("Web_1") == names.dns_label("web-1") == names.dns_label("WEB.1") == "web-1"
    assert names.dns_subdomain("My.Svc_1") == "my.svc-1"
    assert names.label_value("a b/c") == "a-b-c"
    assert names.env_name("cache-db") == "CACHE_DB" and names.env_name("5g") == "_5G"
    assert names.port_name("SIP_TLS") == "sip-tls" and names.port_name("8080") is None
    assert names.identifier("a b.c_d") == "a-b.c_d"


def test_a_name_with_nothing_left_keeps_a_hash_of_itself():
    a, b = names.dns_label("веб"), names.dns_label("апп")
    assert a != b and a.startswith("x-") and len(a) == 10
    assert names.dns_label("~", fallback="chain").startswith("chain-")
    assert names.dns_label("веб") == a  # stable


def test_cut_names_end_in_the_hash_of_the_full_name():
    a, b = names.dns_label("x" * 70 + "a"), names.dns_label("x" * 70 + "b")
    assert a != b and len(a) == len(b) == 63 and a[:54] == "x" * 54
    assert a.endswith(names.stable_hash("x" * 70 + "a"))
    assert names.port_name("5g-n2-interfaces") == "5g-n2-" + names.stable_hash("5g-n2-interfaces")
    assert len(names.label_value("v" * 100)) == 63
    assert len(names.dns_subdomain("a." * 200)) <= 253


@pytest.mark.parametrize("bad", ["", "A=B", "a\x00b", "1ST", "with space", "a\nb", "é"])
def test_env_names_kubernetes_refuses(bad):
    assert not names.is_env_name(bad)


@pytest.mark.parametrize("good", ["A", "_a", "dotted.name", "with-dash", "X_1"])
def test_env_names_kubernetes_accepts(good):
    assert names.is_env_name(good)


def test_name_table_reports_the_first_owner():
    t: names.NameTable = names.NameTable()
    assert t.claim("Deployment", "web-1", "WEB.1") is None
    assert t.claim("Deployment", "web-1", "WEB.1") is None  # same source: no collision
    assert t.claim("Service", "web-1", "Web_1") is None  # another scope
    assert t.claim("Deployment", "web-1", "Web_1") == "WEB.1"
