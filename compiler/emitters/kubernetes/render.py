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
raises InternalError (a bug in xfc, never in the input).  Within one emit the text of
an object whose template and value kinds were already read back whole is checked as the
writer's own text with each distinct scalar proved (:func:`check_rendered`).
``quote``, ``is_plain_safe`` and ``canonical`` are re-exported from
:mod:`compiler.yamlout` for this back end's modules and tests.

Codes: none.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ...yamlout import (AsRead, as_read, canonical, dump, dump_proved_kinds, is_plain_safe, quote,
                        read_back_problem)


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


def as_data_lazy(obj: K8sObject) -> AsRead:
    """:func:`as_data` as the one document of a file, made on first use (a check or a
    compile reads no object's documents; only bundlers do).  ``obj.body`` must not change
    once rendered."""
    return AsRead(obj.body, _HEAD)


def check_rendered(obj: K8sObject, text: str,
                   shapes: set[tuple[str, frozenset[Any]]] | None = None) -> str | None:
    """None when ``text`` reads back as exactly ``obj.body``, else what differs.

    Without ``shapes``: ``text`` is parsed back whole.  With ``shapes`` (what one emit has
    read back whole so far: (kind, kinds of the scalars written)), ``text`` must be the
    writer's own text of the body, whose distinct scalars are each read back once
    (:func:`compiler.yamlout.dump_proved_kinds`; the layout around them is the writer's
    code, held to whole read-backs by tests/unit/test_yamlout.py); and the first object of
    each template (its kind) and value kinds is also parsed back whole.  The dense 60-CNF
    service has 304 objects of six such shapes: reading every text back was most of this
    back end's last step."""
    if shapes is None:
        return read_back_problem(obj.body, text)
    mine, problem, kinds = dump_proved_kinds(obj.body, head=_HEAD)
    shape = (obj.kind, kinds)
    if shape not in shapes:
        whole = read_back_problem(obj.body, text)
        if whole:
            return whole
    if problem:
        return problem
    if mine != text:
        return "the rendered text is not the writer's text of the object"
    shapes.add(shape)
    return None


__all__ = ["K8sObject", "as_data", "as_data_lazy", "canonical", "check_rendered", "is_plain_safe", "quote", "render"]
