"""The mutation engine of the fuzzer: seeds, hostile values, mutations, mutants.

Used by :mod:`tests.integration.test_mutations` (the oracle, the tests and the long-run
driver).  A seed is a real input (a sample, a corpus descriptor, a ``tests/diagnostics``
input); a mutant is one of its files with 1-3 structure-aware mutations applied to the
positioned YAML tree (or, for ``TOSCA.meta`` and manifests, to the lines), and is a pure
function of (``XFC_FUZZ_SEED``, index).  docs/robustness.md describes the mutations.
"""

from __future__ import annotations

import copy
import math
import os
import random
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from compiler.diagnostics import Diagnostics  # noqa: E402
from compiler.loader.yamlpos import load_yaml, to_plain  # noqa: E402
from tests.hostile import shapes  # noqa: E402  (growth shapes shared with tests/hostile)

SHARED = Path(os.environ.get("XFC_SHARED", REPO.parent / "shared"))
CORPUS = SHARED / "corpus"
DIAG_DIR = REPO / "tests" / "diagnostics"
SAMPLES = REPO / "samples"

ITERATIONS = int(os.environ.get("XFC_FUZZ_ITERATIONS", "250"))
SEED = os.environ.get("XFC_FUZZ_SEED", "xfc-fuzz-1")

# Corpus descriptors that compile clean on their own (no sibling imports), so their
# mutants reach the back ends.  Chosen from INDEX.tsv rows tosca-parser accepts.
CORPUS_SEEDS = (
    "tacker/tacker/tests/unit/vnfm/infra_drivers/openstack/data/etsi_nfv/tosca_vnfd.yaml",
    "tacker/tacker/tests/unit/vnfm/infra_drivers/openstack/data/etsi_nfv/"
    "tosca_generate_hot_from_tosca_with_scaling.yaml",
    "cloudnet-tosca-toolbox/examples/OASIS_TOSCA_1.2/example-8.6.2.yaml",
    "cloudnet-tosca-toolbox/examples/ariatosca/tosca-simple-1.0/use-cases/network-4/network-4.yaml",
    "tosca-parser/samples/tests/data/extensions/tosca_helloworld_nfv.yaml",
    "tosca-parser/samples/tests/data/functions/test_get_attribute_source_target_keywords.yaml",
    "tosca-parser/samples/tests/data/topology_template/validate/"
    "test_example_app_substitution_mappings.yaml",
    "tosca-parser/samples/tests/data/functions/test_concat.yaml",
)


# --------------------------------------------------------------------------------------
# seeds


@dataclass(frozen=True, slots=True)
class Seed:
    """One real input: ``root`` is copied, ``mutate`` (relative) is mutated, ``entry``
    (relative; "." for a CSAR directory) is compiled."""

    name: str
    root: Path
    mutate: str
    entry: str
    single: bool = False  # copy only ``mutate`` (a corpus file), not the whole root


def _diagnostics_seeds() -> list[Seed]:
    seeds: list[Seed] = []
    if not DIAG_DIR.is_dir():
        return seeds
    for code_dir in sorted(p for p in DIAG_DIR.iterdir() if p.is_dir()):
        for item in sorted(code_dir.iterdir()):
            if not item.name.startswith(("fail", "pass")):
                continue
            if item.is_file() and item.suffix in (".yaml", ".yml") and not item.name.endswith(".options.yaml"):
                seeds.append(Seed(f"diag/{code_dir.name}/{item.name}", code_dir, item.name, item.name))
            elif item.is_dir():  # a CSAR directory: mutate each of its YAML files
                for f in sorted(item.rglob("*.y*ml")):
                    rel = f.relative_to(item).as_posix()
                    seeds.append(Seed(f"diag/{code_dir.name}/{item.name}/{rel}", item, rel, "."))
    return seeds


def _sample_seeds() -> list[Seed]:
    seeds = []
    for d in sorted(p for p in SAMPLES.iterdir() if p.is_dir()):
        if (d / "TOSCA-Metadata").is_dir():
            for f in sorted(d.rglob("*.y*ml")):
                seeds.append(Seed(f"sample/{d.name}/{f.relative_to(d).as_posix()}", d,
                                  f.relative_to(d).as_posix(), "."))
        else:
            for f in sorted(d.glob("*.y*ml")):
                seeds.append(Seed(f"sample/{d.name}/{f.name}", d, f.name, f.name))
    return seeds


def _corpus_seeds() -> list[Seed]:
    seeds = []
    for rel in CORPUS_SEEDS:
        f = CORPUS / rel
        if f.is_file():
            seeds.append(Seed(f"corpus/{rel}", f.parent, f.name, f.name, single=True))
    return seeds


TEXT_SUFFIXES = (".meta", ".mf")  # CSAR metadata and manifests: line-level mutations


def _text_seeds() -> list[Seed]:
    """TOSCA.meta and manifest files of every CSAR directory seed."""
    seeds = []
    roots = [d for d in sorted(SAMPLES.iterdir()) if (d / "TOSCA-Metadata").is_dir()]
    if DIAG_DIR.is_dir():
        roots += [d for code in sorted(DIAG_DIR.iterdir()) if code.is_dir()
                  for d in sorted(code.iterdir()) if d.is_dir() and d.name.startswith(("fail", "pass"))]
    for root in roots:
        for f in sorted(root.rglob("*")):
            if f.suffix in TEXT_SUFFIXES and f.is_file():
                rel = f.relative_to(root).as_posix()
                seeds.append(Seed(f"text/{root.relative_to(REPO).as_posix()}/{rel}", root, rel, "."))
    return seeds


def _usable(seed: Seed) -> bool:
    """A seed whose file is UTF-8 YAML holding a mapping (input-encoding cases are not)."""
    try:
        text = (seed.root / seed.mutate).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return False
    if seed.mutate.endswith(TEXT_SUFFIXES):
        return True
    diags = Diagnostics()
    return isinstance(load_yaml(text, seed.mutate, diags), dict) and not diags.has_errors


def all_seeds() -> list[Seed]:
    # samples and corpus files are the richest trees: list them several times so they
    # get most of the mutants, the (many, small) diagnostics inputs the rest;
    # passing diagnostics inputs reach the back ends more often than failing ones
    rich = [s for s in _sample_seeds() + _corpus_seeds() if _usable(s)]
    diag = [s for s in _diagnostics_seeds() if _usable(s)]
    passing = [s for s in diag if "/pass" in s.name]
    text = [s for s in _text_seeds() if _usable(s)]
    return rich * 8 + passing * 3 + diag + text * 2


# --------------------------------------------------------------------------------------
# hostile values and mutations

CONTROL = "".join(chr(c) for c in range(1, 32) if chr(c) not in "\n") + "\x7f\x85\u2028\u2029"
SPECIAL_STRINGS = (
    "---", "...", "*a", "&b", "!!python/object", "!!python/object/apply:os.system",
    "{{ x }}", "{% if %}", "${x}", "$(id)", "%s%n", "<script>", "'", '"', "\\", "#",
    ": x", "- x", "? x", "|", ">", "@x", "`x`", "~", "null", "yes", "no", "on", "0x1F",
    "1e3", "0o17", ".inf", ".nan", "2001-12-14", "12:30:00", "=", "<<",
    "ünïcødé", "\u202eevil\u202c", "\u200b", "\ufeffbom", "名前", "😀", "a" * 300,
    CONTROL, "tab\there", "cr\rhere", "multi\nline\nstring",
    "../../../etc/passwd", "/etc/passwd", "http://198.51.100.7/x.yaml", "file:///etc/passwd",
    "SELF", "SOURCE", "TARGET", "HOST",
)
FUNCTION_VALUES: tuple[Any, ...] = (
    {"get_input": "nope"},
    {"get_input": ["nope", 0, "x"]},
    {"get_input": []},
    {"get_input": None},
    {"get_property": ["SELF", "x", "y", "z"]},
    {"get_property": ["SELF"]},
    {"get_property": "SELF"},
    {"get_property": ["HOST", "image"]},
    {"get_property": ["SOURCE", "x"]},
    {"get_property": [{"get_input": "x"}, "y"]},
    {"get_attribute": ["SELF", "x", 0, -1]},
    {"get_attribute": [None]},
    {"get_artifact": ["SELF", "nope", "LOCAL_FILE"]},
    {"get_operation_output": ["SELF", "Standard", "create", "x"]},
    {"get_nodes_of_type": 5},
    {"concat": 5},
    {"concat": [{"concat": [{"concat": []}]}]},
    {"concat": ["a", {"get_input": "nope"}, ["b"], {"k": 1}]},
    {"join": [["a", "b"], 5]},
    {"join": 5},
    {"token": ["a"]},
    {"token": ["abc", "", 99]},
    {"token": ["abc", "b", -1]},
    {"token": "x"},
    {"get_input": "x", "concat": ["y"]},
    {"$get_input": "x"},
    {"unknown_function": [1]},
)
SCALAR_VALUES: tuple[Any, ...] = (
    None, 0, -1, 1, 2**63, -(2**64), 1e308, -1e308, math.inf, -math.inf, math.nan, 0.5,
    True, False, "", " ", "x" * 10240, "0", "-1", "1 GB", "-5 MB", "99999999 TB", "1e308 s",
    "0 s", "10 parsecs", "1.5.3",
)
CONTAINER_VALUES: tuple[Any, ...] = (
    [], [None], [1, "a", None], [[[]]], [{"a": 1}], {}, {"k": "v"}, {"": None},
    {"type": None}, {"type": "tosca.nodes.Root"}, {"default": {"get_input": "self"}},
    {"min": 10, "max": 1}, {"key": [1, 2]},
)
REQUIREMENT_NAMES = ("dependency", "wiring", "backing_service", "virtual_link", "host", "virtual_binding",
                     "link", "binding")


def _all_values() -> tuple[Any, ...]:
    return SCALAR_VALUES + SPECIAL_STRINGS + FUNCTION_VALUES + CONTAINER_VALUES


ALL_VALUES = _all_values()


def _sites(tree: Any, max_depth: int = 64) -> list[tuple[tuple, Any]]:
    """Every (path, value) below the root; a path is a tuple of keys / indices."""
    out: list[tuple[tuple, Any]] = []
    stack: list[tuple[tuple, Any]] = [((), tree)]
    while stack:
        path, value = stack.pop()
        if path:
            out.append((path, value))
        if len(path) >= max_depth:
            continue
        if isinstance(value, dict):
            stack.extend((path + (k,), v) for k, v in value.items())
        elif isinstance(value, list):
            stack.extend((path + (i,), v) for i, v in enumerate(value))
    out.sort(key=lambda pv: repr(pv[0]))  # independent of traversal order
    return out


def _parent(tree: Any, path: tuple) -> Any:
    node = tree
    for k in path[:-1]:
        node = node[k]
    return node


def _node_templates(tree: Any) -> dict | None:
    if not isinstance(tree, dict):
        return None
    tt = tree.get("topology_template")
    if isinstance(tt, dict) and isinstance(tt.get("node_templates"), dict) and tt["node_templates"]:
        return tt["node_templates"]
    return None


def _fresh(value: Any) -> Any:
    return copy.deepcopy(value)


class Mutator:
    """Applies named mutations to a plain YAML tree, recording what it did."""

    def __init__(self, rng: random.Random, tree: Any) -> None:
        self.rng = rng
        self.tree = tree
        self.log: list[str] = []

    # ----- site choice: half the time anywhere, half the time a structural site
    def _pick_site(self, containers_only: bool = False, mappings_only: bool = False) -> tuple | None:
        sites = _sites(self.tree)
        if containers_only:
            sites = [s for s in sites if isinstance(s[1], (dict, list))]
        if mappings_only:
            sites = [(p, v) for p, v in sites if isinstance(_parent(self.tree, p), dict)]
        if self.rng.random() < 0.8:  # the version and imports stop everything: spare them mostly
            sites = [s for s in sites if s[0][0] not in ("tosca_definitions_version", "imports")]
        if not sites:
            return None
        if self.rng.random() < 0.5:
            shallow = [s for s in sites if len(s[0]) <= 4]
            if shallow:
                sites = shallow
        return self.rng.choice(sites)[0]

    def drop_key(self) -> bool:
        path = self._pick_site(mappings_only=True)
        if path is None:
            return False
        del _parent(self.tree, path)[path[-1]]
        self.log.append(f"drop {path!r}")
        return True

    def replace_value(self) -> bool:
        path = self._pick_site()
        if path is None:
            return False
        value = _fresh(self.rng.choice(ALL_VALUES))
        _parent(self.tree, path)[path[-1]] = value
        self.log.append(f"replace {path!r} with {_short(value)}")
        return True

    def rename_key(self) -> bool:
        path = self._pick_site(mappings_only=True)
        if path is None:
            return False
        parent = _parent(self.tree, path)
        new = self.rng.choice(SPECIAL_STRINGS + ("type", "properties", "requirements", "node_templates",
                                                 "tosca_definitions_version", "imports"))
        # rebuild in order so the renamed key keeps its place
        items = [(new if k == path[-1] else k, v) for k, v in parent.items()]
        parent.clear()
        for k, v in items:
            parent[k] = v
        self.log.append(f"rename {path!r} to {_short(new)}")
        return True

    def duplicate_node(self) -> bool:
        nodes = _node_templates(self.tree)
        if not nodes:
            return False
        name = self.rng.choice(sorted(nodes))
        new = self.rng.choice(("copy", f"{name}-2", f"{name}_copy", "Upper_Case", "a" * 80, "x.y", "ünï",
                               "---", "*a", "{{ x }}", "${x}", ""))
        nodes[new] = _fresh(nodes[name])
        self.log.append(f"duplicate node {name!r} as {new!r}")
        return True

    def _requirement_name(self, node: dict) -> str:
        reqs = node.get("requirements")
        names = [next(iter(r)) for r in reqs if isinstance(r, dict) and r] if isinstance(reqs, list) else []
        return self.rng.choice(names or list(REQUIREMENT_NAMES))

    def _add_requirement(self, node: Any, req_name: str, target: Any) -> None:
        if not isinstance(node, dict):
            return
        reqs = node.get("requirements")
        if not isinstance(reqs, list):
            reqs = node["requirements"] = []
        form = self.rng.randrange(3)
        if form == 0:
            reqs.append({req_name: target})
        elif form == 1:
            reqs.append({req_name: {"node": target}})
        else:
            reqs.append({req_name: {"node": target, "relationship": "tosca.relationships.DependsOn"}})

    def self_requirement(self) -> bool:
        nodes = _node_templates(self.tree)
        if not nodes:
            return False
        name = self.rng.choice(sorted(nodes))
        if isinstance(nodes[name], dict):
            self._add_requirement(nodes[name], self._requirement_name(nodes[name]), name)
        self.log.append(f"requirement of {name!r} on itself")
        return True

    def requirement_cycle(self) -> bool:
        nodes = _node_templates(self.tree)
        if not nodes or len(nodes) < 2:
            return False
        names = sorted(nodes)
        k = min(len(names), self.rng.choice((2, 3, 4)))
        ring = self.rng.sample(names, k)
        for a, b in zip(ring, ring[1:] + ring[:1]):
            if isinstance(nodes[a], dict):
                self._add_requirement(nodes[a], self._requirement_name(nodes[a]), b)
        self.log.append(f"requirement cycle {ring!r}")
        return True

    def retarget_requirement(self) -> bool:
        """Point an existing requirement at an unknown / odd target."""
        sites = [p for p, v in _sites(self.tree) if len(p) >= 2 and p[-2] == "requirements"
                 and isinstance(v, dict) and v]
        if not sites:
            return False
        path = self.rng.choice(sites)
        req = _parent(self.tree, path)[path[-1]]
        key = next(iter(req))
        target = _fresh(self.rng.choice(("nope", None, 5, [], {"node": None}, {"node": "nope"},
                                         {"capability": "nope"}, {"relationship": {"type": "nope"}},
                                         {"node": ["a"]}, {"node_filter": {"properties": [{"x": 1}]}},
                                         {"occurrences": [5, 1]}, {"occurrences": ["a", "UNBOUNDED"]})))
        req[key] = target
        self.log.append(f"retarget {path!r} to {_short(target)}")
        return True

    def wrap_or_unwrap(self) -> bool:
        """Turn a value into a one-item list, or a list into its first item."""
        path = self._pick_site()
        if path is None:
            return False
        parent = _parent(self.tree, path)
        value = parent[path[-1]]
        if isinstance(value, list) and value and self.rng.random() < 0.5:
            parent[path[-1]] = value[0]
            self.log.append(f"unwrap {path!r}")
        else:
            parent[path[-1]] = [value]
            self.log.append(f"wrap {path!r}")
        return True

    def duplicate_list_item(self) -> bool:
        sites = [p for p, v in _sites(self.tree) if isinstance(v, list) and v]
        if not sites:
            return False
        path = self.rng.choice(sites)
        lst = _parent(self.tree, path)[path[-1]]
        lst.append(_fresh(self.rng.choice(lst)))
        self.log.append(f"duplicate an item of {path!r}")
        return True

    def transplant(self) -> bool:
        """Copy a subtree over another place (a node where a property was, ...)."""
        a, b = self._pick_site(), self._pick_site()
        if a is None or b is None or a[: len(b)] == b or b[: len(a)] == a:
            return False
        value = _fresh(_parent(self.tree, a)[a[-1]])
        _parent(self.tree, b)[b[-1]] = value
        self.log.append(f"transplant {a!r} over {b!r}")
        return True

    def same_kind(self) -> bool:
        """Replace a value with another of the same kind, which type checks let through
        more often than a hostile value of another kind: later phases see it."""
        path = self._pick_site()
        if path is None:
            return False
        parent = _parent(self.tree, path)
        old = parent[path[-1]]
        rng = self.rng
        if isinstance(old, bool):
            new: Any = not old
        elif isinstance(old, int):
            new = rng.choice((0, -1, 1, 2**31, 2**63, -(2**63), 10**30, old + 1, -old))
        elif isinstance(old, float):
            new = rng.choice((0.0, -0.0, 1e308, -1e308, 1e-308, math.inf, math.nan, -old))
        elif isinstance(old, str):
            new = rng.choice(SPECIAL_STRINGS + ("", old * 2, old[: len(old) // 2]))
        elif isinstance(old, list):
            how = rng.randrange(4)
            new = [] if how == 0 else old + _fresh(old) if how == 1 else old[::-1] if how == 2 else old[:1]
        elif isinstance(old, dict):
            keys = sorted(old)
            how = rng.randrange(3)
            if how == 0 or not keys:
                new = {}
            elif how == 1:  # keep one entry only
                k = rng.choice(keys)
                new = {k: old[k]}
            else:  # swap two values
                a, b = rng.choice(keys), rng.choice(keys)
                new = dict(old)
                new[a], new[b] = old[b], old[a]
        else:
            new = rng.choice(SCALAR_VALUES)
        parent[path[-1]] = new
        self.log.append(f"same-kind {path!r}: {_short(old)} -> {_short(new)}")
        return True

    def mutate_string(self) -> bool:
        """Edit a string scalar in place: the step language, scalar units, names, versions."""
        sites = [p for p, v in _sites(self.tree) if isinstance(v, str) and v]
        if not sites:
            return False
        path = self.rng.choice(sites)
        parent = _parent(self.tree, path)
        text: str = parent[path[-1]]
        i = self.rng.randrange(len(text) + 1)
        how = self.rng.randrange(7)
        if how == 0:
            new = text[:i]  # truncated: an unclosed "reconnect(attempts=3"
        elif how == 1:
            new = text[:i] + self.rng.choice("()[]{},=\"'\\:;#&*!|>%@`$ \t") + text[i:]
        elif how == 2:
            new = "".join(self.rng.choice(("99999999999999999999999", "-1", "0", "1e999", "NaN", "0x10"))
                          if c.isdigit() else c for c in text)
        elif how == 3:
            new = text + text[i:]  # a duplicated tail: "2m2m", "a, b)b)"
        elif how == 4:
            new = text[:i] + self.rng.choice(("\u202e", "\u00a0", "\x7f", "\u2028", "é", "😀")) + text[i:]
        elif how == 5:
            new = text.upper() if self.rng.random() < 0.5 else text.replace(" ", "")
        else:
            new = text[:i] + self.rng.choice(("reconnect(", "notify(via=http, port=", "reinstantiate(scope=[",
                                              ", timeout=", "=", "(", ")")) + text[i:]
        parent[path[-1]] = new
        self.log.append(f"edit string {path!r}: {_short(text)} -> {_short(new)}")
        return True

    def grow(self) -> bool:
        """A growth shape of issue 12 (tests/hostile/shapes.py): a chain of get_property
        hops, doubling concats, a concat of many references, or an extreme number."""
        return isinstance(self.tree, dict) and shapes.grow(self.rng, self.tree, self.log)

    OPS: tuple[tuple[str, int], ...] = (
        ("mutate_string", 4), ("same_kind", 8),
        ("drop_key", 4), ("replace_value", 10), ("rename_key", 2), ("duplicate_node", 2),
        ("self_requirement", 2), ("requirement_cycle", 2), ("retarget_requirement", 2),
        ("wrap_or_unwrap", 2), ("duplicate_list_item", 1), ("transplant", 2), ("grow", 1),
    )

    def mutate(self, count: int) -> None:
        names = [n for n, _ in self.OPS]
        weights = [w for _, w in self.OPS]
        done = tries = 0
        while done < count and tries < 20:
            tries += 1
            if getattr(self, self.rng.choices(names, weights)[0])():
                done += 1


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


# --------------------------------------------------------------------------------------
# one mutant


@dataclass(slots=True)
class Mutant:
    index: int
    seed: Seed
    text: str  # the mutated file, as written
    log: list[str]
    targets: tuple[str, ...] = ("kubernetes",)  # --target: which policy back ends run
    inputs: dict | None = None  # --set: values for the topology's inputs


TARGETS = ("kubernetes", "onap", "osm", "tacker")


def _choose_options(rng: random.Random, tree: Any, log: list[str]) -> tuple[tuple[str, ...], dict | None]:
    """Every orchestrator target now and then, and hostile values for declared inputs."""
    targets: tuple[str, ...] = ("kubernetes",)
    if rng.random() < 0.5:
        targets = tuple(t for t in TARGETS if rng.random() < 0.5) or ("onap",)
        log.append(f"targets {targets!r}")
    inputs = None
    tt = tree.get("topology_template") if isinstance(tree, dict) else None
    declared = tt.get("inputs") if isinstance(tt, dict) else None
    if isinstance(declared, dict) and declared and rng.random() < 0.25:
        name = rng.choice(sorted(str(k) for k in declared))
        inputs = {name: _fresh(rng.choice(ALL_VALUES))}
        if rng.random() < 0.3:
            inputs["undeclared_input"] = 1
        log.append(f"inputs {_short(inputs)}")
    return targets, inputs


META_LINES = (
    "Entry-Definitions: ../../etc/passwd", "Entry-Definitions: /etc/passwd", "Entry-Definitions: ",
    "Entry-Definitions: Definitions/", "Entry-Definitions: http://198.51.100.7/x.yaml",
    "ETSI-Entry-Manifest: nope.mf", "ETSI-Entry-Manifest: ../x.mf", "ETSI-Entry-Certificate: x.cert",
    "TOSCA-Meta-File-Version: 99", "CSAR-Version: x", "Created-By:", ": value", "no colon here",
    "Source: ../../etc/passwd", "Source: /etc/passwd", "Source: Definitions", "Source: ",
    "Algorithm: MD5", "Algorithm: SHA-256", "Algorithm: ", "Hash: zz", "Hash: " + "f" * 64,
    "Hash: " + "0" * 100000, "metadata:", "non_mano_artifact_sets:", "-----BEGIN CMS-----",
    "-----END CMS-----", "  indented: value", "\t", "x" * 20000, "ünï: cødé", "Name: ", "Content-Type: x",
)


def mutate_text(rng: random.Random, text: str, log: list[str]) -> str:
    """Line-level mutations of TOSCA.meta and manifest files."""
    lines = text.splitlines()
    for _ in range(rng.choice((1, 1, 2, 3))):
        i = rng.randrange(len(lines) + 1)
        how = rng.randrange(6)
        if how == 0 and lines:
            log.append(f"drop line {min(i, len(lines) - 1) + 1}")
            del lines[min(i, len(lines) - 1)]
        elif how == 1 and lines:
            j = min(i, len(lines) - 1)
            log.append(f"duplicate line {j + 1}")
            lines.insert(j, lines[j])
        elif how == 2 and lines:
            j = min(i, len(lines) - 1)
            key, sep, _ = lines[j].partition(":")
            new = f"{key}{sep or ':'} {rng.choice(SPECIAL_STRINGS)}"
            log.append(f"line {j + 1} -> {_short(new)}")
            lines[j] = new
        elif how == 3 and lines:
            j = min(i, len(lines) - 1)
            cut = rng.randrange(len(lines[j]) + 1)
            log.append(f"truncate line {j + 1} at {cut}")
            lines[j] = lines[j][:cut]
        else:
            new = rng.choice(META_LINES)
            log.append(f"insert at line {i + 1}: {_short(new)}")
            lines.insert(i, new)
    end = rng.choice(("\n", "\r\n", ""))
    return end.join(lines) + (end if end else "")


def make_mutant(index: int, seeds: list[Seed] | None = None, seed: str = SEED) -> Mutant | None:
    seeds = seeds if seeds is not None else all_seeds()
    if not seeds:
        return None
    rng = random.Random(f"{seed}:{index}")
    s = seeds[rng.randrange(len(seeds))]
    source = (s.root / s.mutate).read_text(encoding="utf-8")
    if s.mutate.endswith(TEXT_SUFFIXES):
        log: list[str] = []
        return Mutant(index, s, mutate_text(rng, source, log), log)
    diags = Diagnostics()
    tree = load_yaml(source, s.mutate, diags)
    if diags.has_errors or tree is None:
        return None
    tree = to_plain(tree)
    m = Mutator(rng, tree)
    m.mutate(rng.choice((1, 1, 1, 2, 3)))
    text = yaml.safe_dump(m.tree, sort_keys=False, allow_unicode=rng.random() < 0.5, width=rng.choice((80, 4096)))
    # an integer PyYAML could not even write (> 4,300 digits) goes in as text
    text = text.replace(shapes.BIGINT_MARK, shapes.BIGINT)
    targets, inputs = _choose_options(rng, m.tree, m.log)
    return Mutant(index, s, text, m.log, targets, inputs)


def materialise(mutant: Mutant, where: Path) -> Path:
    """Copy the seed under ``where/in``, write the mutant, return the path to compile."""
    s = mutant.seed
    dest = where / "in"
    if s.single:
        dest.mkdir(parents=True)
    else:
        shutil.copytree(s.root, dest)
    target = dest / s.mutate
    target.write_text(mutant.text, encoding="utf-8")
    return dest if s.entry == "." else dest / s.entry
