"""The report page's HTML: the view (plain data) through ``templates/report/``.

Phase: report (presentation).  Input: the view of :func:`compiler.report.build_view`.
Output: HTML text.  jinja2 with autoescaping on and ``StrictUndefined``: every value the
template writes is escaped; the page's data goes in as JSON through jinja2's ``tojson``
(which escapes ``<``, ``>``, ``&`` and ``'``, so no value can close the ``<script>``);
Graphviz's SVG, already reduced to an allow-list of elements and attributes and written
out escaped by :func:`compiler.report.layout.sanitise_svg`, is the one value marked safe.

Codes: none.
"""

from __future__ import annotations

import functools
from typing import Any

from ..resources import templates_dir


@functools.lru_cache(maxsize=1)
def _environment():
    import jinja2

    return jinja2.Environment(loader=jinja2.FileSystemLoader(str(templates_dir() / "report")),
                              undefined=jinja2.StrictUndefined, autoescape=True,
                              keep_trailing_newline=True, trim_blocks=True, lstrip_blocks=True)


def render(view: dict[str, Any]) -> str:
    from markupsafe import Markup

    graph = view.get("graph")
    svg = Markup(graph["svg"]) if graph and graph.get("svg") else None
    return _environment().get_template("report.html.j2").render(view=view, svg=svg)


__all__ = ["render"]
