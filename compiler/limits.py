"""Every resource limit xfc applies to untrusted input, in one table.

Phase: all (read by the loader, the CSAR reader, the TOSCA front end, the function
evaluator, the step language and the back ends).  Input: nothing.  Output: the
:class:`Limits` record (``Options.limits``) and :func:`exceeded`, the one way to report
that a limit was reached.  ``docs/robustness.md`` has the same table; a unit test keeps
the two equal.

Codes: limit-exceeded (emitted through :func:`exceeded`; the message names the limit
field, so that ``Options.limits`` can be raised for a trusted input).  Older limits keep
the codes they were released with (yaml-too-deep, yaml-scalar-too-large,
yaml-alias-limit, input-too-large, csar-zip-bomb); their messages name the limit too.

Every limit is read from ``Options.limits`` except two that are checked where no options
reach: ``max_step_chars`` (the step language parses a ladder on its own) and the digits of
a quoted integer or a ``--set`` value converted by the TOSCA value checker; those two use
:data:`DEFAULT_LIMITS`.

Why explicit depth limits instead of a larger interpreter stack: imports, ``derived_from``
chains and function references are walked recursively, and a legal-looking input of a
few hundred levels reached Python's recursion limit (exit 3).  A limit far above what
real descriptors use (SOL001 derivation chains are about 6 deep, import chains about 4)
ends such input in a positioned diagnostic instead.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from .diagnostics import Diagnostics, Span

_MiB = 1024 * 1024


@dataclass(frozen=True, slots=True)
class Limits:
    """Resource limits for untrusted input; every one ends in a diagnostic, not a crash.

    The field comment is the description used in messages and in the documentation.
    """

    # -- files and YAML --------------------------------------------------------------
    max_file_bytes: int = 32 * _MiB  # bytes of one text file (YAML, TOSCA.meta, manifest)
    max_scalar_chars: int = 4 * _MiB  # characters of one YAML scalar
    max_depth: int = 100  # nesting of YAML collections, and of one evaluated function result
    max_alias_nodes: int = 200_000  # nodes that aliases may stand for (billion laughs)
    max_collection_items: int = 50_000  # entries of one YAML mapping or sequence
    max_documents: int = 5_000  # documents of one YAML stream (a shipped Kubernetes manifest)
    max_number_digits: int = 1000  # digits of one integer (Python refuses > 4,300)
    max_name_chars: int = 1024  # characters of one mapping key, a name (YAML's implicit-key limit)
    # -- the package -------------------------------------------------------------------
    max_package_files: int = 100_000  # files of one package (folder or archive)
    max_member_bytes: int = 4 * 1024 * _MiB  # inflated bytes of one archive member
    max_archive_bytes: int = 16 * 1024 * _MiB  # inflated bytes of all members together
    max_inflate_ratio: int = 200  # inflated / compressed size of a member over 1 MiB
    max_manifest_blocks: int = 10_000  # file blocks of TOSCA.meta, Source blocks of the manifest
    # -- TOSCA structure ---------------------------------------------------------------
    max_import_depth: int = 64  # files in one chain of imports
    max_derivation_depth: int = 64  # types in one derived_from chain
    max_types: int = 3000  # types one package defines (a namespace_prefix import counts its file's again)
    # -- values ------------------------------------------------------------------------
    max_function_depth: int = 64  # nested or chained function calls in one evaluation
    max_value_chars: int = 4 * _MiB  # characters of one evaluated function result (as a scalar may hold)
    max_built_chars: int = 64 * _MiB  # characters of all texts the functions of one topology build (concat, join)
    max_value_items: int = 100_000  # items (list entries, map keys) of one evaluated result
    max_step_chars: int = 4096  # characters of one step-language text (ladder step, notify path)
    max_function_args: int = 1000  # arguments of one function call (concat, join, token, ...)
    max_requirements: int = 1000  # requirement assignments of one node template
    max_relationship_templates: int = 1000  # relationship templates of one topology
    max_vnfs: int = 200  # VNF nodes of one NSD (each becomes a renamed copy of its VNFD)
    max_unit_wirings: int = 2000  # wirings the NSD's wirings with VNF node ends become, together
    # -- other entries -----------------------------------------------------------------
    max_krm_items: int = 10_000  # items of a KRM ResourceList (xfc krm's standard input)
    max_config_values: int = 10_000  # values (keys, items, scalars) of a KRM functionConfig
    # -- reporting ---------------------------------------------------------------------
    max_diagnostics_per_code: int = 1000  # diagnostics of one code reported; one summary stands for the rest
    # -- the --tosca-parser child process ---------------------------------------------
    tosca_parser_seconds: int = 120  # wall clock of tosca-parser on one package, then killed
    tosca_parser_bytes: int = 4 * 1024 * _MiB  # address space of the tosca-parser process
    # -- xfc report --------------------------------------------------------------------
    layout_seconds: int = 60  # wall clock of Graphviz dot laying out a report's graph, then killed
    # -- the Tacker gate's child process (xfc bundle --verify) -------------------------
    tacker_gate_seconds: int = 300  # wall clock of Tacker's onboarding and LCM code on one CSAR


    def __post_init__(self) -> None:
        # The walks these bound recurse (a few interpreter frames per level): past these
        # ceilings Python's own recursion limit (1,000 frames) would end the run first,
        # as RecursionError (exit 3) instead of limit-exceeded.  Measured with
        # tests/hostile/shapes.py: 200 chained calls or 300 imports already overflow.
        for name, ceiling in _STACK_CEILINGS.items():
            value = getattr(self, name)
            if value > ceiling:
                raise ValueError(f"Limits.{name} = {value} is above {ceiling}, the deepest walk "
                                 "Python's stack supports")


#: The largest value a recursive walk's depth limit may take (see Limits.__post_init__).
_STACK_CEILINGS = {"max_function_depth": 150, "max_import_depth": 200, "max_depth": 200}

DEFAULT_LIMITS = Limits()


def describe() -> list[tuple[str, int, str]]:
    """(field, default, description) for every limit, in declaration order.

    The descriptions are the comments in this file, read from its source so that the
    documentation table cannot drift from the code.
    """
    import inspect
    import re

    src = inspect.getsource(Limits)
    notes = dict(re.findall(r"^\s+(\w+): int = [^#\n]+#\s*(.+)$", src, re.M))
    return [(f.name, f.default, notes.get(f.name, "")) for f in fields(Limits)]  # type: ignore[misc]


def exceeded(diags: "Diagnostics", limit: str, limits: Limits, what: str, at: "Span | None",
             hint: str | None = None) -> None:
    """Report that ``what`` exceeds ``limits.<limit>`` at ``at`` (code limit-exceeded)."""
    value = getattr(limits, limit)
    diags.add("limit-exceeded", f"{what} exceeds the limit {limit} = {value:,}", at,
              hint=hint or f"xfc refuses input beyond {limit}; it protects the run from "
                           "hostile or generated input (docs/robustness.md)")


def yaml_shape(text: str, limits: Limits = DEFAULT_LIMITS, *,
               config: bool = False) -> tuple[str, int, int] | None:
    """Check a YAML text that is not a TOSCA file (xfc krm's ResourceList, a YAML value
    inside it) before a recursive loader builds it: ``(problem, line, column)`` for the
    first collection nested deeper than ``max_depth``, the first ResourceList item past
    ``max_krm_items`` and the first functionConfig value past ``max_config_values``, or
    ``None``.  One pass over libyaml's events, no tree and no recursion, stopping at the
    first problem: PyYAML's constructor recurses once per level (RecursionError past a
    few hundred), and 200,000 items would be built before anything could count them.
    ``config``: the text is itself a functionConfig value (a ConfigMap's ``inputs``), so
    each of its values counts against ``max_config_values``.  A syntax error is left for
    the loader to report."""
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    depth = 0
    top_key: str | None = None  # the key of the document's top-level mapping being read
    expect_key = False  # the next node at depth 1 is a key of the top-level mapping
    items = values = 0
    try:
        for ev in yaml.parse(text, Loader=loader):
            if isinstance(ev, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                depth -= 1
                if depth == 1:
                    expect_key = True
                continue
            if not isinstance(ev, (yaml.ScalarEvent, yaml.AliasEvent,
                                   yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                continue
            mark = ev.start_mark  # libyaml marks every event
            at = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
            if config or (depth >= 2 and top_key == "functionConfig"):
                values += 1
                if values > limits.max_config_values:
                    return (f"the functionConfig holds more values than the limit "
                            f"max_config_values = {limits.max_config_values:,}", *at)
            if depth == 1:
                if expect_key:
                    top_key = ev.value if isinstance(ev, yaml.ScalarEvent) else None
                    expect_key = False
                    if not isinstance(ev, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                        continue
                else:
                    expect_key = not isinstance(ev, (yaml.MappingStartEvent,
                                                     yaml.SequenceStartEvent))
            elif depth == 2 and top_key == "items":
                items += 1
                if items > limits.max_krm_items:
                    return (f"the ResourceList has more items than the limit max_krm_items = "
                            f"{limits.max_krm_items:,}", *at)
            if isinstance(ev, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                depth += 1
                if depth == 1:
                    expect_key = isinstance(ev, yaml.MappingStartEvent)
                if depth > limits.max_depth:
                    return (f"collections nested deeper than the limit max_depth = "
                            f"{limits.max_depth:,}", *at)
    except yaml.YAMLError:
        return None
    return None
