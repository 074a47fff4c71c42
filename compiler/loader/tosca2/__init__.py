"""The TOSCA 2.0 front end: a ``tosca_2_0`` file read into the grammar the resolver reads.

Phase: load.  Input: one parsed, positioned file whose ``tosca_definitions_version`` is
``tosca_2_0``.  Output: the same file lowered to TOSCA 1.3 (:mod:`.lower`), with the
positions of the 2.0 text, which the loader keeps in place of the parsed file.  From there
the one resolver builds the one IR (:class:`compiler.model.Topology`), so normalize,
graph, checks, back ends and bundlers run unchanged (issue 23; docs/tosca-2.md).

Why lowering rather than a second resolver: TOSCA 2.0 keeps 1.3's type system, templates
and requirement binding, and changes spellings (``service_template``, ``$`` functions,
``validation``, ``count_range``, profile imports).  One resolver means one meaning: a 2.0
descriptor and its 1.3 twin cannot drift apart (samples/5g-core-slice holds it), and
every check of the resolver (types, constraints, requirements) applies to both.

Profiles (TOSCA 2.0 §6.7, §6.8.2.1) are resolved by name from xfc's catalog, never the
network (:data:`PROFILES`).  The simple profile's types are the normative types xfc has
built in, whose short names (``Compute``, ``DependsOn``) are the 2.0 names; the X-factor
profile ``io.xfactor:1.0`` is the catalog's profile file (spec §1), one definition for
both versions; xfc's Kubernetes profile ``io.xfactor.kubernetes:1.0`` names a
microservice application's types over the X-factor ones (docs/tosca-2.md); the OASIS community profiles (``community.tosca.*:0.1``) are shipped as
published (``compiler/profiles/tosca-community``).

Codes: those of :mod:`.lower` and :mod:`.functions`.
"""

from __future__ import annotations

from typing import Any

from ...diagnostics import Diagnostics
from ...limits import DEFAULT_LIMITS, Limits
from ..catalog import PROFILES
from ..yamlpos import PMap

VERSION = "tosca_2_0"

# names producers write for a profile (quirk profile.simple-alias)
ALIASES: dict[str, str] = {
    "org.oasis-open.tosca.simple:2.0": "org.oasis-open.simple:2.0",
}


def is_tosca2(data: Any) -> bool:
    """Whether a parsed file declares TOSCA 2.0."""
    return isinstance(data, PMap) and data.get("tosca_definitions_version") == VERSION


class _CatalogDiags:
    """The diagnostics of a catalog profile file: its accepted-but-not-enforced warnings
    (``tosca-unsupported``) are the catalog's reading, documented in docs/tosca-2.md, not
    the user's to act on; every other diagnostic goes through."""

    def __init__(self, diags: Diagnostics) -> None:
        self.diags = diags

    def add(self, code: str, *args: Any, **kw: Any) -> Any:
        if code == "tosca-unsupported":
            return None
        return self.diags.add(code, *args, **kw)


def lower(data: PMap, diags: Diagnostics, quirks: Any, from_catalog: bool = False,
          limits: Limits = DEFAULT_LIMITS) -> PMap:
    """``data`` (a TOSCA 2.0 file) in the TOSCA 1.3 grammar, positions kept."""
    from .lower import Lowerer

    from .keys import sweep

    sink: Any = _CatalogDiags(diags) if from_catalog else diags
    out = Lowerer(sink, PROFILES, ALIASES, quirks, limits).file(data)
    sweep(sink, out)  # a call key left where TOSCA expects a name (§10.1)
    return out


__all__ = ["ALIASES", "PROFILES", "VERSION", "is_tosca2", "lower"]
