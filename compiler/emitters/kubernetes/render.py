"""Writing Kubernetes view models as YAML, and checking the result.

Phase: emit (last step of the Kubernetes back end).
Input: a list of :class:`K8sObject` (plain data: dicts, lists, str, int, float, bool,
None — nothing else).
Output: one YAML text per object, written by :mod:`compiler.yamlout` — the one writer
every back end uses — in kubectl's layout (``apiVersion``, ``kind``, ``metadata`` first,
the other keys sorted, block sequences indented under their key).

Safety: every key and scalar goes through ``yamlout.quote``, which writes a string plain
only when every YAML 1.1 and 1.2 reader takes it back as that string, and double-quoted
otherwise; the text is parsed back with libyaml and compared with the view model — the
same single document, the same keys and values, types included — and any difference
raises InternalError (a bug in xfc, never in the input).  ``quote``, ``is_plain_safe``
and ``canonical`` are re-exported from :mod:`compiler.yamlout` for this back end's
modules and tests.

Codes: none.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ...yamlout import as_read, canonical, dump, is_plain_safe, quote, read_back_problem


@dataclass(frozen=True, slots=True)
class K8sObject:
    """One Kubernetes object to write: its file name and its plain-data body."""

    path: str  # "kubernetes/<kind>-<name>.yaml"
    body: dict  # apiVersion, kind, metadata, ...

    @property
    def kind(self) -> str:
        return str(self.body.get("kind", ""))

    @property
    def name(self) -> str:
        return str(self.body.get("metadata", {}).get("name", ""))


# Top-level keys in the order kubectl shows them; the rest follow sorted.
_HEAD = ("apiVersion", "kind", "metadata")


def render(obj: K8sObject) -> str:
    """Write one object as YAML text (one document, no ``---``)."""
    return dump(obj.body, head=_HEAD)


def as_data(obj: K8sObject) -> Any:
    """``obj`` as a reader gives back what :func:`render` writes (bundlers get this,
    never the text to parse again)."""
    return as_read(obj.body, _HEAD)


def check_rendered(obj: K8sObject, text: str) -> str | None:
    """Parse ``text`` back; None when it is exactly ``obj.body``, else what differs."""
    return read_back_problem(obj.body, text)


__all__ = ["K8sObject", "as_data", "canonical", "check_rendered", "is_plain_safe", "quote", "render"]
