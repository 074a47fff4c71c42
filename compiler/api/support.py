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

from ..output import OutputError, make_temp, sweep_stale_temps, write_outputs
from ..plugins import (BUILTIN_BUNDLERS, BUILTIN_EMITTERS, BUILTIN_TARGETS, available, known,
                       names)

__all__ = ["OutputError", "make_temp", "sweep_stale_temps", "write_outputs",
           "BUILTIN_BUNDLERS", "BUILTIN_EMITTERS", "BUILTIN_TARGETS", "available", "known",
           "names"]
