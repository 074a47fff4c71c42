"""Real-tool validation harness for the output tests.

Phase: test support (never imported by the compiler).
Input: Kubernetes objects as plain dicts, YAML manifest streams, chart and
kustomization directories written by the emitters and bundlers.
Output: lists of error strings (empty = valid) and (returncode, output) pairs of
the real tools. No diagnostic codes: this module judges compiler output, it does
not produce any.

What each kind of object is checked against (see docs/validation.md):
- core Kubernetes kinds: kubernetes-validate in strict mode (unknown fields are
  errors) for Kubernetes ``K8S_VERSION``;
- ``k8s.cni.cncf.io/v1`` NetworkAttachmentDefinition and
  ``monitoring.coreos.com/v1`` PrometheusRule: their CRD's ``openAPIV3Schema``
  (tests/support/crds/, transcribed from the published CRDs), translated to JSON
  Schema with Kubernetes' structural rules; PrometheusRule is also run through the
  validator that the npm package @kubernetes-models/prometheus-operator generated
  from the published CRD (installed by .ci/tools.sh into .tools/npm);
- ``xfactor.io`` kinds (FailurePolicy): compiler/schemas/failurepolicy-crd.yaml,
  the test skipping while that file does not exist;
- CustomResourceDefinition objects: kubernetes-validate's apiextensions.k8s.io/v1
  schema plus a structural-schema check of each version's openAPIV3Schema.

Tools are found with ``helm_binary()`` / ``kubectl_binary()``; ``require_tool``
skips a test whose tool is missing, except when CI=true and XFC_REQUIRE_TOOLS=1,
where it fails so that CI cannot pass without its validators.
"""

from __future__ import annotations

import copy
import functools
import json
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any, Iterable

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
TOOLS = REPO / ".tools"
SUPPORT = Path(__file__).resolve().parent
CRD_DIR = SUPPORT / "crds"
FAILUREPOLICY_CRD = REPO / "compiler" / "schemas" / "failurepolicy-crd.yaml"

#: The one Kubernetes version that output is validated against (kubernetes-validate
#: >= this version is installed by .ci/tools.sh; keep KV_MIN there in step).
K8S_VERSION = "1.37"

#: Seconds any external tool may run before it is killed.
TOOL_TIMEOUT = 120

#: (group, kind) -> CRD file shipped with the tests.
_CRD_FILES: dict[tuple[str, str], Path] = {
    ("k8s.cni.cncf.io", "NetworkAttachmentDefinition"): CRD_DIR / "network-attachment-definition.yaml",
    ("monitoring.coreos.com", "PrometheusRule"): CRD_DIR / "prometheusrule.yaml",
}

#: (group, kind) -> validator module generated from the published CRD (npm).
_PUBLISHED_VALIDATORS: dict[tuple[str, str], Path] = {
    ("monitoring.coreos.com", "PrometheusRule"): TOOLS
    / "npm/node_modules/@kubernetes-models/prometheus-operator/_schemas"
    / "ComGithubPrometheusOperatorPrometheusOperatorPkgApisMonitoringV1PrometheusRule.js",
}

# An unroutable proxy: any attempt of a tool to reach the network fails at once.
_NO_NETWORK_ENV = {
    "HTTP_PROXY": "http://127.0.0.1:9",
    "HTTPS_PROXY": "http://127.0.0.1:9",
    "http_proxy": "http://127.0.0.1:9",
    "https_proxy": "http://127.0.0.1:9",
    "NO_PROXY": "",
    "no_proxy": "",
}


# --------------------------------------------------------------------------- tools

def _strict_ci() -> bool:
    return os.environ.get("CI") == "true" and os.environ.get("XFC_REQUIRE_TOOLS") == "1"


def _run(cmd: list[str], *, env: dict[str, str] | None = None, cwd: str | Path | None = None,
         stdin: str | None = None, timeout: float = TOOL_TIMEOUT) -> tuple[int, str]:
    """Run ``cmd``; return (returncode, stdout+stderr). 124 = timeout, 127 = cannot start."""
    full_env = dict(os.environ)
    full_env.update(_NO_NETWORK_ENV)
    if env:
        full_env.update(env)
    try:
        proc = subprocess.run(cmd, input=stdin, capture_output=True, text=True, env=full_env,
                              cwd=cwd, timeout=timeout, check=False)
    except subprocess.TimeoutExpired as exc:
        out = (exc.stdout or "") if isinstance(exc.stdout, str) else ""
        return 124, f"{out}\n{cmd[0]} timed out after {timeout} s"
    except OSError as exc:
        return 127, f"cannot run {cmd[0]}: {exc}"
    return proc.returncode, proc.stdout + proc.stderr


#: Seconds a tool's version probe may take before the tool counts as not working.
PROBE_TIMEOUT = 120


def _first_working(candidates: Iterable[str | None], probe: list[str]) -> tuple[str | None, str]:
    tried: list[str] = []
    for cand in candidates:
        if not cand or cand in tried:
            continue
        tried.append(cand)
        if not (os.path.isfile(cand) and os.access(cand, os.X_OK)):
            continue
        # checkov's --version imports its whole package: 30 s were not enough on a loaded
        # machine with the other xdist worker busy, and strict CI then failed as 'not found'
        rc, out = _run([cand, *probe], timeout=PROBE_TIMEOUT)
        if rc == 0:
            return cand, ""
        tried[-1] = f"{cand} ({out.strip().splitlines()[-1] if out.strip() else f'exit {rc}'})"
    return None, "not found (looked at: " + ", ".join(tried) + ")" if tried else "not found"


@functools.cache
def _helm() -> tuple[str | None, str]:
    return _first_working(
        [os.environ.get("XFC_HELM"), str(TOOLS / "bin" / "helm"), shutil.which("helm")],
        ["version", "--short"],
    )


@functools.cache
def _kubectl() -> tuple[str | None, str]:
    return _first_working(
        [os.environ.get("XFC_KUBECTL"), shutil.which("kubectl"), str(TOOLS / "bin" / "kubectl")],
        ["version", "--client"],
    )


@functools.cache
def _checkov() -> tuple[str | None, str]:
    return _first_working(
        [os.environ.get("XFC_CHECKOV"), str(TOOLS / "checkov" / "bin" / "checkov"), shutil.which("checkov")],
        ["--version"],
    )


def checkov_binary() -> str | None:
    """Path of a working checkov (XFC_CHECKOV, .tools/checkov/bin/checkov, PATH), or None."""
    return _checkov()[0]


def checkov_run(directory: str | Path, timeout: float = 900) -> tuple[int, str]:
    """``checkov -d DIR --framework kubernetes -o json`` (exit 1 = some check failed)."""
    binary = require_tool("checkov")
    return _run([binary, "-d", str(directory), "--framework", "kubernetes", "-o", "json",
                 "--quiet", "--compact", "--skip-download"], timeout=timeout)


def helm_binary() -> str | None:
    """Path of a working helm (XFC_HELM, .tools/bin/helm, PATH), or None."""
    return _helm()[0]


def kubectl_binary() -> str | None:
    """Path of a working kubectl (XFC_KUBECTL, PATH, .tools/bin/kubectl), or None."""
    return _kubectl()[0]


@functools.cache
def _kv_reason() -> str | None:
    try:
        import kubernetes_validate  # noqa: F401
        from kubernetes_validate.utils import latest_version
        from packaging.version import Version
    except ImportError as exc:
        return f"cannot import kubernetes_validate ({exc})"
    latest = latest_version()
    if Version(latest) < Version(K8S_VERSION):
        return (f"kubernetes-validate {kubernetes_validate.__version__} knows Kubernetes up to "
                f"{latest}, tests pin {K8S_VERSION}")
    return None


def _node() -> str | None:
    return shutil.which("node")


def tool_missing_reason(name: str) -> str | None:
    """Why ``name`` cannot be used here, or None when it can."""
    if name == "helm":
        return None if helm_binary() else f"helm {_helm()[1]}"
    if name == "kubectl":
        return None if kubectl_binary() else f"kubectl {_kubectl()[1]}"
    if name == "checkov":
        return None if checkov_binary() else f"checkov {_checkov()[1]}"
    if name == "kubernetes-validate":
        return _kv_reason()
    if name == "jsonschema":
        try:
            import jsonschema  # noqa: F401
        except ImportError as exc:
            return f"cannot import jsonschema ({exc})"
        return None
    if name == "prometheus-operator-models":
        if not _node():
            return "node is not on PATH"
        mod = _PUBLISHED_VALIDATORS[("monitoring.coreos.com", "PrometheusRule")]
        if not mod.is_file():
            return f"{mod.relative_to(REPO)} is missing"
        return None
    if name in ("jq", "dot"):  # from Debian, by .ci/tools.sh
        return None if shutil.which(name) else f"{name} is not on PATH (bash .ci/tools.sh installs it)"
    raise ValueError(f"unknown tool {name!r}")


def require_tool(name: str) -> str | None:
    """Skip the calling test when ``name`` is missing (fail under CI=true XFC_REQUIRE_TOOLS=1).

    Returns the binary's path for helm, kubectl and checkov, else None.
    """
    reason = tool_missing_reason(name)
    if reason is not None:
        msg = f"{name} not available: {reason}; run `bash .ci/tools.sh`"
        if _strict_ci():
            pytest.fail(f"{msg} (required: CI=true and XFC_REQUIRE_TOOLS=1)", pytrace=False)
        pytest.skip(msg)
    if name == "helm":
        return helm_binary()
    if name == "kubectl":
        return kubectl_binary()
    if name == "checkov":
        return checkov_binary()
    return None


# ---------------------------------------------------------------- tool wrappers

def _helm_run(args: list[str], cwd: str | Path | None = None) -> tuple[int, str]:
    helm = require_tool("helm")
    assert helm is not None
    with tempfile.TemporaryDirectory(prefix="xfc-helm-") as home:
        env = {
            "HELM_CACHE_HOME": os.path.join(home, "cache"),
            "HELM_CONFIG_HOME": os.path.join(home, "config"),
            "HELM_DATA_HOME": os.path.join(home, "data"),
            "KUBECONFIG": os.path.join(home, "kubeconfig"),
        }
        return _run([helm, *args], env=env, cwd=cwd)


def helm_lint(chart_dir: str | Path, *, strict: bool = True,
              values: Iterable[str | Path] = ()) -> tuple[int, str]:
    """``helm lint [--strict] chart_dir`` offline; (returncode, output)."""
    args = ["lint", str(chart_dir)]
    if strict:
        args.append("--strict")
    for v in values:
        args += ["--values", str(v)]
    return _helm_run(args)


def helm_template(chart_dir: str | Path, *, release: str = "xfc-test", namespace: str | None = None,
                  values: Iterable[str | Path] = ()) -> tuple[int, str]:
    """``helm template release chart_dir`` offline; (returncode, rendered YAML or error)."""
    args = ["template", release, str(chart_dir)]
    if namespace:
        args += ["--namespace", namespace]
    for v in values:
        args += ["--values", str(v)]
    return _helm_run(args)


def kubectl_kustomize(directory: str | Path) -> tuple[int, str]:
    """``kubectl kustomize directory`` offline; (returncode, rendered YAML or error)."""
    kubectl = require_tool("kubectl")
    assert kubectl is not None
    with tempfile.TemporaryDirectory(prefix="xfc-kubectl-") as home:
        return _run([kubectl, "kustomize", str(directory)],
                    env={"KUBECONFIG": os.path.join(home, "kubeconfig"), "HOME": home})


# --------------------------------------------------------------- error formatting

def _path(parts: Iterable[Any]) -> str:
    out = ""
    for p in parts:
        out += f"[{p}]" if isinstance(p, int) else (f".{p}" if out else str(p))
    return out or "<root>"


def _fmt(err: Any) -> str:
    return f"{_path(err.absolute_path)}: {err.message}"


# ------------------------------------------------------------- kubernetes-validate

@functools.cache
def _kv_strict_dir(major_minor: str) -> Path | None:
    import kubernetes_validate
    base = Path(kubernetes_validate.__file__).parent / "kubernetes-json-schema"
    for d in sorted(base.iterdir()):
        if d.name.startswith(f"v{major_minor}.") and d.name.endswith("-local-strict"):
            return d
    return None


@functools.cache
def _kv_definitions(major_minor: str) -> dict | None:
    d = _kv_strict_dir(major_minor)
    if d is None:
        return None
    return json.loads((d / "_definitions.json").read_text())


@functools.cache
def _kv_validator(major_minor: str, filename: str) -> Any:
    """A Draft 2020-12 validator over one kubernetes-validate strict schema file, or None."""
    import jsonschema
    from referencing import Registry, Resource

    d = _kv_strict_dir(major_minor)
    if d is None or not (d / filename).is_file():
        return None
    schema = json.loads((d / filename).read_text())
    registry = Resource.from_contents(schema) @ Registry()
    registry = Resource.from_contents(_kv_definitions(major_minor)) @ registry
    return jsonschema.Draft202012Validator(schema, registry=registry)


def _kv_all_errors(obj: dict, major_minor: str) -> list[str]:
    """Every error (not just the best one) for ``obj`` against the same strict schema."""
    api = re.sub(r"^([^./]*)(?:\.[^/]*)?/", r"\1-", obj["apiVersion"])
    try:
        validator = _kv_validator(major_minor, f"{obj['kind'].lower()}-{api}.json")
        if validator is None:
            return []
        return [_fmt(e) for e in sorted(validator.iter_errors(obj), key=lambda e: list(map(str, e.absolute_path)))]
    except Exception:  # noqa: BLE001 - the single error from kubernetes-validate is still reported
        return []


def validate_k8s(obj: dict) -> list[str]:
    """Errors for a core Kubernetes object: kubernetes-validate, strict, Kubernetes K8S_VERSION."""
    require_tool("kubernetes-validate")
    import kubernetes_validate as kv
    from kubernetes_validate.utils import VersionNotSupportedError

    head = _head_errors(obj)
    if head:
        return head
    try:
        kv.validate(obj, K8S_VERSION, strict=True)
        return []
    except kv.ValidationError as exc:
        first = f"{_path(exc.absolute_path)}: {exc.message}"
        return _kv_all_errors(obj, exc.version) or [first]
    except kv.SchemaNotFoundError as exc:
        return [f"<root>: {exc.message}"]
    except VersionNotSupportedError as exc:
        return [f"<root>: {exc.message}; run `bash .ci/tools.sh`"]
    except kv.InvalidSchemaError as exc:
        return [f"<root>: kubernetes-validate: {exc.message}"]


def _head_errors(obj: Any) -> list[str]:
    if not isinstance(obj, dict):
        return [f"<root>: expected a mapping, got {type(obj).__name__}"]
    errors = [f"{f}: must be a non-empty string" for f in ("apiVersion", "kind")
              if not isinstance(obj.get(f), str) or not obj.get(f)]
    return errors


def objectmeta_errors(meta: Any, where: str = "metadata") -> list[str]:
    """Strict ObjectMeta check (as the API server does for every object) plus name/generateName."""
    if not isinstance(meta, dict):
        return [f"{where}: must be a mapping"]
    errors: list[str] = []
    if not meta.get("name") and not meta.get("generateName"):
        errors.append(f"{where}: name or generateName is required")
    if _kv_reason() is None:
        validator = _kv_validator(K8S_VERSION, "objectmeta-meta-v1.json")
        if validator is not None:
            for e in validator.iter_errors(meta):
                errors.append(f"{where}{'.' if e.absolute_path else ''}{_path(e.absolute_path) if e.absolute_path else ''}: {e.message}")
    return errors


# ------------------------------------------------ CRD openAPIV3Schema -> JSON Schema

_DURATIONLESS_FORMAT_RANGES = {"int32": (-(2**31), 2**31 - 1), "int64": (-(2**63), 2**63 - 1)}


def _fix_pattern(pattern: str) -> str:
    """Make a Go/RE2 CRD pattern mean the same to Python's ``re.search``.

    Leading global flags written after ``^`` (``^(?i)...``) move to the front, and a
    final unescaped ``$`` becomes ``\\Z`` (RE2's ``$`` does not match before a newline).
    """
    m = re.match(r"\^\(\?([imsU]+)\)", pattern)
    if m:
        flags = m.group(1).replace("U", "")
        pattern = (f"(?{flags})" if flags else "") + "^" + pattern[m.end():]
    if pattern.endswith("$") and not pattern.endswith("\\$"):
        pattern = pattern[:-1] + r"\Z"
    return pattern


def openapi_to_jsonschema(schema: dict, *, root: bool = False, structural: bool = True) -> dict:
    """Translate a CRD ``openAPIV3Schema`` node into JSON Schema (Draft 2020-12).

    Structural rules: an object schema that lists no ``additionalProperties`` rejects
    unknown fields unless it has ``x-kubernetes-preserve-unknown-fields: true``
    (value-validation branches under anyOf/allOf/oneOf/not add no such restriction);
    ``x-kubernetes-int-or-string`` accepts integers and strings; ``nullable`` adds null;
    ``x-kubernetes-embedded-resource`` requires apiVersion and kind;
    ``x-kubernetes-list-type: set`` requires unique items and ``map`` unique map keys.
    ``x-kubernetes-validations`` (CEL) are not evaluated.
    """
    out: dict[str, Any] = {}
    for key, value in schema.items():
        if key in ("properties", "patternProperties") and isinstance(value, dict):
            out[key] = {name: openapi_to_jsonschema(sub, structural=structural)
                        for name, sub in value.items() if isinstance(sub, dict)}
        elif key in ("items", "additionalProperties", "not") and isinstance(value, dict):
            out[key] = openapi_to_jsonschema(value, structural=structural and key != "not")
        elif key in ("anyOf", "allOf", "oneOf") and isinstance(value, list):
            out[key] = [openapi_to_jsonschema(sub, structural=False) for sub in value if isinstance(sub, dict)]
        elif key == "pattern" and isinstance(value, str):
            out[key] = _fix_pattern(value)
        elif key == "format":
            if value in _DURATIONLESS_FORMAT_RANGES:
                out[key] = value
        elif key.startswith("x-kubernetes-") or key in ("nullable", "default", "example", "externalDocs"):
            continue
        else:
            out[key] = value
    preserve = schema.get("x-kubernetes-preserve-unknown-fields") is True
    if schema.get("x-kubernetes-int-or-string") is True:
        out.pop("type", None)
        out.setdefault("anyOf", [{"type": "integer"}, {"type": "string"}])
    if schema.get("nullable") is True and "type" in out:
        out["type"] = [out["type"], "null"] if isinstance(out["type"], str) else [*out["type"], "null"]
        if "enum" in out and None not in out["enum"]:
            out["enum"] = [*out["enum"], None]
    if schema.get("x-kubernetes-embedded-resource") is True:
        props = out.setdefault("properties", {})
        props.setdefault("apiVersion", {"type": "string"})
        props.setdefault("kind", {"type": "string"})
        props.setdefault("metadata", {"type": "object"})
        out["required"] = sorted(set(out.get("required", [])) | {"apiVersion", "kind"})
    if schema.get("x-kubernetes-list-type") == "set":
        out["uniqueItems"] = True
    if schema.get("x-kubernetes-list-type") == "map" and schema.get("x-kubernetes-list-map-keys"):
        out["xfcListMapKeys"] = list(schema["x-kubernetes-list-map-keys"])
    if root:
        props = out.setdefault("properties", {})
        props.setdefault("apiVersion", {"type": "string"})
        props.setdefault("kind", {"type": "string"})
        # metadata is checked against ObjectMeta separately (objectmeta_errors)
        props["metadata"] = {"type": "object"}
    is_object = schema.get("type") == "object" or (
        "type" not in schema and ("properties" in schema or "additionalProperties" in schema))
    if structural and is_object and not preserve and "additionalProperties" not in schema:
        out["additionalProperties"] = False
    return out


def _list_map_keys(validator: Any, keys: list[str], instance: Any, schema: dict) -> Iterable[Any]:
    import jsonschema

    if not validator.is_type(instance, "array"):
        return
    seen: dict[str, int] = {}
    for index, item in enumerate(instance):
        if not isinstance(item, dict):
            continue
        key = json.dumps([item.get(k) for k in keys], sort_keys=True, default=str)
        if key in seen:
            shown = ", ".join(f"{k}={item.get(k)!r}" for k in keys)
            yield jsonschema.ValidationError(
                f"items [{seen[key]}] and [{index}] have the same list-map key ({shown})")
        else:
            seen[key] = index


@functools.cache
def _crd_validator_class() -> Any:
    import jsonschema

    checker = jsonschema.FormatChecker(formats=())
    for name, (lo, hi) in _DURATIONLESS_FORMAT_RANGES.items():
        def check(value: Any, lo: int = lo, hi: int = hi) -> bool:
            return not isinstance(value, int) or isinstance(value, bool) or lo <= value <= hi
        checker.checks(name)(check)
    cls = jsonschema.validators.extend(jsonschema.Draft202012Validator, {"xfcListMapKeys": _list_map_keys})
    return functools.partial(cls, format_checker=checker), cls


def _crd_version(crd: dict, api_version: str) -> tuple[dict | None, list[str]]:
    spec = crd.get("spec") if isinstance(crd, dict) else None
    if not isinstance(spec, dict):
        return None, ["<crd>: not a CustomResourceDefinition (no spec)"]
    group = spec.get("group")
    obj_group, _, obj_version = api_version.rpartition("/")
    if obj_group != group:
        return None, [f"apiVersion: group {obj_group!r} is not the CRD's group {group!r}"]
    versions = spec.get("versions") or []
    for ver in versions:
        if isinstance(ver, dict) and ver.get("name") == obj_version:
            if not ver.get("served", False):
                return None, [f"apiVersion: version {obj_version!r} of {group} is not served"]
            return ver, []
    names = [v.get("name") for v in versions if isinstance(v, dict)]
    return None, [f"apiVersion: {group} has no version {obj_version!r} (has {names})"]


def validate_with_crd(obj: Any, crd: dict) -> list[str]:
    """Errors for a custom resource against its CustomResourceDefinition dict."""
    require_tool("jsonschema")
    head = _head_errors(obj)
    if head:
        return head
    errors: list[str] = []
    kind = ((crd.get("spec") or {}).get("names") or {}).get("kind")
    if obj["kind"] != kind:
        errors.append(f"kind: expected {kind!r}, got {obj['kind']!r}")
    version, problems = _crd_version(crd, obj["apiVersion"])
    errors += problems
    if version is None:
        return errors
    schema = ((version.get("schema") or {}).get("openAPIV3Schema"))
    if not isinstance(schema, dict):
        return errors + [f"<crd>: version {version.get('name')!r} has no openAPIV3Schema"]
    make, cls = _crd_validator_class()
    js = openapi_to_jsonschema(schema, root=True)
    import jsonschema

    try:
        cls.check_schema(js)
    except jsonschema.SchemaError as exc:
        return errors + [f"<crd>: {_path(exc.absolute_path)}: the CRD schema is not usable: {exc.message}"]
    for err in sorted(make(js).iter_errors(obj), key=lambda e: list(map(str, e.absolute_path))):
        errors.append(_fmt(err))
    errors += objectmeta_errors(obj.get("metadata"))
    return errors


_OPENAPI_TYPES = ("array", "boolean", "integer", "number", "object", "string")
_UNSUPPORTED_KEYS = ("id", "additionalItems", "patternProperties", "definitions", "dependencies", "$ref")


def _schema_node_errors(node: dict, where: str, *, value_validation: bool, root: bool) -> list[str]:
    """The API server's rules for one node of a CRD schema (apiextensions validation)."""
    errors: list[str] = []
    typ = node.get("type")
    int_or_string = node.get("x-kubernetes-int-or-string") is True
    preserve = node.get("x-kubernetes-preserve-unknown-fields")
    if typ is not None and typ not in _OPENAPI_TYPES:
        errors.append(f"{where}.type: {typ!r} is not one of {list(_OPENAPI_TYPES)}"
                      + (" (use nullable: true instead of type null)" if typ == "null" else ""))
    if not value_validation and not typ and not int_or_string and preserve is not True:
        errors.append(f"{where}: type is required in a structural schema")
    if int_or_string and typ:
        errors.append(f"{where}.type: must be empty if x-kubernetes-int-or-string is true")
    if preserve is not None and preserve is not True:
        errors.append(f"{where}.x-kubernetes-preserve-unknown-fields: must be true or undefined")
    for key in _UNSUPPORTED_KEYS:
        if key in node:
            errors.append(f"{where}.{key}: {key} is not supported in a CRD schema")
    if isinstance(node.get("items"), list):
        errors.append(f"{where}.items: must be a schema object and not an array")
    if node.get("uniqueItems") is True:
        errors.append(f"{where}.uniqueItems: cannot be true in a CRD schema (use x-kubernetes-list-type: set)")
    if "additionalProperties" in node and node.get("properties") and node["additionalProperties"] is not True:
        errors.append(f"{where}.additionalProperties: additionalProperties and properties are mutual exclusive "
                      "(unknown fields are pruned, or rejected by strict field validation, without it)")
    if root and "additionalProperties" in node:
        errors.append(f"{where}.additionalProperties: not allowed at the root of a resource")
    if node.get("x-kubernetes-embedded-resource") is True and typ != "object":
        errors.append(f"{where}.type: must be object if x-kubernetes-embedded-resource is true")
    list_type = node.get("x-kubernetes-list-type")
    keys = node.get("x-kubernetes-list-map-keys") or []
    if list_type is not None:
        if list_type not in ("atomic", "set", "map"):
            errors.append(f"{where}.x-kubernetes-list-type: {list_type!r} is not one of atomic, set, map")
        if typ != "array":
            errors.append(f"{where}.type: must be array if x-kubernetes-list-type is specified")
    if keys and list_type != "map":
        errors.append(f"{where}.x-kubernetes-list-type: must be map if x-kubernetes-list-map-keys is non-empty")
    if list_type == "map":
        items = node.get("items") if isinstance(node.get("items"), dict) else {}
        if not keys:
            errors.append(f"{where}.x-kubernetes-list-map-keys: must not be empty if x-kubernetes-list-type is map")
        if items.get("type") != "object":
            errors.append(f"{where}.items.type: must be object if x-kubernetes-list-type is map")
        props = items.get("properties") or {}
        required = set(items.get("required") or [])
        for key in keys:
            if key not in props:
                errors.append(f"{where}.x-kubernetes-list-map-keys: {key!r} is not a property of the items")
                continue
            if props[key].get("type") in ("array", "object"):
                errors.append(f"{where}.items.properties.{key}.type: a list-map key must be a scalar")
            if key not in required and "default" not in props[key]:
                errors.append(f"{where}.items.properties.{key}: a list-map key must be required or have a default")
    return errors


def crd_structural_errors(crd: dict) -> list[str]:
    """Checks the API server makes of a v1 CRD that kubernetes-validate's schema cannot express.

    Structural-schema rules (every node typed, no additionalProperties beside
    properties, no $ref/patternProperties/..., list-type rules, root metadata may only
    constrain name and generateName), patterns that compile, the CRD's name, and one
    storage version.
    """
    errors: list[str] = []
    spec = crd.get("spec") or {}
    names = spec.get("names") or {}
    name = (crd.get("metadata") or {}).get("name")
    if names.get("plural") and spec.get("group") and name != f"{names['plural']}.{spec['group']}":
        errors.append(f"metadata.name: must be {names['plural']}.{spec['group']}, got {name!r}")
    if sum(1 for v in spec.get("versions") or [] if v.get("storage")) != 1:
        errors.append("spec.versions: exactly one version must have storage: true")

    def walk(node: Any, where: str, value_validation: bool, root: bool = False) -> None:
        if not isinstance(node, dict):
            return
        errors.extend(_schema_node_errors(node, where, value_validation=value_validation, root=root))
        if isinstance(node.get("pattern"), str):
            try:
                re.compile(_fix_pattern(node["pattern"]))
            except re.error as exc:
                errors.append(f"{where}.pattern: {exc}")
        for prop, sub in (node.get("properties") or {}).items():
            walk(sub, f"{where}.properties.{prop}", value_validation)
        for key in ("items", "additionalProperties", "not"):
            if isinstance(node.get(key), dict):
                walk(node[key], f"{where}.{key}", value_validation or key == "not")
        for key in ("anyOf", "allOf", "oneOf"):
            for i, sub in enumerate(node.get(key) or []):
                walk(sub, f"{where}.{key}[{i}]", True)

    for i, ver in enumerate(spec.get("versions") or []):
        schema = ((ver.get("schema") or {}).get("openAPIV3Schema"))
        where = f"spec.versions[{i}].schema.openAPIV3Schema"
        if not isinstance(schema, dict):
            errors.append(f"{where}: required")
            continue
        if schema.get("type") != "object":
            errors.append(f"{where}.type: must be object")
        meta = (schema.get("properties") or {}).get("metadata")
        if isinstance(meta, dict):
            extra = sorted(set(meta.get("properties") or {}) - {"name", "generateName"})
            if extra or set(meta) - {"type", "description", "properties"}:
                errors.append(f"{where}.properties.metadata: may only constrain name and generateName"
                              + (f" (has {extra})" if extra else ""))
        walk(schema, where, False, root=True)
    return errors


# ------------------------------------------------------------------ CRD registry

def _load_crd(path: Path, kind: str) -> dict | None:
    for doc in yaml.safe_load_all(path.read_text()):
        if (isinstance(doc, dict) and doc.get("kind") == "CustomResourceDefinition"
                and ((doc.get("spec") or {}).get("names") or {}).get("kind") == kind):
            return doc
    return None


def crd_schema(kind: str) -> dict | None:
    """The CustomResourceDefinition (whole dict) used for ``kind``, or None.

    NetworkAttachmentDefinition and PrometheusRule come from tests/support/crds/;
    FailurePolicy from compiler/schemas/failurepolicy-crd.yaml when that file exists.
    """
    for (_, k), path in _CRD_FILES.items():
        if k == kind:
            return copy.deepcopy(_cached_crd(str(path), kind))
    if kind == "FailurePolicy" and FAILUREPOLICY_CRD.is_file():
        return _load_crd(FAILUREPOLICY_CRD, kind)
    return None


@functools.cache
def _cached_crd(path: str, kind: str) -> dict | None:
    return _load_crd(Path(path), kind)


def published_validator_errors(obj: dict) -> list[str]:
    """Errors from the validator an npm package generated from the published CRD.

    Empty when there is none for this kind. When node or the package is missing the
    check is left out, except under CI=true XFC_REQUIRE_TOOLS=1 where that is an error.
    """
    api = obj.get("apiVersion", "")
    module = _PUBLISHED_VALIDATORS.get((api.rpartition("/")[0], obj.get("kind")))
    if module is None:
        return []
    reason = tool_missing_reason("prometheus-operator-models")
    if reason is not None:
        return [f"<root>: published validator unavailable: {reason}"] if _strict_ci() else []
    rc, out = _run([_node() or "node", str(SUPPORT / "published_validate.mjs"), str(module)],
                   stdin=json.dumps([obj], default=str), timeout=60)
    if rc != 0:
        return [f"<root>: published validator failed (exit {rc}): {out.strip()[-500:]}"]
    try:
        results = json.loads(out)
    except json.JSONDecodeError:
        return [f"<root>: published validator printed no JSON: {out.strip()[-500:]}"]
    return [f"published schema: {e}" for e in results[0]]


def _nad_config_errors(obj: dict) -> list[str]:
    """Multus reads spec.config as CNI JSON: it must parse to an object naming a type or plugins."""
    config = (obj.get("spec") or {}).get("config") if isinstance(obj.get("spec"), dict) else None
    if not isinstance(config, str):
        return []
    try:
        parsed = json.loads(config)
    except json.JSONDecodeError as exc:
        return [f"spec.config: not valid JSON ({exc})"]
    if not isinstance(parsed, dict):
        return ["spec.config: CNI configuration must be a JSON object"]
    errors = []
    if "cniVersion" not in parsed:
        errors.append("spec.config: CNI configuration has no cniVersion")
    if "type" not in parsed and "plugins" not in parsed:
        errors.append("spec.config: CNI configuration has neither type nor plugins")
    return errors


def validate_object(obj: Any) -> list[str]:
    """Validate one emitted object with the right validator for its apiVersion/kind."""
    head = _head_errors(obj)
    if head:
        return head
    group = obj["apiVersion"].rpartition("/")[0]
    kind = obj["kind"]
    if (group, kind) in _CRD_FILES:
        crd = crd_schema(kind)
        assert crd is not None, f"CRD file for {kind} is missing from tests/support/crds"
        errors = validate_with_crd(obj, crd)
        if kind == "NetworkAttachmentDefinition":
            errors += _nad_config_errors(obj)
        return errors + published_validator_errors(obj)
    if group == "xfactor.io":
        crd = crd_schema(kind)
        if crd is None:
            pytest.skip(f"no CRD for {group}/{kind}: {FAILUREPOLICY_CRD.relative_to(REPO)} does not exist yet")
        return validate_with_crd(obj, crd)
    errors = validate_k8s(obj)
    if group == "apiextensions.k8s.io" and kind == "CustomResourceDefinition" and not errors:
        errors += crd_structural_errors(obj)
    return errors


def validate_manifests(text: str) -> list[str]:
    """Validate every document of a YAML stream; errors are prefixed with doc index and Kind/name."""
    try:
        docs = list(yaml.safe_load_all(text))
    except yaml.YAMLError as exc:
        return [f"<stream>: not valid YAML: {exc}"]
    errors: list[str] = []
    for i, doc in enumerate(docs):
        if doc is None:
            continue
        label = f"doc {i}"
        if isinstance(doc, dict):
            name = (doc.get("metadata") or {}).get("name") if isinstance(doc.get("metadata"), dict) else None
            label += f" ({doc.get('kind')}/{name})"
        errors += [f"{label}: {e}" for e in validate_object(doc)]
    return errors
