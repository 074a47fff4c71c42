"""What the phases after resolve are handed: the IR and the options, by type.

Phase: IR.  Two types name the seams between the driver and the phases it runs after
resolve, so that a reader and mypy can follow a value across them (issue 25, item 5):

* :class:`Analysed` is what the checks, the simulator, the graph renderers and the report
  read of a compilation: its path, its :class:`~compiler.options.Options` and the IR
  (topology, X-factor model, plan), each ``None`` until its phase has run.  It is a
  read-only protocol: :class:`compiler.pipeline.Compilation` satisfies it, and so does
  :class:`BackEndInput`.
* :class:`BackEndInput` is what an emitter is given: the same, complete and frozen.  A
  :class:`~compiler.model.Topology` holds neither the package it was resolved from nor
  the type registry (issue 25, item 3): the syntax stays with the loader
  (``Compilation.package``), so a back end reads the frozen IR only.  ``path`` is the
  input as the caller named it, for messages that are about the call rather than a
  position.

They live with the IR, below the phases, because the driver that builds them sits above
the phases that take them (``.importlinter``, contract ``layers``).

Codes: none.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol, Sequence

from ..diagnostics import Diagnostics
from ..options import Options
from . import OutputFile, Topology

if TYPE_CHECKING:  # annotations only: a check that stops at load builds no X-factor model
    from .xfactor import Plan, XModel


class Analysed(Protocol):
    """A compilation as the phases after resolve read it (read-only)."""

    @property
    def path(self) -> str: ...

    @property
    def options(self) -> Options: ...

    @property
    def topology(self) -> Topology | None: ...

    @property
    def xmodel(self) -> XModel | None: ...

    @property
    def plan(self) -> Plan | None: ...


class Compiled(Analysed, Protocol):
    """A finished compilation as the report reads it: also its diagnostics and files."""

    @property
    def diagnostics(self) -> Diagnostics: ...

    @property
    def outputs(self) -> Sequence[OutputFile]: ...


@dataclass(frozen=True, slots=True, kw_only=True)
class BackEndInput:
    """What an emitter is given: the IR and the options, nothing read from disk."""

    path: str
    options: Options
    topology: Topology
    xmodel: XModel
    plan: Plan


def complete(unit: Analysed) -> BackEndInput | None:
    """``unit`` as a :class:`BackEndInput` (the same topology, model and plan objects),
    for a phase that needs all three; None while one of them is missing."""
    if unit.topology is None or unit.xmodel is None or unit.plan is None:
        return None
    return BackEndInput(path=unit.path, options=unit.options, topology=unit.topology,
                        xmodel=unit.xmodel, plan=unit.plan)


__all__ = ["Analysed", "BackEndInput", "Compiled", "complete"]
