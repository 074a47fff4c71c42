"""What the mixins of the template resolver read of it, declared once for the type checker.

Phase: resolve.  :class:`~compiler.resolve.templates.TemplateResolver` is built from
three mixins kept in their own modules (:mod:`.binding`, :mod:`.relationships`,
:mod:`.grouping`); each uses state and methods that the resolver or another mixin
defines.  :class:`ResolverHost`, their common base, names those members and their types
so that mypy can follow a value across the split (issue 25, item 5).  At run time it
is an empty class: the annotations create no attributes, and the method stubs exist
only for the type checker.

Codes: none.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Mapping

from ..diagnostics import Diagnostics, Span
from ..loader.quirks import QuirkReporter
from ..loader.yamlpos import PMap

if TYPE_CHECKING:
    from .functions import Context, Evaluator
    from .inputs import InputTable
    from .relationships import _Rel
    from .templates import _Node
    from .types import TypeRegistry


class ResolverHost:
    """The members of :class:`~compiler.resolve.templates.TemplateResolver` its mixins use."""

    # set by TemplateResolver.__init__
    reg: TypeRegistry
    diags: Diagnostics
    quirks: QuirkReporter
    inputs: InputTable
    nodes: dict[str, _Node]
    rel_templates: dict[str, tuple[str, PMap]]
    rel_spans: dict[str, Span]
    rels: dict[str, _Rel]  # by template name or requirement path
    _rel_uses: dict[str, tuple[str, str | None]] | None  # RelationshipsMixin._template_uses
    ev: Evaluator
    _ABSENT: object  # an evaluation failed (reported)

    if TYPE_CHECKING:
        # TemplateResolver's own
        def _check_keys(self, body: PMap, allowed: tuple[str, ...], what: str,
                        path: str) -> None: ...

        def _want_type(self, body: PMap, kind: str, what: str, path: str,
                       span: Span) -> str | None: ...

        def eval_properties(self, pdefs: Mapping[str, Any], raw: Any, ctx: Context, path: str,
                            what: str, span: Span, *, check_required: bool = True,
                            check_unknown: bool = True, missing_quirk: str = ""
                            ) -> tuple[dict[str, Any], dict[str, Span]]: ...

        def value(self, value: Any, pdef: Any, ctx: Context, span: Span, path: str) -> Any: ...

        def capability_of(self, node: str, name: str) -> str | None: ...

        def requirement_target(self, node: str, name: str
                               ) -> tuple[str | None, str | None] | None: ...

        # RelationshipsMixin's
        def add_relationship(self, key: str, type_: str, raw_props: Any, span: Span,
                             path: str, source: str | None, target: str | None,
                             label: str) -> _Rel: ...

        def relationship_properties(self, key: str, span: Span, *, check_required: bool
                                    ) -> tuple[dict[str, Any], dict[str, Span]]: ...

        # GroupsMixin's
        def interfaces(self, raw_owner: PMap, kind: str, type_name: str, ctx: Context,
                       path: str) -> dict[str, Any]: ...
