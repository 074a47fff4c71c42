"""The Helm bundler against the real helm: lint, render, overrides, schema, injection."""

from __future__ import annotations

import json
import re

import jsonschema
import pytest
import yaml

from compiler.bundlers import CLUSTER_SCOPED, semver
from tests.support.validators import _helm_run, require_tool
from tests.unit.bundle_support import FIXTURES, SAMPLES, assert_same_objects, bundle, \
    expected, leaf_diff, rendered

BRACES = FIXTURES / "braces.yaml"


def _chart(tmp_path, path, **opts):
    unit, files = bundle(path, "helm", tmp_path / "out", **opts)
    (chart,) = {f.path.split("/")[1] for f in files}
    return unit, tmp_path / "out" / "helm" / chart


def _template(chart, *sets: str) -> tuple[int, str]:
    args = ["template", "rel", str(chart), "--include-crds"]
    for s in sets:
        args += ["--set", s]
    return _helm_run(args)


@pytest.mark.parametrize("sample", SAMPLES + [str(BRACES), str(FIXTURES / "typed-inputs.yaml")])
def test_lint_strict_and_template_equals_compile(tmp_path, sample):
    require_tool("helm")
    unit, chart = _chart(tmp_path, sample)
    rc, out = _helm_run(["lint", "--strict", str(chart)])
    assert rc == 0, out
    rc, out = _template(chart)
    assert rc == 0, out
    assert_same_objects(rendered(out), expected(unit))


def test_chart_yaml_fields(tmp_path):
    _, chart = _chart(tmp_path, "samples/5g-core-slice/slice.yaml")
    meta = yaml.safe_load((chart / "Chart.yaml").read_text())
    assert meta["apiVersion"] == "v2"
    assert re.fullmatch(r"[a-z0-9-]+", meta["name"])
    assert meta["version"] == "1.0.0"  # template_version "1.0", made SemVer
    assert meta["appVersion"] == "1.0"
    text = (chart / "Chart.yaml").read_text()
    # written as strings: YAML must not read them as numbers
    assert 'version: "1.0.0"' in text and 'appVersion: "1.0"' in text
    assert (chart / "crds" / "failurepolicy-crd.yaml").is_file()
    assert not list((chart / "templates").glob("*crd*"))


def test_values_schema_is_draft7_and_types_the_defaults(tmp_path):
    _, chart = _chart(tmp_path, "samples/5g-core-slice/slice.yaml")
    schema = json.loads((chart / "values.schema.json").read_text())
    assert schema["$schema"] == "http://json-schema.org/draft-07/schema#"
    jsonschema.Draft7Validator.check_schema(schema)
    values = yaml.safe_load((chart / "values.yaml").read_text())
    jsonschema.Draft7Validator(schema).validate(values)
    amf = schema["properties"]["workloads"]["properties"]["amf"]["properties"]
    assert amf["replicas"] == {"type": "integer", "minimum": 2, "maximum": 6}
    assert values["workloads"]["amf"]["containers"]["amf"]["image"] == {
        "repository": "registry.example.net/5gc/amf", "tag": "2.1.0", "pullPolicy": "IfNotPresent"}
    assert values["inputs"] == {"slice_id": "01-000001",
                                "session_store_secret": "session-store-credentials",
                                "subscriber_db_secret": "subscriber-db-credentials"}
    assert values["namespace"] == ""


def test_overrides_change_exactly_their_fields(tmp_path):
    require_tool("helm")
    unit, chart = _chart(tmp_path, "samples/5g-core-slice/slice.yaml")
    rc, out = _template(chart, "workloads.amf.replicas=5", "inputs.slice_id=01-000777",
                        "workloads.upf.containers.upf.image.tag=2.2.0")
    assert rc == 0, out
    got, want = rendered(out), expected(unit)
    changes = {k: leaf_diff(got[k], want[k]) for k in want}
    assert {k[2] + ":" + k[1]: v for k, v in changes.items() if v} == {
        "amf:Deployment": [".spec.replicas"],
        "upf:Deployment": [".spec.template.spec.containers[0].env[0].value",
                           ".spec.template.spec.containers[0].image"],
        "5g-core-slice-inputs:ConfigMap": [".data.slice_id"],
    }
    upf = got[("apps/v1", "Deployment", "upf")]["spec"]["template"]["spec"]["containers"][0]
    assert upf["image"] == "registry.example.net/5gc/upf:2.2.0"
    assert upf["env"][0] == {"name": "SLICE_ID", "value": "01-000777"}
    assert got[("apps/v1", "Deployment", "amf")]["spec"]["replicas"] == 5


def test_namespace_value_sets_metadata_namespace(tmp_path):
    require_tool("helm")
    unit, chart = _chart(tmp_path, "samples/sol001-v4-container-vnf/vnfd.yaml")
    rc, out = _template(chart, "namespace=ims")
    assert rc == 0, out
    for key, obj in rendered(out).items():
        if key[1] == "CustomResourceDefinition":
            assert "namespace" not in obj["metadata"]
        else:
            assert obj["metadata"]["namespace"] == "ims", key


@pytest.mark.parametrize("bad", [
    "workloads.amf.replicas=seven",       # not an integer
    "workloads.amf.replicas=9",           # above the descriptor's max 6
    "workloads.amf.replicas=1",           # below the descriptor's min 2
    "workloads.amf.autoscaling.maxReplicas=0",
    "namespace=Not_A_Label",
    "workloads.amf.replicaz=3",           # a typo: unknown keys are refused
    "workloads.amf.containers.amf.image.pullPolicy=Sometimes",
    "workloads.amf.containers.amf.resources.limits.cpu=lots",
])
def test_schema_refuses_wrong_set(tmp_path, bad):
    require_tool("helm")
    _, chart = _chart(tmp_path, "samples/5g-core-slice/slice.yaml")
    rc, out = _template(chart, bad)
    assert rc != 0 and "schema" in out.lower(), out


def test_descriptor_braces_are_literal_text(tmp_path):
    require_tool("helm")
    unit, chart = _chart(tmp_path, BRACES)
    text = (chart / "templates" / "deployment-web.yaml").read_text()
    assert "fail" in text and "{{ fail" not in text
    rc, out = _template(chart)
    assert rc == 0, out
    web = rendered(out)[("apps/v1", "Deployment", "web")]
    env = {e["name"]: e["value"] for e in web["spec"]["template"]["spec"]["containers"][0]["env"]}
    assert env["RAW"] == '{{ fail "boom" }}'
    assert env["BANNER"] == "{{ .Release.Name }} }}{{/* x */}}"
    # a --set value with braces stays data too (values are never templated)
    override = tmp_path / "override.yaml"
    override.write_text('inputs: { banner: "{{ .Chart.Name }}" }\n')
    rc, out = _helm_run(["template", "rel", str(chart), "--values", str(override)])
    assert rc == 0, out
    web = rendered(out)[("apps/v1", "Deployment", "web")]
    env = {e["name"]: e["value"] for e in web["spec"]["template"]["spec"]["containers"][0]["env"]}
    assert env["BANNER"] == "{{ .Chart.Name }}"


def test_input_reached_through_an_expression_is_pinned(tmp_path):
    require_tool("helm")
    unit, chart = _chart(tmp_path, BRACES)
    schema = json.loads((chart / "values.schema.json").read_text())["properties"]["inputs"]
    assert schema["properties"]["region"]["const"] == "eu"  # concat: [zone-, region]
    assert schema["properties"]["level"] == {"type": "integer", "minimum": 1, "maximum": 5}
    rc, out = _template(chart, "inputs.region=us")
    assert rc != 0 and "schema" in out.lower(), out
    # an integer input reaches the inputs ConfigMap as text
    rc, out = _template(chart, "inputs.level=4")
    assert rc == 0, out
    cm = rendered(out)[("v1", "ConfigMap", "braces-inputs")]
    assert cm["data"]["level"] == "4"
    rc, out = _template(chart, "inputs.level=6")
    assert rc != 0, out


@pytest.mark.parametrize("raw,want", [
    ("1.0", "1.0.0"), ("2", "2.0.0"), ("4.4.1-1.0", "4.4.1-1.0"), ("v1.2.3", "1.2.3"),
    ("1.2.3+build.5", "1.2.3+build.5"), ("banana", "0.1.0"), (None, "0.1.0"), ("01.2", "1.2.0"),
])
def test_semver(raw, want):
    assert semver(raw) == want


def test_input_taken_over_by_an_image_value_is_pinned(tmp_path):
    require_tool("helm")
    unit, chart = _chart(tmp_path, FIXTURES / "image-input.yaml")
    schema = json.loads((chart / "values.schema.json").read_text())
    image = schema["properties"]["inputs"]["properties"]["image"]
    assert image["const"] == "registry.example.net/web:1.0.0"
    assert "its own value" in image["description"]
    rc, out = _template(chart, "inputs.image=registry.example.net/web:2.0.0")
    assert rc != 0 and "schema" in out.lower(), out
    # the image itself is still a value
    rc, out = _template(chart, "workloads.web.containers.web.image.tag=2.0.0")
    assert rc == 0, out
    web = rendered(out)[("apps/v1", "Deployment", "web")]
    assert web["spec"]["template"]["spec"]["containers"][0]["image"] == "registry.example.net/web:2.0.0"


def test_list_map_and_scalar_unit_inputs_are_plain_pinned_values(tmp_path):
    unit, chart = _chart(tmp_path, FIXTURES / "typed-inputs.yaml")
    values = yaml.safe_load((chart / "values.yaml").read_text())
    assert values["inputs"] == {"m": {"k": "v"}, "t": "1 GiB", "x": ["a"], "v": 1.0, "f": 2.0}
    schema = json.loads((chart / "values.schema.json").read_text())["properties"]["inputs"]
    assert {k: (v["type"], v["const"]) for k, v in schema["properties"].items()} == {
        "m": ("object", {"k": "v"}), "t": ("string", "1 GiB"), "x": ("array", ["a"]),
        "v": (["string", "number"], 1.0), "f": ("number", 2.0)}


MULTI_NS = "/work/shared/corpus/tacker/samples/tests/etc/samples/etsi/nfv/test_cnf_multi_ns"


def test_objects_with_their_own_namespace_keep_it(tmp_path):
    require_tool("helm")
    import os

    if not os.path.isdir(MULTI_NS):
        pytest.skip(f"the Tacker corpus sample is not at {MULTI_NS}")
    unit, chart = _chart(tmp_path, MULTI_NS, params={"vnf_instance_id": "x"})
    want = expected(unit)
    own = {k: o["metadata"]["namespace"] for k, o in want.items()
           if o["metadata"].get("namespace")}
    assert own  # the package ships manifests in namespaces of their own
    rc, out = _template(chart, "namespace=other")
    assert rc == 0, out
    got = rendered(out)
    for key, obj in got.items():
        if key in own:
            assert obj["metadata"]["namespace"] == own[key]
        elif key[1] not in CLUSTER_SCOPED:
            assert obj["metadata"]["namespace"] == "other", key
    rc, out = _template(chart)
    assert rc == 0, out
    assert_same_objects(rendered(out), want)


def test_template_scalars_are_spelled_as_the_one_writer_spells_them():
    """Helm's templates are YAML with actions in them: their scalars use compiler.yamlout's
    spelling, so a float such as 1e20 stays a float to a YAML 1.1 reader (json.dumps wrote
    1e+20, which YAML 1.1 reads as a string), and strings keep their braces out of reach."""
    from compiler.bundlers.helm import _key, _scalar

    assert yaml.safe_load(f"v: {_scalar(1e20)}")["v"] == 1e20
    assert yaml.safe_load(f"v: {_scalar('yes')}")["v"] == "yes"
    assert "{{" not in _scalar("{{ .Release.Name }}").replace('{{ "{" }}', "").replace('{{ "}" }}', "")
    assert _key("app.kubernetes.io/name") == "app.kubernetes.io/name"
    assert yaml.safe_load(f"{_key('on')}: 1") == {"on": 1}
