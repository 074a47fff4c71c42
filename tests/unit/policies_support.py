"""Test helpers of the failure-policy back end: IR builders and schema utilities.

Not a test module (no ``test_`` prefix).  Builds Plan/XModel/ResolvedStep objects
directly, so the back end is tested independently of the front end, and derives the
JSON Schema of the FailurePolicy from the CRD (the shipped file must equal it).
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import yaml

from compiler.diagnostics import NO_SPAN, Diagnostics, Span
from compiler.pipeline import Compilation, Options
from compiler.resources import schemas_dir
from compiler.model.xfactor import (
    Chain,
    Edge,
    GraphNode,
    Plan,
    Process,
    ResolvedStep,
    ResolvedWiring,
    Wiring,
    XModel,
    step_arguments,
)

JSON_SCHEMA_ID = "https://xfactor.io/schemas/failurepolicy-v1alpha2.json"
DNS1123_SUBDOMAIN = r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$"
DNS1123_LABEL = r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$"


def load_crd() -> dict:
    return yaml.safe_load((schemas_dir() / "failurepolicy-crd.yaml").read_text(encoding="utf-8"))


def crd_schema() -> dict:
    return load_crd()["spec"]["versions"][0]["schema"]["openAPIV3Schema"]


def _strip(node: Any) -> Any:
    if isinstance(node, dict):
        return {k: _strip(v) for k, v in node.items() if not k.startswith("x-kubernetes-")}
    if isinstance(node, list):
        return [_strip(v) for v in node]
    return node


def _close_objects(node) -> None:
    """Unknown fields are errors: what the API server's strict field validation (kubectl's
    default) does for a structural schema, which itself may not say additionalProperties
    beside properties."""
    if isinstance(node, dict):
        if "properties" in node and "additionalProperties" not in node \
                and not node.get("x-kubernetes-preserve-unknown-fields"):
            node["additionalProperties"] = False
        for key, value in node.items():
            if key in ("properties", "patternProperties"):
                for sub in value.values():
                    _close_objects(sub)
            elif key in ("items", "additionalProperties") and isinstance(value, dict):
                _close_objects(value)
            # allOf/anyOf/oneOf/not only add rules to properties declared outside them


def derive_json_schema(crd: dict) -> dict:
    """The JSON Schema (2020-12) of a FailurePolicy: the CRD's schema, plus what the API
    server checks itself (apiVersion, kind, metadata.name)."""
    schema = copy.deepcopy(_strip(crd["spec"]["versions"][0]["schema"]["openAPIV3Schema"]))
    _close_objects(schema)
    group = crd["spec"]["group"]
    version = crd["spec"]["versions"][0]["name"]
    schema["properties"]["apiVersion"] = {"type": "string", "const": f"{group}/{version}"}
    schema["properties"]["kind"] = {"type": "string", "const": crd["spec"]["names"]["kind"]}
    schema["properties"]["metadata"] = {
        "type": "object",
        "required": ["name"],
        "properties": {
            "name": {"type": "string", "maxLength": 253, "pattern": DNS1123_SUBDOMAIN},
            "namespace": {"type": "string", "maxLength": 63, "pattern": DNS1123_LABEL},
            "labels": {"type": "object", "additionalProperties": {"type": "string"}},
            "annotations": {"type": "object", "additionalProperties": {"type": "string"}},
        },
    }
    out = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": JSON_SCHEMA_ID,
        "title": "xfactor.io/v1alpha2 FailurePolicy",
    }
    out.update(schema)
    return out


def json_schema_text(crd: dict) -> str:
    return json.dumps(derive_json_schema(crd), indent=2, sort_keys=True) + "\n"


def shipped_json_schema() -> dict:
    return json.loads((schemas_dir() / "failurepolicy.schema.json").read_text(encoding="utf-8"))


def onap_schema() -> dict:
    return json.loads((schemas_dir() / "onap-operational-policy.schema.json").read_text(encoding="utf-8"))


# --------------------------------------------------------------------------- IR builders

F = "chain.yaml"


def span(line: int, col: int = 11) -> Span:
    return Span(F, line, col, line, col + 10, '"')


def step(action: str, line: int = 0, shutdown: tuple = (), startup: tuple = (), **args: Any) -> ResolvedStep:
    return ResolvedStep(
        action=action,
        args=step_arguments(action, args),
        shutdown_order=tuple(shutdown),
        startup_order=tuple(startup),
        span=span(line) if line else NO_SPAN,
    )


class FakeTopology:
    """Just what the policy back end reads from a Topology."""

    def __init__(self, name: str | None = "chain", file: str = F, flavour: str | None = None,
                 inputs: dict | None = None) -> None:
        self.metadata = {"template_name": name} if name else {}
        self.file = file
        self.flavour = flavour
        self.inputs = inputs or {}
        self.description = "A three-CNF chain: amf -> smf -> upf, with a session store."


def chain_unit(targets: tuple[str, ...] = ("kubernetes",), inputs: dict | None = None,
               namespace: str | None = "core", name: str | None = "chain") -> Compilation:
    """amf -> smf -> upf in a fragile chain ``core``; the ladders use every action."""
    procs = {
        "amf": Process(node="amf", state="stateless", origin="policy"),
        "smf": Process(node="smf", state="stateful", origin="policy"),
        "upf": Process(node="upf", state="stateless", origin="policy"),
    }
    w1 = Wiring(name="smf_to_upf", source="smf", target="upf", stickiness="connection",
                propagate="upstream", chain="core", span=span(20, 7))
    w2 = Wiring(name="amf_to_smf", source="amf", target="smf", stickiness="pinned",
                propagate="both", chain="core", span=span(30, 7))
    xm = XModel(
        workloads=("amf", "smf", "upf"),
        processes=procs,
        wirings={"smf_to_upf": w1, "amf_to_smf": w2},
        chains={"core": Chain(name="core", members=("amf", "smf", "upf"), fragile=True)},
        uses_profile=True,
    )
    rw1 = ResolvedWiring(
        wiring=w1,
        steps=(
            step("reconnect", 24, attempts=3, backoff=0.5),
            step("reinstantiate", 25, shutdown=("smf", "upf"), startup=("upf", "smf"),
                 scope=("upf", "smf"), timeout=120.0),
            step("shutdown_chain", 26, shutdown=("amf", "smf", "upf"),
                 startup=("upf", "smf", "amf"), chain="core"),
        ),
        chain="core",
        upstream=("smf", "amf"),
        downstream=("upf",),
        propagate_to=("amf", "smf"),
    )
    rw2 = ResolvedWiring(
        wiring=w2,
        steps=(
            step("notify", 34, via="http", path="/wiring-failed", port=8080, timeout=10.0),
            step("shutdown_chain", 0, shutdown=("amf", "smf", "upf"),
                 startup=("upf", "smf", "amf"), chain="core"),
        ),
        chain="core",
        upstream=("amf",),
        downstream=("smf", "upf"),
        propagate_to=("amf", "smf", "upf"),
    )
    plan = Plan(
        nodes={n: GraphNode(name=n, index=i, kind="workload", state=procs[n].state)
               for i, n in enumerate(("amf", "smf", "upf"))},
        edges=(Edge(source="amf", target="smf", kind="wiring", label="amf_to_smf", span=w2.span),
               Edge(source="smf", target="upf", kind="wiring", label="smf_to_upf", span=w1.span)),
        waves=(("upf",), ("smf",), ("amf",)),
        chains={"core": ("upf", "smf", "amf")},
        wirings={"smf_to_upf": rw1, "amf_to_smf": rw2},
    )
    unit = Compilation(
        path=F,
        options=Options(targets=targets, inputs=inputs or {}, namespace=namespace),
        diagnostics=Diagnostics(),
    )
    unit.topology = FakeTopology(name=name)  # type: ignore[assignment]
    unit.xmodel = xm
    unit.plan = plan
    return unit


if __name__ == "__main__":  # regenerate the shipped JSON Schema from the CRD
    Path(schemas_dir() / "failurepolicy.schema.json").write_text(json_schema_text(load_crd()), encoding="utf-8")
