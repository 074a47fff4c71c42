"""`xfc check FILE` imports what it runs and nothing else (issue 12, item 6): no other
verb's module, no bundler, no server, no process pool, no tosca-parser (only its folder
is needed, for the normative type files), no Jinja; and no networkx unless the topology has
a cycle (compiler.graph takes acyclic waves from ``graphlib``, and the sides of wirings in a
chain from its own ``Sides``).

Which modules load, not how long they take: the house rule keeps timed assertions out of
the suite (bench/run.py times a cold check).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "samples" / "5g-core-slice" / "slice.yaml"
CYCLE = REPO / "tests" / "diagnostics" / "xf-dependency-cycle"
TACKER_CSAR = "tacker/samples/etsi_getting_started/tosca/sample_vnf_package_csar"

PROBE = """
import io, json, sys
sys.path.insert(0, sys.argv[1])
from compiler.cli import main
out = io.StringIO()
code = main(sys.argv[2:], out=out)
print(json.dumps({"code": code, "modules": sorted(sys.modules), "out": out.getvalue()}))
"""

NOT_FOR_CHECK = (
    "compiler.bundlers", "compiler.service", "compiler.commands.serve",
    "compiler.commands.bundle", "compiler.commands.compile", "compiler.commands.simulate",
    "compiler.commands.krm", "compiler.commands.explain", "compiler.commands.graph",
    "compiler.graph.simulate", "compiler.krm", "compiler.sarif",
    "multiprocessing", "concurrent.futures", "toscaparser", "pbr", "jinja2",
    # one PATH is not a batch (compiler.usage.batch_wanted), and check writes nothing
    "compiler.batch", "compiler.output",
)


def _probe(*argv: str) -> dict:
    out = subprocess.run([sys.executable, "-c", PROBE, str(REPO), *argv],
                         capture_output=True, text=True, check=True, timeout=120)
    return json.loads(out.stdout.strip().splitlines()[-1])


def _modules(*argv: str) -> tuple[int, list[str]]:
    doc = _probe(*argv)
    return doc["code"], doc["modules"]


def _loaded(modules: list[str], name: str) -> bool:
    return any(m == name or m.startswith(name + ".") for m in modules)


def test_check_loads_only_what_it_runs() -> None:
    code, modules = _modules("check", str(SAMPLE))
    assert code == 0
    assert [n for n in NOT_FOR_CHECK if _loaded(modules, n)] == []
    # and it did run the back ends (check runs them by design)
    assert _loaded(modules, "compiler.emitters.kubernetes")
    assert _loaded(modules, "compiler.emitters.policies")


def test_a_tacker_csar_checks_without_networkx(corpus: Path) -> None:
    """A typical Tacker CSAR has no cycle and no chain: its waves come from graphlib."""
    # the sample is kept without its VM image (artifact-missing without the flag)
    code, modules = _modules("check", str(corpus / TACKER_CSAR), "--allow-missing-artifacts")
    assert code == 0
    assert not _loaded(modules, "networkx")
    assert _loaded(modules, "compiler.graph")  # the plan was built


def test_wirings_without_a_chain_need_no_networkx() -> None:
    code, modules = _modules("check", str(CYCLE / "pass.yaml"))  # two wirings, no chain
    assert code == 0
    assert not _loaded(modules, "networkx")


def test_wirings_in_a_chain_need_no_networkx() -> None:
    chain = REPO / "tests" / "unit" / "policies_data" / "chain.yaml"
    assert "xfactor.groups.Chain" in chain.read_text()
    code, modules = _modules("check", str(chain))
    assert code == 0
    assert _loaded(modules, "compiler.graph")  # the plan, with the chain's sides, was built
    assert not _loaded(modules, "networkx")


def test_a_cycle_is_reported_as_before_with_networkx() -> None:
    """On a cycle, graphlib only says there is one: networkx condenses it and names it,
    so the report is the one the diagnostics suite pins (fail.expect), word for word."""
    doc = _probe("check", "--format", "json", str(CYCLE / "fail.yaml"))
    assert doc["code"] == 1
    assert _loaded(doc["modules"], "networkx")
    found = [(d["line"], d["column"], d["message"]) for d in json.loads(doc["out"])["diagnostics"]
             if d["code"] == "xf-dependency-cycle"]
    message = ("the deployment order has a cycle: a -> b -> c -> a "
               "(by wiring, requirement, wiring)")
    assert found == [(13, 11, message)]
    assert (CYCLE / "fail.expect").read_text().split() == ["13:11", "xf-dependency-cycle"]


NOT_FOR_LISTING = ("compiler.pipeline", "compiler.api", "compiler.diagnostics", "compiler.model",
                   "compiler.commands.common", "yaml", "lark", "dataclasses")


def test_version_and_help_import_no_verb() -> None:
    """``xfc --version``, ``xfc --help`` and a misspelt verb need the verbs' names and
    one-line helps only (compiler.cli.VERBS): no verb module, no pipeline, no YAML reader."""
    for argv, code in ((["--version"], 0), (["--help"], 0), (["chek"], 2), ([], 2)):
        got, modules = _modules(*argv)
        assert got == code, argv
        assert [m for m in modules if m.startswith("compiler.commands.")
                and m != "compiler.commands.formats"] == [], argv
        assert [n for n in NOT_FOR_LISTING if _loaded(modules, n)] == [], argv


def test_a_verb_is_listed_with_its_line_of_the_table() -> None:
    """The one-line help of each verb lives in compiler.cli.VERBS (so listing them imports
    none): every verb module of the table exists, and the listing shows its line."""
    from compiler import cli

    listing = subprocess.run([sys.executable, "-m", "compiler", "--help"], cwd=REPO,
                             capture_output=True, text=True, timeout=120).stdout
    words = " ".join(listing.split())  # argparse wraps the lines
    for verb, (module, line) in cli.VERBS.items():
        assert (REPO / (module.replace(".", "/") + ".py")).is_file(), module
        assert f" {verb} {line} " in words, verb


def test_a_check_that_stops_at_load_builds_no_x_factor_model(corpus: Path) -> None:
    """The Tacker sample kept without its image stops at load (artifact-missing): the IR
    of the X-factor model, the analysis verbs' classes and the back ends are not imported
    (each frozen dataclass costs about a millisecond to create: docs/performance.md)."""
    code, modules = _modules("check", str(corpus / TACKER_CSAR))
    assert code == 1
    for name in ("compiler.model.xfactor", "compiler.api.analysis", "compiler.normalize",
                 "compiler.emitters", "compiler.graph",
                 # the resolved IR's 12 classes (compiler.model imports them on first use)
                 "compiler.model.topology",
                 # the resolver's package (its type tables): the loader imports nothing
                 # of it (its quirks table is compiler.loader.quirks)
                 "compiler.resolve"):
        assert not _loaded(modules, name), name
    # lark is imported without the optional regex module, which it would take when
    # installed and use only for grammars with Unicode categories (none of xfc's)
    assert _loaded(modules, "lark")
    assert not _loaded(modules, "regex")


LARK_PROBE = """
import json, sys
sys.path.insert(0, sys.argv[1])
first = sys.argv[2]
if first == "regex":
    import regex
from compiler import parsers
from compiler.loader import manifest
after = "regex" in sys.modules
try:
    import regex  # still importable after lark was
    importable = True
except ImportError:
    importable = False
tree = parsers.get("tosca_meta").parse("TOSCA-Meta-File-Version: 1.0\\n")
print(json.dumps({"after": after, "importable": importable, "parsed": tree is not None,
                  "lark_regex": sys.modules["lark.utils"]._has_regex}))
"""


def test_lark_is_imported_without_regex_and_leaves_it_importable() -> None:
    """compiler.parsers imports lark with ``regex`` hidden only when nothing imported it
    before: a process that uses ``regex`` keeps it, and one that imports it later gets it."""
    pytest.importorskip("regex", reason="the optional regex module is not installed")
    for first, regex_in_lark in (("lark", False), ("regex", True)):
        out = subprocess.run([sys.executable, "-c", LARK_PROBE, str(REPO), first],
                             capture_output=True, text=True, check=True, timeout=120)
        doc = json.loads(out.stdout.strip().splitlines()[-1])
        assert doc == {"after": regex_in_lark, "importable": True, "parsed": True,
                       "lark_regex": regex_in_lark}, first


def test_help_still_lists_every_verb() -> None:
    out = subprocess.run([sys.executable, "-m", "compiler", "--help"], cwd=REPO,
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0
    for verb in ("check", "compile", "graph", "simulate", "explain", "bundle", "serve"):
        assert f"    {verb}" in out.stdout


def test_a_misspelt_verb_names_the_choices() -> None:
    out = subprocess.run([sys.executable, "-m", "compiler", "chek", str(SAMPLE)], cwd=REPO,
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 2
    assert "invalid choice: 'chek'" in out.stderr and "'check'" in out.stderr


# Who imports importlib.metadata during a run: the plugin scan (compiler.plugins) needs it
# only for a name that is not built in, so a check of built-ins alone never scans.
METADATA_PROBE = """
import io, json, sys, traceback
sys.path.insert(0, sys.argv[1])
at_start = "importlib.metadata" in sys.modules  # a site hook of this environment took it
importers = []
class Watch:
    def find_spec(self, name, path=None, target=None):
        if name == "importlib.metadata":
            frames = [f.filename for f in traceback.extract_stack()[:-1]
                      if not f.filename.startswith("<")]
            importers.append(frames[-1])
        return None
sys.meta_path.insert(0, Watch())
from compiler import plugins
from compiler.cli import main
code = main(sys.argv[2:], out=io.StringIO())
print(json.dumps({"code": code, "scanned": bool(plugins._EP_CACHE), "importers": importers,
                  "at_start": at_start, "modules": sorted(sys.modules)}))
"""


def test_a_check_of_built_ins_imports_no_importlib_metadata(corpus: Path) -> None:
    for path in (SAMPLE, corpus / TACKER_CSAR):
        out = subprocess.run([sys.executable, "-c", METADATA_PROBE, str(REPO), "check",
                              str(path), "--target", "tacker", "--target", "onap",
                              "--param", "vnf_instance_id=3f2a-77",
                              "--allow-missing-artifacts"],
                             capture_output=True, text=True, check=True, timeout=120)
        doc = json.loads(out.stdout.strip().splitlines()[-1])
        assert doc["code"] == 0 and not doc["scanned"], path
        # networkx (compiler.graph) imports it for its own backends; nothing else may
        others = [f for f in doc["importers"] if "/networkx/" not in f]
        assert others == [], (path, others)
        if "networkx" not in doc["modules"] and not doc["at_start"]:
            assert "importlib.metadata" not in doc["modules"], path


MODEL_PROBE = """
import json, sys
sys.path.insert(0, sys.argv[1])
import compiler.model as model
before = "compiler.model.topology" in sys.modules
listed = "Topology" in dir(model)
from compiler.model import NodeTemplate, Topology
from compiler.model import topology
try:
    model.NoSuchName
    missing = False
except AttributeError:
    missing = True
print(json.dumps({"before": before, "listed": listed, "missing": missing,
                  "same": Topology is topology.Topology and NodeTemplate is topology.NodeTemplate,
                  "module": Topology.__module__}))
"""


def test_the_resolved_ir_is_imported_on_first_use() -> None:
    """compiler.model keeps every name it had; the resolved templates' module is imported
    when one of them is first asked for (PEP 562), and an unknown name is still an error."""
    out = subprocess.run([sys.executable, "-c", MODEL_PROBE, str(REPO)],
                         capture_output=True, text=True, check=True, timeout=120)
    doc = json.loads(out.stdout.strip().splitlines()[-1])
    assert doc == {"before": False, "listed": True, "missing": True, "same": True,
                   "module": "compiler.model.topology"}


def test_the_writer_is_reached_through_the_api_support_module() -> None:
    """compiler.api.support imports the output writer on first use of one of its names,
    and gives the writer's own objects (the faces catch its OutputError)."""
    from compiler import output
    from compiler.api import support

    assert support.write_outputs is output.write_outputs
    assert support.OutputError is output.OutputError
    assert support.make_temp is output.make_temp
    with pytest.raises(AttributeError):
        support.no_such_name  # noqa: B018


def test_a_batch_is_told_from_one_path_without_batch_mode() -> None:
    import argparse

    from compiler import batch
    from compiler.usage import batch_wanted

    for paths, timeout, many in ((["a.yaml"], None, False), (["a.yaml", "b.yaml"], None, True),
                                 (["-"], None, True), (["a.yaml"], 5.0, True),
                                 ("a.yaml", None, False)):
        args = argparse.Namespace(path=paths, timeout=timeout)
        assert batch_wanted(args) is many, (paths, timeout)
        assert batch.wanted(args) is many, (paths, timeout)
