"""What a face needs besides the request functions: the plugin names it offers and the
writer of output folders.

Phase: api (what the faces share).  The faces (the command line, batch mode, the KRM
function, the HTTP service) import these from here, never from :mod:`compiler.plugins`
or :mod:`compiler.output` directly (the ``faces-use-the-api`` contract in
``.importlinter``): the names of the built-in back ends, targets and bundlers and the
plugin lookups by name (no plugin is imported by a name lookup), and the atomic writer
of an output folder with its ``.xfc-manifest``.

Codes: none.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .. import plugins as _plugins
from ..plugins import BUILTIN_BUNDLERS, BUILTIN_EMITTERS, BUILTIN_TARGETS

if TYPE_CHECKING:
    from ..output import OutputError, make_temp, sweep_stale_temps, write_outputs

# The writer's names are imported from compiler.output on first use (PEP 562): a check
# writes nothing, and the writer imports hashlib, tempfile and pathlib for its folders.
_WRITER = frozenset(("OutputError", "make_temp", "sweep_stale_temps", "write_outputs"))


def __getattr__(name: str) -> Any:
    if name not in _WRITER:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from .. import output

    for each in _WRITER:
        globals()[each] = getattr(output, each)
    return globals()[name]


# the lookups are looked up in compiler.plugins at each call, so that a caller (or a
# test) that replaces one there is heard here too
def names(kind: str) -> list[str]:
    """Every name of ``kind`` a call may use (:func:`compiler.plugins.names`)."""
    return _plugins.names(kind)


def known(kind: str, name: str) -> bool:
    """Whether ``name`` is a plugin of ``kind`` (:func:`compiler.plugins.known`)."""
    return _plugins.known(kind, name)


def available(kind: str) -> str:
    """The names of ``kind`` for a message (:func:`compiler.plugins.available`)."""
    return _plugins.available(kind)

__all__ = ["OutputError", "make_temp", "sweep_stale_temps", "write_outputs",
           "BUILTIN_BUNDLERS", "BUILTIN_EMITTERS", "BUILTIN_TARGETS", "available", "known",
           "names"]
