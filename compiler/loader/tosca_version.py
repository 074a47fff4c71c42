"""Which ``tosca_definitions_version`` values xfc reads, and the first word on the others.

Phase: load.  Input: one parsed TOSCA file (its top-level mapping).  Output: a
``tosca-version`` diagnostic when the file declares a version xfc does not read, so that
the loader says so *before* it tries the file's imports: an Alien4Cloud file (or a
misspelt 2.x version) imports profiles xfc has no catalog for, and an import error would
otherwise come first and point the user the wrong way (issue 21, item 10).  A
``tosca_2_0`` file never gets here as such: the loader lowers it first
(:mod:`compiler.loader.tosca2`).

A missing ``tosca_definitions_version`` is left to the resolver, which tells a file of
another format (Kubernetes, OSM) from a TOSCA file that lacks the line.

Codes: tosca-version.
"""

from __future__ import annotations

from typing import Any

from ..diagnostics import Diagnostics
from ..suggest import did_you_mean
from .yamlpos import PMap

# TOSCA 1.0-1.3 and the NFV profile 1.0 (compiler.resolve.VERSIONS is this tuple)
READ = (
    "tosca_simple_yaml_1_0",
    "tosca_simple_yaml_1_1",
    "tosca_simple_yaml_1_2",
    "tosca_simple_yaml_1_3",
    "tosca_simple_profile_for_nfv_1_0_0",
)

_READ_WORDS = "xfc reads TOSCA 1.0 to 1.3 (tosca_simple_yaml_1_0 ... tosca_simple_yaml_1_3), " \
              "tosca_simple_profile_for_nfv_1_0_0 and TOSCA 2.0 (tosca_2_0)"


def _unread(v: Any) -> tuple[str, str] | None:
    """(message tail, hint) for a version xfc does not read; None for one it reads."""
    if isinstance(v, str) and v in READ:
        return None
    text = str(v)
    low = text.lower()
    if low.startswith("tosca_2") or low.startswith("tosca_simple_yaml_2"):
        return (f"{text!r} is not the version name of TOSCA 2.0, which is tosca_2_0",
                f"{_READ_WORDS}; a TOSCA 2.0 file declares tosca_definitions_version: "
                "tosca_2_0 (TOSCA 2.0 §6.2)")
    if low.startswith("alien_dsl_"):
        return (f"{text!r} is Alien4Cloud's own TOSCA dialect, which xfc does not read",
                f"{_READ_WORDS}; export the topology from Alien4Cloud as TOSCA 1.x, or "
                "change the version line if the file is plain TOSCA 1.3")
    if not isinstance(v, str):
        return (f"{text!r} is not a version name",
                f"{_READ_WORDS}; write the version as a name, e.g. tosca_simple_yaml_1_3")
    near = did_you_mean(text, list(READ))
    return (f"{text!r} is a version xfc does not know",
            f"{near} {_READ_WORDS}" if near else _READ_WORDS)


def check_version(data: Any, diags: Diagnostics) -> bool:
    """Report a ``tosca_definitions_version`` xfc does not read; True when it reported."""
    if not isinstance(data, PMap) or "tosca_definitions_version" not in data:
        return False
    problem = _unread(data.get("tosca_definitions_version"))
    if problem is None:
        return False
    diags.add("tosca-version", f"tosca_definitions_version {problem[0]}",
              data.value_span("tosca_definitions_version"), hint=problem[1])
    return True


__all__ = ["READ", "check_version"]
