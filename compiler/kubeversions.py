"""Which API versions and fields a Kubernetes minor version serves (``--kube-version``).

Phase: support (read by the options check and the Kubernetes back end; imports nothing
of xfc).  Input: ``Options.kube_version`` (``"MAJOR.MINOR"``, or None for the current
release).  Output: the ``apiVersion`` to write for a kind, and whether a field may be
written, for the server the objects are compiled for — what ``helm template
--kube-version`` lets a chart ask of ``.Capabilities``.  The tables below are the single
source; docs/kubernetes-versions.md shows them, and tests/unit/test_kube_versions.py keeps
the two in step.

Only what xfc writes is listed.  A field is written from the minor in which its feature
is on by default (beta or GA): below that, an API server drops the field without a word
(a disabled feature gate) or refuses it (kubectl's schema validation), and the defaults
the field would restate apply.  Objects shipped in a package (Tacker's
``Files/kubernetes``) are the package's own and are not rewritten.

Codes: none (an unsupported version is an :class:`compiler.errors.OptionsError`, or exit
2 on the command line, raised by :func:`compiler.pipeline.option_problems`).
"""

from __future__ import annotations

import re
from typing import Any

from .options import Options

KubeVersion = tuple[int, int]

#: The oldest minor xfc writes for: the one its tests apply every object to (a real
#: kube-apiserver 1.20.2, tests/integration/test_apiserver_samples.py).
MINIMUM: KubeVersion = (1, 20)

#: kind -> ((first minor that serves it, apiVersion), ...), newest first.  The last entry
#: is served by every minor from MINIMUM on.
API_VERSIONS: dict[str, tuple[tuple[KubeVersion, str], ...]] = {
    # policy/v1 is GA in 1.21; policy/v1beta1 is served up to 1.24
    "PodDisruptionBudget": (((1, 21), "policy/v1"), ((1, 5), "policy/v1beta1")),
    # autoscaling/v2 is GA in 1.23; v2beta2 (with spec.behavior since 1.18) up to 1.25
    "HorizontalPodAutoscaler": (((1, 23), "autoscaling/v2"), ((1, 12), "autoscaling/v2beta2")),
}

#: "Kind.dotted.field.path" -> first minor in which the field's feature is on by default.
FIELDS: dict[str, KubeVersion] = {
    # StatefulSetAutoDeletePVC: alpha 1.23 (off), beta 1.27 (on).  xfc writes
    # Retain/Retain, which is also what every older server does without the field.
    "StatefulSet.spec.persistentVolumeClaimRetentionPolicy": (1, 27),
    # PDBUnhealthyPodEvictionPolicy: alpha 1.26 (off), beta 1.27 (on).  Without it a
    # budget behaves as IfHealthyBudget.
    "PodDisruptionBudget.spec.unhealthyPodEvictionPolicy": (1, 27),
}

_SYNTAX = re.compile(r"v?(\d{1,3})\.(\d{1,3})(?:\.\d{1,6})?\Z")


def parse(text: str) -> KubeVersion | None:
    """``"1.20"`` (also ``"v1.20"`` and ``"1.20.2"``, as Helm spells it) -> ``(1, 20)``;
    None when it is not a version at all."""
    m = _SYNTAX.match(text.strip()) if isinstance(text, str) else None
    return (int(m.group(1)), int(m.group(2))) if m else None


def problem(text: Any) -> str | None:
    """Why ``text`` cannot be compiled for (None when it can)."""
    v = parse(text) if isinstance(text, str) else None
    if v is None:
        return f"{text!r} is not a Kubernetes version MAJOR.MINOR (e.g. 1.20)"
    if v < MINIMUM:
        return (f"{text!r} is older than Kubernetes {MINIMUM[0]}.{MINIMUM[1]}, the oldest "
                "release xfc writes for")
    return None


def of(options: Options) -> KubeVersion | None:
    """The version the options compile for; None means the current release."""
    text = options.kube_version
    return parse(text) if text else None


def api_version(kind: str, version: KubeVersion | None) -> str:
    """The apiVersion to write ``kind`` in for a server of ``version``."""
    table = API_VERSIONS[kind]
    if version is None:
        return table[0][1]
    for since, api in table:
        if version >= since:
            return api
    return table[-1][1]


def serves(field: str, version: KubeVersion | None) -> bool:
    """Whether a server of ``version`` keeps ``field`` ("Kind.spec.x", a key of FIELDS)."""
    return version is None or version >= FIELDS[field]


__all__ = ["API_VERSIONS", "FIELDS", "KubeVersion", "MINIMUM", "api_version", "of", "parse",
           "problem", "serves"]
