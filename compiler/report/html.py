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


PACK_ABOVE = 1024 * 1024  # page data larger than this is embedded gzip-compressed


def _data(view: dict[str, Any]) -> tuple[str, Any]:
    """The page's data as (encoding, text): JSON as it is, or, above ``PACK_ABOVE``
    bytes, JSON gzip-compressed (no timestamp: the same bytes every run) and base64
    encoded, which the page's script unpacks with the browser's own DecompressionStream
    on the first click.  At 60 CNFs the data is 5 MB of texts that repeat 60-name orders;
    packed, the page opens in a fraction of the time."""
    import base64
    import gzip
    import json

    from markupsafe import Markup

    text = json.dumps(view["data"], separators=(",", ":"), sort_keys=True)
    if len(text) <= PACK_ABOVE:
        # inside <script>: no value may close it or open a comment; JSON reads the
        # escapes back as the same characters
        safe = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
        return "json", Markup(safe)
    packed = gzip.compress(text.encode("utf-8"), compresslevel=6, mtime=0)
    return "gzip-base64", base64.b64encode(packed).decode("ascii")


def render(view: dict[str, Any]) -> str:
    from markupsafe import Markup

    graph = view.get("graph")
    svg = Markup(graph["svg"]) if graph and graph.get("svg") else None
    encoding, data = _data(view)
    return _environment().get_template("report.html.j2").render(
        view=view, svg=svg, data_encoding=encoding, data=data)


__all__ = ["render"]
