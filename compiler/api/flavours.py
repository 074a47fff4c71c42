"""``check`` in every deployment flavour of a VNFD that has several.

Phase: api.  Input: a path, the :class:`Options` (naming no flavour) and the function that
checks one flavour.  Output: one :class:`Compilation` whose diagnostics are merged across
the flavours (what every flavour reports once, as it is; what only some report, with the
flavours named in the message), and the flavour ids checked.

Codes: none of its own.
"""

from __future__ import annotations

from dataclasses import replace

from ..diagnostics import Diagnostic, Diagnostics
from ..pipeline import Compilation, Options

# the resolver's word when no flavour can be chosen: superseded by checking each one
_CHOOSE = "deployment flavours; choose one with --flavour"


def _flavours_of(unit: Compilation) -> tuple[str, ...]:
    """The flavour ids to check ``unit``'s package in, when it has several and no
    flavour was named; else ``()``."""
    if unit.options.flavour is not None or unit.package is None:
        return ()
    if unit.topology is not None:
        ids = tuple(unit.topology.flavours or ())
    elif any(d.code == "tosca-flavour" and _CHOOSE in d.message for d in unit.diagnostics):
        from ..resolve.flavours import flavour_ids

        ids = tuple(flavour_ids(unit.package, unit.options))
    else:
        return ()
    return ids if len(ids) > 1 else ()


def merge_flavours(units: dict[str, Compilation], first: Compilation) -> Diagnostics:
    """One set of diagnostics for the flavours' compilations.  ``first`` is the
    compilation without a flavour: its tosca-parser verdict and its flavour problems
    other than "choose one" are kept."""
    merged = Diagnostics(max_per_code=first.diagnostics.max_per_code)
    found: dict[tuple[object, ...], tuple[Diagnostic, list[str]]] = {}
    for fid, unit in units.items():
        merged.sources.update(unit.diagnostics.sources)
        merged.chains.update(unit.diagnostics.chains)
        for d in unit.diagnostics:
            if d.code.startswith("tosca-parser"):
                continue  # the package's verdict, taken from ``first`` below
            key = (d.code, d.message, d.span, d.severity, d.path, d.hint)
            found.setdefault(key, (d, []))[1].append(fid)
    merged.sources.update(first.diagnostics.sources)
    merged.chains.update(first.diagnostics.chains)
    for d in first.diagnostics:
        if d.code.startswith("tosca-parser") or (d.code == "tosca-flavour" and _CHOOSE not in d.message):
            found.setdefault((d.code, d.message, d.span, d.severity, d.path, d.hint),
                             (d, list(units)))
    for d, fids in found.values():
        message = d.message
        if len(fids) < len(units):
            names = ", ".join(repr(f) for f in fids)
            message += f" (in flavour{'s' * (len(fids) > 1)} {names})"
        merged.add(d.code, message, d.span, path=d.path, hint=d.hint, severity=d.severity)
    return merged


def check_flavours(path: str, options: Options) -> tuple[Compilation, tuple[str, ...]]:
    """``check``, in every deployment flavour when ``options`` names none and the VNFD has
    several.  Returns the compilation to report (its diagnostics merged across flavours)
    and the flavours checked (``()`` when one compilation said all).

    One loader pass: the package is loaded once, compiled as the options say, and every
    other flavour is resolved from that package (:func:`flavour_variant`), its
    diagnostics going on from the loader's (which each flavour reports, as it would
    have reading the package itself)."""
    from ..pipeline import after_load, back_end, load_phase

    loaded = load_phase(path, options)
    seed = loaded.diagnostics.copy()  # before the tosca-parser verdict: asked once, below
    first = back_end(after_load(loaded))
    ids = _flavours_of(first)
    if not ids:
        return first, ()
    units: dict[str, Compilation] = {}
    for fid in ids:
        if first.topology is not None and first.topology.flavour == fid:
            units[fid] = first  # the flavour the VNF names: already checked
        else:  # tosca-parser judges the package, not a flavour: once is enough
            units[fid] = flavour_variant(first, fid, seed.copy())
    merged = merge_flavours(units, first)
    return Compilation(path=first.path, options=options, diagnostics=merged,
                       package=first.package), ids


def flavour_variant(unit: Compilation, fid: str,
                    diags: Diagnostics | None = None) -> Compilation:
    """``unit``'s package compiled in deployment flavour ``fid``: resolve (which picks the
    flavour), the middle and the back end, on the package the front end loaded, with
    ``diags`` (fresh when not given) as its diagnostics.  tosca-parser judges the package,
    not a flavour: it is not asked again."""
    from ..pipeline import back_end, middle_end
    from ..resolve import resolve

    assert unit.package is not None
    options = replace(unit.options, flavour=fid, tosca_parser=False)
    if diags is None:
        diags = Diagnostics(max_per_code=unit.diagnostics.max_per_code)
    other = Compilation(path=unit.path, options=options, diagnostics=diags,
                        package=unit.package)
    other.topology = resolve(unit.package, options, diags)
    if other.topology is None or diags.has_errors:
        return other
    middle_end(other)
    return back_end(other) if other.ok else other
