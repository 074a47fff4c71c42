"""What a face needs to turn its flags into :class:`~compiler.pipeline.Options`.

Phase: api.  Input values keep their positions: a file of values is read with the
loader's positioned YAML reader, so a wrong value is reported at its line and column in
that file, and a value set on a command line (``--set KEY=VALUE``) is read as a YAML 1.2
scalar and placed at ``--set KEY``.  The named leniencies (quirks) are listed for a face
to check its flags against.

Codes: those of the YAML reader (for a file of input values).
"""

from __future__ import annotations

from typing import Any, Mapping

from ..diagnostics import Diagnostics, Span

__all__ = ["empty_inputs", "read_input_values", "is_input_mapping", "set_input", "quirks"]


def empty_inputs(label: str = "<inputs>") -> dict[str, Any]:
    """An empty, positioned mapping of input values."""
    from ..loader.yamlpos import PMap

    return PMap(span=Span(label))


def read_input_values(text: str, path: str, diags: Diagnostics) -> Any:
    """The YAML document of a file of input values, positioned (problems in ``diags``)."""
    from ..loader.yamlpos import load_yaml

    return load_yaml(text, path, diags)


def is_input_mapping(data: Any) -> bool:
    """Whether ``data`` (from :func:`read_input_values`) is a positioned mapping."""
    from ..loader.yamlpos import PMap

    return isinstance(data, PMap)


def set_input(values: Any, key: str, text: str, where: str) -> None:
    """Set ``key`` to ``text`` read as a YAML 1.2 plain scalar (``3`` is the integer 3),
    placed at ``where`` (``--set KEY``)."""
    from ..loader.yamlpos import resolve_plain

    dict.__setitem__(values, key, resolve_plain(text))
    values.key_spans[key] = values.value_spans[key] = Span(where)


def quirks() -> Mapping[str, Any]:
    """The named leniencies (docs/quirks.md), by name; each has ``opt_in``."""
    from ..loader.quirks import QUIRKS

    return QUIRKS
