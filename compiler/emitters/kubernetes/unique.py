"""Every name the Kubernetes objects carry is valid and unique — checked once, at the end.

Phase: emit (after every builder, before the objects are written).
Input: the :class:`Ctx` with its objects (plain-data bodies).
Output: diagnostics; container ``env`` entries whose name Kubernetes refuses are removed,
so they are never written.

Why a pass of its own: the builders clean names with :mod:`compiler.names`, and cleaning
maps distinct source names to one output name (``Web_1``, ``web-1`` and ``WEB.1`` all
become ``web-1``).  Two objects of one kind and one name in one namespace are one object
to the API server (``kubectl apply`` keeps the last), so that is an error at the template
that came second, naming the first, rather than a silent suffix: a Kubernetes user writes
manifests that select and reference these names, and a name that depends on which other
templates exist would move under them (docs/conversion.md, "Names").

Codes: ``k8s-name-collision`` (error, at the later template), ``k8s-env-name`` (error, at
the ``env`` key: a name that is empty, holds ``=``, NUL, a space or starts with a digit),
``k8s-bad-namespace`` (error, at a shipped manifest's ``metadata.namespace`` that is no
DNS-1123 label: a list, a map, a number, upper case).
"""

from __future__ import annotations

from typing import Any, Mapping

from ...diagnostics import Span
from ...names import NameTable, is_dns_label, is_env_name
from .common import ANN_SOURCE, ANN_TEMPLATE, Ctx


def _template_span(ctx: Ctx, template: str) -> Span:
    node = ctx.topology.nodes.get(template)
    if node is not None:
        return node.span
    for attr in ("groups", "policies"):
        found = getattr(ctx.topology, attr, None)
        item = found.get(template) if isinstance(found, dict) else None
        if item is not None and getattr(item, "span", None) is not None:
            return item.span
    return ctx.topology.span


def _pod_spec(body: dict) -> dict | None:
    spec = body.get("spec")
    if not isinstance(spec, dict):
        return None
    template = spec.get("template")
    pod = template.get("spec") if isinstance(template, dict) else None
    return pod if isinstance(pod, dict) else None


def _check_env(ctx: Ctx, body: dict, template: str) -> None:
    pod = _pod_spec(body)
    if pod is None:
        return
    for group in ("initContainers", "containers"):
        for c in pod.get(group) or ():
            env = c.get("env") if isinstance(c, dict) else None
            if not isinstance(env, list):
                continue
            kept: list[Any] = []
            for e in env:
                name = e.get("name") if isinstance(e, dict) else None
                if isinstance(name, str) and is_env_name(name):
                    kept.append(e)
                    continue
                node = ctx.topology.nodes.get(template)
                span = (ctx.value_span(node, "env", name) if node is not None
                        else _template_span(ctx, template))
                ctx.diags.add(
                    "k8s-env-name",
                    f"{template}: environment variable name {name!r} is not one Kubernetes "
                    "accepts (letters, digits, '_', '-', '.', not starting with a digit)",
                    span,
                    hint="rename the variable, e.g. to an upper-case C identifier",
                )
            c["env"] = kept


def _shipped_span(ctx: Ctx, meta: dict) -> Span | None:
    """Where a shipped manifest writes the object's ``metadata.namespace``."""
    source = str((meta.get("annotations") or {}).get(ANN_SOURCE, ""))
    file, _, line = source.rpartition(":")
    if not file or not line.isdigit():
        return None
    for f in ctx.topology.shipped:
        if f.name == file:
            for doc in f.documents:
                span = getattr(doc, "span", None)
                m = doc.get("metadata") if isinstance(doc, Mapping) else None
                if span is not None and span.line == int(line) and isinstance(m, Mapping) \
                        and "namespace" in m and hasattr(m, "value_span"):
                    return m.value_span("namespace")
    return None


def check(ctx: Ctx) -> None:
    """Report colliding object names and bad env names; drop the bad env entries."""
    table: NameTable = NameTable()
    reported: set[tuple[str, str]] = set()
    for obj in ctx.objects:
        body = obj.body
        written = body.get("metadata")
        meta = written if isinstance(written, dict) else {}
        template = str((meta.get("annotations") or {}).get(ANN_TEMPLATE, ""))
        _check_env(ctx, body, template)
        ns = meta.get("namespace")  # a shipped manifest may hold any YAML there
        if ns is not None and not (isinstance(ns, str) and is_dns_label(ns)):
            ctx.diags.add(
                "k8s-bad-namespace",
                f"{obj.kind} {meta.get('name')!r} has the namespace {ns!r}: a namespace is "
                "a DNS-1123 label (lower-case letters, digits and '-', at most 63 "
                "characters), and the API server refuses the object",
                _shipped_span(ctx, meta) or _template_span(ctx, template),
                hint="write one namespace name there, or leave it out and give --namespace")
            ns = repr(ns)
        first = table.claim((obj.kind, ns), str(meta.get("name", "")), template)
        if first is None or (template, first) in reported:
            continue
        reported.add((template, first))
        ctx.diags.add(
            "k8s-name-collision",
            f"templates {first!r} and {template!r} both become {obj.kind} "
            f"{meta.get('name')!r}: Kubernetes names are lower-case DNS labels, and the "
            "API server would keep one object",
            _template_span(ctx, template),
            hint="rename one of them so that their names differ after cleaning "
                 "(lower case, runs of other characters as '-')",
        )
