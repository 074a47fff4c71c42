"""Container images: which image a VDU runs, from what its descriptor says.

Neutral (no phase): the loader asks :func:`is_image_reference` whether an artifact's
``file`` is a package file to look for; resolve warns when two sources disagree; the
Kubernetes back end takes :func:`container_image`'s answer.  So the three cannot drift.

SOL001 precedence (SOL001 v4.4.1 §6.2.x: a container VDU's image is an artifact of type
``tosca.artifacts.nfv.SwImage`` whose ``file`` is a registry reference; the VDU's
``sw_image_data`` is SOL001 2.x/3.x's description of the same image):

1. an image artifact whose ``file`` is a registry reference with a tag or a digest
   (``docker.io/org/app:v1.0``) — the reference as written (``overridden`` names what
   ``sw_image_data``, or the artifact's own name/version properties, say when that
   differs);
2. ``sw_image_data`` with ``container_format: docker`` — ``name`` (``name:version`` when
   the name has no tag);
3. an image artifact with ``name``/``version`` properties of a container image —
   ``name:version``; else its ``file``.

Codes: none (resolve reports ``tosca-image-conflict``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Mapping

# registry[:port]/path/name:tag, or any reference with a digest (OCI distribution spec)
_IMAGE_TAG = re.compile(r"(?:[A-Za-z0-9.-]+(?::[0-9]+)?/)?[a-z0-9._-]+(?:/[a-z0-9._-]+)*"
                        r":[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}")
_IMAGE_DIGEST = re.compile(r"[^\s@]+@[a-z0-9]+(?:[+._-][a-z0-9]+)*:[0-9a-fA-F]{32,}")


def is_image_reference(ref: str) -> bool:
    """A container image reference with a tag or a digest (not a package file)."""
    return bool(_IMAGE_DIGEST.fullmatch(ref) or _IMAGE_TAG.fullmatch(ref))


@dataclass(frozen=True, slots=True)
class ImageChoice:
    image: str
    source: str  # "artifact <name>" | "sw_image_data"
    is_container: bool
    artifact: str | None = None  # the artifact's name when it is the source
    # the image sw_image_data names when an artifact's reference won over it
    overridden: str | None = None


def same_image(a: str, b: str) -> bool:
    """Two references to one image: equal but for Docker Hub's implicit registry and
    ``library/``, or one is the bare ``name:tag`` of the other (SOL001 4.x writes the
    image's name in the artifact's ``name`` and its registry path in ``file``)."""
    def norm(x: str) -> str:
        for prefix in ("docker.io/", "index.docker.io/", "library/"):
            if x.startswith(prefix):
                x = x[len(prefix):]
        return x
    a, b = norm(a), norm(b)
    if a == b:
        return True
    if "/" in a and "/" in b:
        return False
    return a.rsplit("/", 1)[-1] == b.rsplit("/", 1)[-1]


def sw_image_data_image(data: Any) -> str | None:
    """The image ``sw_image_data`` names when it describes a container image."""
    if not isinstance(data, Mapping):
        return None
    fmt = str(data.get("container_format") or "").lower()
    name, version = data.get("name"), data.get("version")
    if fmt != "docker" or not isinstance(name, str) or not name:
        return None
    if ":" in name.rsplit("/", 1)[-1] or "@" in name or version in (None, ""):
        return name
    return f"{name}:{version}"


def _image_artifacts(artifacts: Mapping[str, Any]) -> list[tuple[str, Any]]:
    return [(n, artifacts[n]) for n in sorted(artifacts)
            if "Image" in artifacts[n].type or "SwImage" in artifacts[n].type]


def container_image(properties: Mapping[str, Any], artifacts: Mapping[str, Any]
                    ) -> ImageChoice | None:
    """The image of a VDU in SOL001 precedence (module docstring), or None."""
    sw_data = properties.get("sw_image_data")
    from_data = sw_image_data_image(sw_data)
    arts = _image_artifacts(artifacts)
    for name, art in arts:
        if isinstance(art.file, str) and is_image_reference(art.file):
            # SOL001 4.x writes the image's name/version on the artifact itself
            described = from_data or sw_image_data_image(art.properties or {})
            over = described if described and not same_image(described, art.file) else None
            return ImageChoice(art.file, f"artifact {name}", True, name, over)
    if from_data:
        return ImageChoice(from_data, "sw_image_data", True)
    for name, art in arts:
        props = dict(art.properties or {})
        data_fmt = sw_data.get("container_format") if isinstance(sw_data, Mapping) else None
        fmt = str(props.get("container_format") or data_fmt or "")
        is_container = fmt.lower() == "docker" or "Docker" in art.type or (
            art.type == "tosca.artifacts.Deployment.Image" and not fmt)
        pname, version = props.get("name"), props.get("version")
        if isinstance(pname, str) and pname and is_container \
                and ":" not in pname.rsplit("/", 1)[-1]:
            image = f"{pname}:{version}" if version not in (None, "") else pname
        else:
            image = art.file
        return ImageChoice(image, f"artifact {name}", is_container, name)
    return None


__all__ = ["ImageChoice", "container_image", "is_image_reference", "same_image",
           "sw_image_data_image"]
