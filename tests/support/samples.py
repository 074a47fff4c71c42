"""The samples under samples/ and the descriptor each one is compiled from.

A sample is a CSAR folder (it has TOSCA-Metadata/: the folder is the input), a folder
with one descriptor (``*.yaml``), or a kpt package (it has a Kptfile: the descriptor is
the one YAML file under ``tosca/``, where .krmignore keeps it away from kpt).
"""

from __future__ import annotations

from pathlib import Path

SAMPLES = Path(__file__).resolve().parents[2] / "samples"


def entry(path: Path) -> Path:
    """What ``xfc compile`` is given for the sample at ``path``."""
    if path.is_file() or (path / "TOSCA-Metadata").is_dir():
        return path
    if (path / "Kptfile").is_file():
        found = sorted((path / "tosca").glob("*.y*ml"))
        return found[0] if len(found) == 1 else path
    yamls = sorted(path.glob("*.y*ml"))
    return yamls[0] if len(yamls) == 1 else path


def samples() -> list[Path]:
    """Every sample folder (or file), sorted by name."""
    if not SAMPLES.is_dir():
        return []
    return sorted(p for p in SAMPLES.iterdir() if not p.name.startswith("."))


def is_tosca2(path: Path) -> bool:
    """Whether the sample's descriptor is TOSCA 2.0 (Tacker, which reads 1.x only, is not
    its consumer: ``xfc bundle --target tacker`` refuses it)."""
    e = entry(path)
    if not e.is_file():
        return False
    return any(line.split("#")[0].split() == ["tosca_definitions_version:", "tosca_2_0"]
               for line in e.read_text().splitlines())
