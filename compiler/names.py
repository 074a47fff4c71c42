"""Names that output formats accept: the one place where xfc cleans and checks them.

Phase: emit (support; every back end and the checks use it).
Input: a source name (a template, wiring, chain, port or file name, any Unicode text).
Output: a name valid for its use, and predicates that tell whether a name is valid.

The rules (Kubernetes API validation, ``k8s.io/apimachinery/pkg/util/validation``):

==================  =====================================================  ==========
use                 rule                                                   cleaner
==================  =====================================================  ==========
DNS-1123 label      ``[a-z0-9]([-a-z0-9]*[a-z0-9])?``, at most 63          dns_label
RFC 1035 label      a DNS-1123 label that starts with a letter (Service)   dns1035_label
DNS-1123 subdomain  DNS-1123 labels joined by ``.``, at most 253           dns_subdomain
label value         empty, or ``[A-Za-z0-9]([-_.A-Za-z0-9]*[A-Za-z0-9])?``,  label_value
                    at most 63
env var name        ``[-._a-zA-Z][-._a-zA-Z0-9]*`` (no ``=``, no NUL)       env_name
port name           IANA_SVC_NAME: ``[a-z0-9-]``, at most 15, a letter,     port_name
                    no ``--``, no ``-`` at either end
==================  =====================================================  ==========

Cleaning maps a source name to a valid one predictably, so a Kubernetes user can guess
it: lower case, every run of other characters becomes one ``-``, ``-`` trimmed at both
ends (``Web_1`` → ``web-1``, ``5G Core`` → ``5g-core``).  Two cases append a stable
hash — 8 hex digits of the source name's sha256, never Python's salted ``hash``, so
every run and machine agrees:

* a name longer than the limit is cut and ends in ``-<hash>``, so two long names that
  share a prefix stay apart;
* a name with nothing left after cleaning (``~``, ``#``, ``веб``, ``ウェブ``) becomes
  ``<fallback>-<hash>`` (``x-1b4f0e98``), so names of only non-ASCII letters do not all
  become one name.

Cleaning still maps distinct source names to one output name (``Web_1``, ``web-1`` and
``WEB.1`` all become ``web-1``); a back end that writes objects from them reports
``k8s-name-collision`` through :class:`NameTable` rather than writing two objects with
one name (kubectl would keep one).  See docs/conversion.md, "Names".

Codes: none here (callers report).
"""

from __future__ import annotations

import hashlib
import posixpath
import re
from dataclasses import dataclass, field
from typing import Any, Generic, Hashable, Mapping, TypeVar

DNS_LABEL_MAX = 63
DNS_SUBDOMAIN_MAX = 253
LABEL_VALUE_MAX = 63
PORT_NAME_MAX = 15
HASH_LEN = 8

_NON_DNS = re.compile(r"[^a-z0-9]+")
_NON_SUBDOMAIN = re.compile(r"[^a-z0-9.]+")
_NON_LABEL_VALUE = re.compile(r"[^A-Za-z0-9_.-]+")
_NON_ENV = re.compile(r"[^A-Za-z0-9_]+")

_DNS_LABEL = re.compile(r"[a-z0-9](?:[-a-z0-9]*[a-z0-9])?\Z")
_RFC1035_LABEL = re.compile(r"[a-z](?:[-a-z0-9]*[a-z0-9])?\Z")
_LABEL_VALUE = re.compile(r"(?:[A-Za-z0-9](?:[-_.A-Za-z0-9]*[A-Za-z0-9])?)?\Z")
_ENV_NAME = re.compile(r"[-._a-zA-Z][-._a-zA-Z0-9]*\Z")
_PORT_NAME = re.compile(r"(?=.*[a-z])[a-z0-9](?:[a-z0-9]|-(?!-))*\Z")


def stable_hash(text: str, length: int = HASH_LEN) -> str:
    """``length`` hex digits of the sha256 of ``text`` (UTF-8, lone surrogates escaped)."""
    return hashlib.sha256(str(text).encode("utf-8", "surrogatepass")).hexdigest()[:length]


def _cut(name: str, source: str, limit: int, strip: str) -> str:
    """``name`` within ``limit`` characters: cut and ``-<hash of source>`` appended."""
    if len(name) <= limit:
        return name
    keep = max(limit - HASH_LEN - 1, 0)
    head = name[:keep].rstrip(strip)
    return f"{head}-{stable_hash(source)}" if head else stable_hash(source, min(limit, 64))


# --------------------------------------------------------------------------- cleaners


def dns_label(text: str, limit: int = DNS_LABEL_MAX, *, fallback: str = "x") -> str:
    """A DNS-1123 label made from ``text``: ``VDU_1`` → ``vdu-1``, ``5G`` → ``5g``.

    Longer than ``limit``: cut, plus ``-`` and the stable hash; nothing left after
    cleaning: ``<fallback>-<hash>``.
    """
    source = str(text)
    name = _NON_DNS.sub("-", source.lower()).strip("-")
    if not name:
        name = f"{fallback}-{stable_hash(source)}"
    return _cut(name, source, limit, "-")


def dns1035_label(text: str, limit: int = DNS_LABEL_MAX, *, fallback: str = "x") -> str:
    """An RFC 1035 label (a Service name): a DNS-1123 label that starts with a letter;
    ``5g-core`` → ``x-5g-core``."""
    name = dns_label(text, limit, fallback=fallback)
    return name if name[0].isalpha() else "x-" + dns_label(text, limit - 2, fallback=fallback)


def dns_subdomain(text: str, limit: int = DNS_SUBDOMAIN_MAX, *, fallback: str = "x") -> str:
    """A DNS-1123 subdomain: DNS-1123 labels joined by dots (``My.Svc_1`` → ``my.svc-1``)."""
    source = str(text)
    name = _NON_SUBDOMAIN.sub("-", source.lower())
    labels = [p for p in (part.strip("-") for part in name.split(".")) if p]
    joined = ".".join(re.sub(r"-{2,}", "-", p) for p in labels)
    if not joined:
        joined = f"{fallback}-{stable_hash(source)}"
    return _cut(joined, source, limit, "-.")


def label_value(text: str) -> str:
    """A label value (≤63, alphanumerics and ``-_.``, alphanumeric at both ends; may be
    empty)."""
    source = str(text)
    value = _NON_LABEL_VALUE.sub("-", source).strip("-_.")
    return _cut(value, source, LABEL_VALUE_MAX, "-_.")


def identifier(text: str, *, fallback: str = "x") -> str:
    """An identifier of ``[A-Za-z0-9._-]`` (ONAP policy and operation ids): other runs
    become ``-``; nothing left: ``<fallback>-<hash>``.  Case is kept."""
    source = str(text)
    name = _NON_LABEL_VALUE.sub("-", source).strip("-")
    return name or f"{fallback}-{stable_hash(source)}"


def env_name(text: str) -> str:
    """An environment variable name made from a template name: ``cache-db`` →
    ``CACHE_DB`` (a C identifier, which every shell and runtime accepts)."""
    source = str(text)
    name = _NON_ENV.sub("_", source).upper().strip("_")
    if not name:
        name = f"X_{stable_hash(source).upper()}"
    return name if not name[0].isdigit() else "_" + name


def port_name(text: str) -> str | None:
    """An IANA service name for a port (≤15 characters, at least one letter), or None
    when ``text`` has no letter to make one from."""
    source = str(text)
    name = _NON_DNS.sub("-", source.lower()).strip("-")
    if not re.search(r"[a-z]", name):
        return None
    return _cut(name, source, PORT_NAME_MAX, "-")


# --------------------------------------------------------------------------- predicates


def is_dns_label(text: str) -> bool:
    """Is ``text`` a DNS-1123 label as given (lower case, ≤63 characters)?"""
    return len(text) <= DNS_LABEL_MAX and bool(_DNS_LABEL.match(text))


def is_dns1035_label(text: str) -> bool:
    return len(text) <= DNS_LABEL_MAX and bool(_RFC1035_LABEL.match(text))


def is_dns_subdomain(text: str) -> bool:
    return len(text) <= DNS_SUBDOMAIN_MAX and all(
        _DNS_LABEL.match(p) for p in text.split(".")) and bool(text)


def is_label_value(text: str) -> bool:
    return len(text) <= LABEL_VALUE_MAX and bool(_LABEL_VALUE.match(text))


def is_env_name(text: str) -> bool:
    """Kubernetes' rule for ``env[].name``: ``[-._a-zA-Z][-._a-zA-Z0-9]*``; so never
    empty, never ``=`` (it would split ``NAME=value``), never NUL or a control character."""
    return bool(_ENV_NAME.match(text))


def is_port_name(text: str) -> bool:
    return len(text) <= PORT_NAME_MAX and bool(_PORT_NAME.match(text))


# --------------------------------------------------------------------------- collisions

K = TypeVar("K", bound=Hashable)


@dataclass
class NameTable(Generic[K]):
    """Output names claimed so far in one scope, each with the source name it came from.

    ``claim(scope, name, source)`` returns None when ``name`` is free in ``scope`` or was
    claimed by the same source, else the source that claimed it first: the caller reports
    the collision (two source names, one output name) at the second source.
    """

    owners: dict[tuple[K, str], str] = field(default_factory=dict)

    def claim(self, scope: K, name: str, source: str) -> str | None:
        first = self.owners.setdefault((scope, name), source)
        return None if first == source else first


__all__ = [
    "DNS_LABEL_MAX", "DNS_SUBDOMAIN_MAX", "LABEL_VALUE_MAX", "PORT_NAME_MAX", "NameTable",
    "dns1035_label", "dns_label", "dns_subdomain", "env_name", "identifier", "is_dns1035_label",
    "is_dns_label", "is_dns_subdomain", "is_env_name", "is_label_value", "is_port_name",
    "label_value", "port_name", "service_name", "stable_hash",
]


# --------------------------------------------------------------------------- the service


def service_name(topology: Any, path: str = "") -> str:
    """The service's name, as a DNS-1123 label.

    ``metadata.template_name`` (or ``name``), else the ``product_name`` of a SOL001 VNF
    node, else the entry file's stem.
    """
    meta = getattr(topology, "metadata", None) or {}
    if isinstance(meta, Mapping):
        for key in ("template_name", "name"):
            if isinstance(meta.get(key), str) and meta[key].strip():
                return dns_label(meta[key], fallback="xfc")
    nodes_of = getattr(topology, "nodes_of", None)
    if nodes_of is not None:
        for vnf in nodes_of("tosca.nodes.nfv.VNF"):
            if isinstance(vnf.properties.get("product_name"), str) and vnf.properties["product_name"].strip():
                return dns_label(vnf.properties["product_name"], fallback="xfc")
    base = posixpath.basename(str(getattr(topology, "file", "") or path).replace("\\", "/"))
    for suffix in (".yaml", ".yml", ".vnfd", ".csar", ".zip"):
        if base.endswith(suffix):
            base = base[: -len(suffix)]
    return dns_label(base, fallback="xfc")
