"""The validation harness is real: it accepts valid objects and rejects broken ones.

Covers tests/support/validators.py: kubernetes-validate (strict), CRD schemas
(NetworkAttachmentDefinition, PrometheusRule, ad-hoc CRDs), the published
prometheus-operator validator, helm lint/template, kubectl kustomize, require_tool.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from tests.support import validators as v


def deployment() -> dict:
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "web", "namespace": "demo", "labels": {"app": "web"}},
        "spec": {
            "replicas": 2,
            "selector": {"matchLabels": {"app": "web"}},
            "template": {
                "metadata": {"labels": {"app": "web"}},
                "spec": {
                    "containers": [
                        {
                            "name": "web",
                            "image": "nginx:1.27",
                            "ports": [{"containerPort": 8080}],
                            "resources": {"limits": {"cpu": "500m", "memory": "256Mi"}},
                        }
                    ]
                },
            },
        },
    }


def nad() -> dict:
    return {
        "apiVersion": "k8s.cni.cncf.io/v1",
        "kind": "NetworkAttachmentDefinition",
        "metadata": {"name": "vl-a", "namespace": "demo"},
        "spec": {"config": json.dumps({"cniVersion": "0.3.1", "type": "macvlan", "master": "eth0",
                                       "ipam": {"type": "whereabouts", "range": "10.1.0.0/24"}})},
    }


def prometheus_rule() -> dict:
    return {
        "apiVersion": "monitoring.coreos.com/v1",
        "kind": "PrometheusRule",
        "metadata": {"name": "vnf-rules", "namespace": "demo", "labels": {"role": "alert-rules"}},
        "spec": {
            "groups": [
                {
                    "name": "vnf.health",
                    "interval": "30s",
                    "rules": [
                        {
                            "alert": "VduDown",
                            "expr": 'kube_deployment_status_replicas_available{deployment="web"} < 1',
                            "for": "1m",
                            "labels": {"severity": "critical"},
                            "annotations": {"summary": "VDU web has no ready replica"},
                        },
                        {"record": "job:up:sum", "expr": "sum by (job) (up)"},
                    ],
                }
            ]
        },
    }


# ------------------------------------------------------------ core kinds (strict)

@pytest.fixture(autouse=True, scope="module")
def _needs_schemas() -> None:
    v.require_tool("kubernetes-validate")
    v.require_tool("jsonschema")


def test_valid_deployment_passes() -> None:
    assert v.validate_k8s(deployment()) == []
    assert v.validate_object(deployment()) == []


def test_unknown_field_is_rejected() -> None:
    obj = deployment()
    obj["spec"]["template"]["spec"]["containers"][0]["imagePullPolicyy"] = "Always"
    assert v.validate_k8s(obj) == [
        "spec.template.spec.containers[0]: Additional properties are not allowed "
        "('imagePullPolicyy' was unexpected)"
    ]


def test_unknown_top_level_field_is_rejected() -> None:
    obj = deployment()
    obj["extra"] = {}
    assert v.validate_k8s(obj) == ["<root>: Additional properties are not allowed ('extra' was unexpected)"]


def test_wrong_type_is_rejected() -> None:
    obj = deployment()
    obj["spec"]["replicas"] = "2"
    obj["spec"]["template"]["spec"]["containers"][0]["ports"][0]["containerPort"] = "http"
    assert v.validate_k8s(obj) == [
        "spec.replicas: '2' is not of type 'integer', 'null'",
        "spec.template.spec.containers[0].ports[0].containerPort: 'http' is not of type 'integer'",
    ]


def test_missing_required_field_is_rejected() -> None:
    obj = deployment()
    del obj["spec"]["selector"]
    del obj["spec"]["template"]["spec"]["containers"][0]["name"]
    assert v.validate_k8s(obj) == [
        "spec: 'selector' is a required property",
        "spec.template.spec.containers[0]: 'name' is a required property",
    ]


def test_unknown_kind_is_an_error() -> None:
    errors = v.validate_k8s({"apiVersion": "apps/v1", "kind": "Deploymnet", "metadata": {"name": "x"}})
    assert len(errors) == 1 and "Couldn't find schema for kind Deploymnet" in errors[0]


def test_not_a_mapping_or_no_kind() -> None:
    assert v.validate_object(["a"]) == ["<root>: expected a mapping, got list"]
    assert v.validate_object({"apiVersion": "v1"}) == ["kind: must be a non-empty string"]


def test_other_core_kinds() -> None:
    svc = {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web"},
           "spec": {"selector": {"app": "web"}, "ports": [{"port": 80, "targetPort": 8080}]}}
    assert v.validate_object(svc) == []
    svc["spec"]["ports"][0]["targetPort"] = 8080.5
    assert v.validate_object(svc) != []


# --------------------------------------------------------- NetworkAttachmentDefinition

def test_valid_nad_passes() -> None:
    assert v.validate_object(nad()) == []


def test_nad_unknown_field_wrong_type_and_bad_metadata() -> None:
    obj = nad()
    obj["spec"]["master"] = "eth0"
    obj["metadata"]["lables"] = {}
    assert v.validate_object(obj) == [
        "spec: Additional properties are not allowed ('master' was unexpected)",
        "metadata: Additional properties are not allowed ('lables' was unexpected)",
    ]
    obj = nad()
    obj["spec"]["config"] = {"cniVersion": "0.3.1", "type": "macvlan"}
    assert v.validate_object(obj) == ["spec.config: {'cniVersion': '0.3.1', 'type': 'macvlan'} is not of type 'string'"]


def test_nad_config_must_be_cni_json() -> None:
    obj = nad()
    obj["spec"]["config"] = '{"cniVersion": "0.3.1", "type": "macvlan",}'
    errors = v.validate_object(obj)
    assert len(errors) == 1 and errors[0].startswith("spec.config: not valid JSON")
    obj["spec"]["config"] = '{"name": "x"}'
    assert v.validate_object(obj) == [
        "spec.config: CNI configuration has no cniVersion",
        "spec.config: CNI configuration has neither type nor plugins",
    ]


def test_nad_wrong_version_group_or_name() -> None:
    obj = nad()
    obj["apiVersion"] = "k8s.cni.cncf.io/v2"
    assert v.validate_with_crd(obj, v.crd_schema("NetworkAttachmentDefinition")) == [
        "apiVersion: k8s.cni.cncf.io has no version 'v2' (has ['v1'])"
    ]
    obj = nad()
    del obj["metadata"]["name"]
    assert v.validate_object(obj) == ["metadata: name or generateName is required"]


# ------------------------------------------------------------------ PrometheusRule

def test_valid_prometheus_rule_passes() -> None:
    assert v.validate_object(prometheus_rule()) == []


def test_prometheus_rule_int_expr_and_case_insensitive_strategy() -> None:
    obj = prometheus_rule()
    obj["spec"]["groups"][0]["rules"][1]["expr"] = 1
    obj["spec"]["groups"][0]["partial_response_strategy"] = "WARN"
    assert v.validate_object(obj) == []


def test_invalid_prometheus_rule_is_rejected() -> None:
    obj = prometheus_rule()
    rule = obj["spec"]["groups"][0]["rules"][0]
    del rule["expr"]
    rule["for"] = "1 minute"
    rule["severity"] = "critical"
    obj["spec"]["groups"].append({"name": "vnf.health", "rules": []})
    errors = [e for e in v.validate_with_crd(obj, v.crd_schema("PrometheusRule"))]
    assert errors == [
        "spec.groups: items [0] and [1] have the same list-map key (name='vnf.health')",
        "spec.groups[0].rules[0]: 'expr' is a required property",
        "spec.groups[0].rules[0]: Additional properties are not allowed ('severity' was unexpected)",
        "spec.groups[0].rules[0].for: '1 minute' does not match "
        "'^(0|(([0-9]+)y)?(([0-9]+)w)?(([0-9]+)d)?(([0-9]+)h)?(([0-9]+)m)?(([0-9]+)s)?(([0-9]+)ms)?)\\\\Z'",
    ]


def test_prometheus_rule_needs_spec_and_group_name() -> None:
    obj = prometheus_rule()
    del obj["spec"]
    assert v.validate_object(obj) == ["<root>: 'spec' is a required property"] + (
        ['published schema: /: required {"missingProperty":"spec"}']
        if v.tool_missing_reason("prometheus-operator-models") is None else [])
    obj = prometheus_rule()
    obj["spec"]["groups"][0]["name"] = ""
    assert v.validate_with_crd(obj, v.crd_schema("PrometheusRule")) == [
        "spec.groups[0].name: '' should be non-empty"
    ]


def test_published_prometheus_validator_runs() -> None:
    v.require_tool("prometheus-operator-models")
    assert v.published_validator_errors(prometheus_rule()) == []
    obj = prometheus_rule()
    del obj["spec"]["groups"][0]["rules"][0]["expr"]
    obj["spec"]["groups"][0]["interval"] = "soon"
    assert v.published_validator_errors(obj) == [
        "published schema: /spec/groups/0/interval: pattern "
        '{"pattern":"^(0|(([0-9]+)y)?(([0-9]+)w)?(([0-9]+)d)?(([0-9]+)h)?(([0-9]+)m)?(([0-9]+)s)?(([0-9]+)ms)?)$"}',
        'published schema: /spec/groups/0/rules/0: required {"missingProperty":"expr"}',
    ]
    # the published validator is also part of validate_object
    assert [e for e in v.validate_object(obj) if e.startswith("published schema:")] == v.published_validator_errors(obj)


# ------------------------------------------------------- CRD translation semantics

def _crd(schema: dict, *, group: str = "example.io", kind: str = "Widget") -> dict:
    return {
        "apiVersion": "apiextensions.k8s.io/v1",
        "kind": "CustomResourceDefinition",
        "metadata": {"name": f"widgets.{group}"},
        "spec": {
            "group": group,
            "scope": "Namespaced",
            "names": {"kind": kind, "plural": "widgets", "singular": "widget"},
            "versions": [{"name": "v1", "served": True, "storage": True,
                          "schema": {"openAPIV3Schema": schema}}],
        },
    }


WIDGET_SCHEMA = {
    "type": "object",
    "properties": {
        "spec": {
            "type": "object",
            "required": ["port"],
            "properties": {
                "port": {"x-kubernetes-int-or-string": True},
                "size": {"type": "integer", "format": "int32", "nullable": True},
                "extra": {"type": "object", "x-kubernetes-preserve-unknown-fields": True},
                "labels": {"type": "object", "additionalProperties": {"type": "string"}},
                "tags": {"type": "array", "items": {"type": "string"}, "x-kubernetes-list-type": "set"},
                "template": {"type": "object", "x-kubernetes-embedded-resource": True,
                             "x-kubernetes-preserve-unknown-fields": True},
                "mode": {"type": "string", "enum": ["a", "b"]},
            },
        }
    },
}


def widget(**spec: object) -> dict:
    return {"apiVersion": "example.io/v1", "kind": "Widget", "metadata": {"name": "w"},
            "spec": {"port": 80, **spec}}


def test_crd_translation_accepts_extensions() -> None:
    crd = _crd(WIDGET_SCHEMA)
    assert v.validate_with_crd(widget(), crd) == []
    assert v.validate_with_crd(widget(port="http"), crd) == []
    assert v.validate_with_crd(widget(size=None, extra={"anything": [1, {"x": 2}]}), crd) == []
    assert v.validate_with_crd(widget(template={"apiVersion": "v1", "kind": "Pod", "spec": {}}), crd) == []


def test_crd_translation_rejects() -> None:
    crd = _crd(WIDGET_SCHEMA)
    assert v.validate_with_crd(widget(port=1.5), crd) == [
        "spec.port: 1.5 is not valid under any of the given schemas"
    ]
    assert v.validate_with_crd(widget(size=2**31), crd) == ["spec.size: 2147483648 is not a 'int32'"]
    assert v.validate_with_crd(widget(tags=["a", "a"]), crd) == ["spec.tags: ['a', 'a'] has non-unique elements"]
    assert v.validate_with_crd(widget(template={"kind": "Pod"}), crd) == [
        "spec.template: 'apiVersion' is a required property"
    ]
    assert v.validate_with_crd(widget(mode="c", colour="red"), crd) == [
        "spec: Additional properties are not allowed ('colour' was unexpected)",
        "spec.mode: 'c' is not one of ['a', 'b']",
    ]
    other = widget()
    other["status"] = {}
    assert v.validate_with_crd(other, crd) == [
        "<root>: Additional properties are not allowed ('status' was unexpected)"
    ]
    other = widget()
    other["kind"] = "Gadget"
    assert v.validate_with_crd(other, crd) == ["kind: expected 'Widget', got 'Gadget'"]


def test_fix_pattern_go_to_python() -> None:
    assert v._fix_pattern("^(?i)(abort|warn)?$") == "(?i)^(abort|warn)?\\Z"
    assert v._fix_pattern("^a\\$") == "^a\\$"
    crd = _crd({"type": "object", "properties": {"spec": {"type": "object", "properties": {
        "name": {"type": "string", "pattern": "^[a-z]+$"}}}}})
    assert v.validate_with_crd(widget(), crd) != []  # port is not declared in this schema
    obj = {"apiVersion": "example.io/v1", "kind": "Widget", "metadata": {"name": "w"}, "spec": {"name": "abc\n"}}
    assert v.validate_with_crd(obj, crd) == ["spec.name: 'abc\\n' does not match '^[a-z]+\\\\Z'"]


# ---------------------------------------------------------- CRD objects themselves

def test_shipped_crds_are_valid_crd_objects() -> None:
    for kind in ("NetworkAttachmentDefinition", "PrometheusRule"):
        crd = v.crd_schema(kind)
        assert crd is not None and crd["spec"]["names"]["kind"] == kind
        assert v.validate_object(crd) == []


def test_broken_crd_object_is_rejected() -> None:
    crd = _crd(copy.deepcopy(WIDGET_SCHEMA))
    assert v.validate_object(crd) == []
    crd["spec"]["versions"][0]["schema"]["openAPIV3Schema"]["properties"]["spec"]["properties"]["mode"] = {
        "enum": ["a"]}
    crd["metadata"]["name"] = "widget.example.io"
    assert v.validate_object(crd) == [
        "metadata.name: must be widgets.example.io, got 'widget.example.io'",
        "spec.versions[0].schema.openAPIV3Schema.properties.spec.properties.mode: "
        "type is required in a structural schema",
    ]
    crd["spec"]["scope"] = 3
    errors = v.validate_object(crd)
    assert errors == ["spec.scope: 3 is not of type 'string'"]


def test_failurepolicy_crd_dispatch() -> None:
    fp = {"apiVersion": "xfactor.io/v1alpha2", "kind": "FailurePolicy", "metadata": {"name": "p"}, "spec": {}}
    if v.crd_schema("FailurePolicy") is None:
        with pytest.raises(pytest.skip.Exception, match="failurepolicy-crd.yaml does not exist yet"):
            v.validate_object(fp)
    else:
        assert isinstance(v.validate_object(fp), list)


def test_validate_manifests_stream() -> None:
    import yaml

    text = yaml.safe_dump_all([deployment(), nad(), prometheus_rule()])
    assert v.validate_manifests(text) == []
    bad = deployment()
    bad["spec"]["replicas"] = "x"
    text = yaml.safe_dump_all([nad(), bad])
    assert v.validate_manifests(text) == ["doc 1 (Deployment/web): spec.replicas: 'x' is not of type 'integer', 'null'"]
    assert v.validate_manifests("a: [")[0].startswith("<stream>: not valid YAML")


# ------------------------------------------------------------------- require_tool

def test_require_tool_skips_or_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(v, "tool_missing_reason", lambda name: "gone fishing")
    monkeypatch.delenv("XFC_REQUIRE_TOOLS", raising=False)
    with pytest.raises(pytest.skip.Exception, match="helm not available: gone fishing"):
        v.require_tool("helm")
    monkeypatch.setenv("CI", "true")
    monkeypatch.setenv("XFC_REQUIRE_TOOLS", "1")
    with pytest.raises(pytest.fail.Exception, match="helm not available: gone fishing.*XFC_REQUIRE_TOOLS=1"):
        v.require_tool("helm")
    monkeypatch.setenv("CI", "false")
    with pytest.raises(pytest.skip.Exception):
        v.require_tool("helm")


def test_unknown_tool_name() -> None:
    with pytest.raises(ValueError):
        v.tool_missing_reason("kubectx")


# --------------------------------------------------------------------------- helm

def _chart(root: Path, name: str = "demo") -> Path:
    chart = root / name
    (chart / "templates").mkdir(parents=True)
    (chart / "Chart.yaml").write_text(f"apiVersion: v2\nname: {name}\nversion: 0.1.0\nappVersion: '1.0'\n")
    (chart / "values.yaml").write_text("replicas: 2\nimage: nginx:1.27\n")
    (chart / "templates" / "deployment.yaml").write_text(
        "apiVersion: apps/v1\n"
        "kind: Deployment\n"
        "metadata:\n"
        "  name: {{ .Release.Name }}-web\n"
        "spec:\n"
        "  replicas: {{ .Values.replicas }}\n"
        "  selector:\n"
        "    matchLabels: {app: web}\n"
        "  template:\n"
        "    metadata:\n"
        "      labels: {app: web}\n"
        "    spec:\n"
        "      containers:\n"
        "        - name: web\n"
        "          image: {{ .Values.image | quote }}\n"
    )
    return chart


def test_helm_lint_and_template_pass_on_a_good_chart(tmp_path: Path) -> None:
    v.require_tool("helm")
    chart = _chart(tmp_path)
    rc, out = v.helm_lint(chart)
    assert rc == 0, out
    assert "1 chart(s) linted, 0 chart(s) failed" in out
    rc, out = v.helm_template(chart, release="r1", namespace="demo")
    assert rc == 0, out
    assert "name: r1-web" in out and "replicas: 2" in out
    assert v.validate_manifests(out) == []


def test_helm_fails_on_a_broken_chart(tmp_path: Path) -> None:
    v.require_tool("helm")
    chart = _chart(tmp_path)
    tpl = chart / "templates" / "deployment.yaml"
    tpl.write_text(tpl.read_text() + "  bad: {{ .Values.replicas \n")
    rc, out = v.helm_lint(chart)
    assert rc != 0 and "1 chart(s) failed" in out
    assert "unclosed action" in out
    rc, out = v.helm_template(chart)
    assert rc != 0 and "unclosed action" in out


def test_helm_lint_rejects_a_chart_without_version(tmp_path: Path) -> None:
    v.require_tool("helm")
    chart = _chart(tmp_path)
    (chart / "Chart.yaml").write_text("apiVersion: v2\nname: demo\n")
    rc, out = v.helm_lint(chart)
    assert rc != 0 and "version is required" in out


def test_helm_template_output_can_fail_validation(tmp_path: Path) -> None:
    v.require_tool("helm")
    chart = _chart(tmp_path)
    (chart / "values.yaml").write_text("replicas: two\nimage: nginx\n")
    rc, out = v.helm_template(chart, release="r1")
    assert rc == 0, out
    assert v.validate_manifests(out) == ["doc 0 (Deployment/r1-web): spec.replicas: 'two' is not of type 'integer', 'null'"]


# ---------------------------------------------------------------------- kustomize

def test_kubectl_kustomize(tmp_path: Path) -> None:
    v.require_tool("kubectl")
    import yaml

    (tmp_path / "deployment.yaml").write_text(yaml.safe_dump(deployment()))
    (tmp_path / "kustomization.yaml").write_text(
        "apiVersion: kustomize.config.k8s.io/v1beta1\n"
        "kind: Kustomization\n"
        "namespace: prod\n"
        "namePrefix: x-\n"
        "resources:\n  - deployment.yaml\n"
    )
    rc, out = v.kubectl_kustomize(tmp_path)
    assert rc == 0, out
    (obj,) = list(yaml.safe_load_all(out))
    assert obj["metadata"]["name"] == "x-web" and obj["metadata"]["namespace"] == "prod"
    assert v.validate_manifests(out) == []


def test_kubectl_kustomize_fails_on_missing_resource(tmp_path: Path) -> None:
    v.require_tool("kubectl")
    (tmp_path / "kustomization.yaml").write_text("resources:\n  - missing.yaml\n")
    rc, out = v.kubectl_kustomize(tmp_path)
    assert rc != 0 and "missing.yaml" in out


def test_crd_structural_rules_of_the_api_server() -> None:
    schema = copy.deepcopy(WIDGET_SCHEMA)
    spec = schema["properties"]["spec"]
    spec["additionalProperties"] = False
    spec["properties"]["tags"]["uniqueItems"] = True
    spec["properties"]["ref"] = {"$ref": "#/definitions/x"}
    spec["properties"]["port"]["type"] = "string"
    spec["properties"]["items"] = {
        "type": "array", "x-kubernetes-list-type": "map", "x-kubernetes-list-map-keys": ["name", "zone"],
        "items": {"type": "object", "properties": {"name": {"type": "string"}, "tags": {"type": "object"}}},
    }
    schema["properties"]["metadata"] = {"type": "object", "properties": {"labels": {"type": "object"}}}
    crd = _crd(schema)
    assert v.crd_structural_errors(crd) == [
        "spec.versions[0].schema.openAPIV3Schema.properties.metadata: may only constrain name and "
        "generateName (has ['labels'])",
        "spec.versions[0].schema.openAPIV3Schema.properties.spec.additionalProperties: additionalProperties "
        "and properties are mutual exclusive (unknown fields are pruned, or rejected by strict field "
        "validation, without it)",
        "spec.versions[0].schema.openAPIV3Schema.properties.spec.properties.port.type: "
        "must be empty if x-kubernetes-int-or-string is true",
        "spec.versions[0].schema.openAPIV3Schema.properties.spec.properties.tags.uniqueItems: "
        "cannot be true in a CRD schema (use x-kubernetes-list-type: set)",
        "spec.versions[0].schema.openAPIV3Schema.properties.spec.properties.ref: "
        "type is required in a structural schema",
        "spec.versions[0].schema.openAPIV3Schema.properties.spec.properties.ref.$ref: "
        "$ref is not supported in a CRD schema",
        "spec.versions[0].schema.openAPIV3Schema.properties.spec.properties.items.items.properties.name: "
        "a list-map key must be required or have a default",
        "spec.versions[0].schema.openAPIV3Schema.properties.spec.properties.items.x-kubernetes-list-map-keys: "
        "'zone' is not a property of the items",
    ]
    # additionalProperties: true beside properties is allowed, as is a map schema alone
    ok = copy.deepcopy(WIDGET_SCHEMA)
    ok["properties"]["spec"]["properties"]["extra"]["additionalProperties"] = True
    assert v.crd_structural_errors(_crd(ok)) == []


def test_failurepolicy_crd_is_checked_like_any_crd() -> None:
    crd = v.crd_schema("FailurePolicy")
    if crd is None:
        pytest.skip("compiler/schemas/failurepolicy-crd.yaml does not exist yet")
    assert v.validate_object(crd) == []


def test_unusable_crd_schema_is_reported_not_raised() -> None:
    crd = _crd({"type": "object", "properties": {"spec": {"type": "object", "properties": {
        "name": {"type": "string", "pattern": "([a-z"}}}}})
    errors = v.validate_with_crd(widget(), crd)
    assert len(errors) == 1 and errors[0].startswith(
        "<crd>: properties.spec.properties.name.pattern: the CRD schema is not usable:")
    assert v.crd_structural_errors(crd)[0].startswith(
        "spec.versions[0].schema.openAPIV3Schema.properties.spec.properties.name.pattern: ")
