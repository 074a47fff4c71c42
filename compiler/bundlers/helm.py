"""The Helm chart bundler (``xfc bundle --format helm``).

Phase: bundle.  Input: a :class:`~compiler.bundlers.BundleInput`.  Output: OutputFiles
under ``helm/<chart>/``: ``Chart.yaml`` (apiVersion v2, name ``^[a-z0-9-]+$``, SemVer
``version`` and ``appVersion`` written as strings), ``values.yaml``,
``values.schema.json`` (JSON Schema draft-07), ``templates/_helpers.tpl``, one template
per compiled object and the FailurePolicy CRD in ``crds/`` (Helm installs ``crds/``
before templates and never templates it).

How a template is made.  Every compiled object is written back as YAML in which every
scalar is a double-quoted JSON string or number, so nothing in it is read as template
syntax except what we put there: a string holding ``{{`` or ``}}`` has each brace
written as the action ``{{ "{" }}`` (a string literal printed by the template engine),
so no descriptor value can inject template code.  A few leaves become value lookups:

* ``spec.replicas`` of each workload, ``minReplicas``/``maxReplicas`` of its HPA;
* each container's ``image`` (repository, tag, digest) and ``imagePullPolicy`` and its
  ``resources``;
* ``metadata.namespace`` of every namespaced object (written only when the value is set),
  except an object the package ships with a namespace of its own, which keeps it;
* every leaf that a topology input reaches unchanged: the application layer says which
  leaves those are (:attr:`BundleInput.wiring`, :mod:`compiler.api.wiring`), and each
  takes ``.Values.inputs.<name>`` (or its string form, for ConfigMap data).  An input
  that also reaches the output through an expression (a ``concat``, an object name)
  cannot be reproduced by a template; ``values.schema.json`` then pins it with
  ``const`` to its bundled value, so a different ``--set`` fails at install instead of
  being silently ignored, and the chart's description says to rebundle.

``helm template`` with the default values renders exactly the objects that ``xfc
compile`` writes (tests/unit/test_bundle_helm.py checks this for every sample).

Codes: none (the compilation it reads has already been checked).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any, Iterator, Mapping

from ..model.frozen import plain
from ..model import OutputFile
from ..yamlout import double_quoted, is_plain_safe, quote
from . import CLUSTER_SCOPED, OPERATOR_DIR, WORKLOAD_KINDS, BundleError, BundleInput, Identity, \
    InputWiring, K8sObject, dump_yaml, identity

QUANTITY = r"^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+|[numkMGTPE]i?|Ki)?$"
DNS_LABEL_OR_EMPTY = r"^([a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)?$"

Path = tuple[Any, ...]


# ------------------------------------------------------------------ template writing

@dataclass(frozen=True, slots=True)
class Action:
    """A leaf written as a template action (its text is ours, never a descriptor's)."""

    text: str


class _NamespaceKey:
    """Marks where ``metadata.namespace`` goes when ``.Values.namespace`` is set."""


NAMESPACE_KEY = _NamespaceKey()

_BRACE = re.compile(r"[{}]")


def _quoted(s: str) -> str:
    """``s`` as a YAML double-quoted scalar (the one writer's escaping,
    :func:`compiler.yamlout.double_quoted`) that template syntax cannot reach."""
    text = double_quoted(s)
    if "{{" in s or "}}" in s:
        # Each brace becomes an action printing a one-brace string literal, so the
        # engine never sees an opening delimiter from the descriptor.
        text = _BRACE.sub(lambda m: '{{ "%s" }}' % m.group(), text)
    return text


def _scalar(v: Any) -> str:
    """A scalar of a template line: an action as written, a string double-quoted with its
    braces out of the template engine's reach, anything else as the one YAML writer
    spells it (:func:`compiler.yamlout.quote`)."""
    if isinstance(v, Action):
        return v.text
    if isinstance(v, str):
        return _quoted(v)
    if v is None or isinstance(v, (bool, int, float)):
        return quote(v)
    raise BundleError(f"cannot write a {type(v).__name__} into a Helm template")


def _key(k: Any) -> str:
    """A mapping key: plain where the one writer would write it plain (and it holds no
    brace), else as a scalar."""
    if isinstance(k, str) and "{" not in k and "}" not in k and is_plain_safe(k):
        return k
    return _scalar(k)


def _lines(value: Any, indent: int) -> Iterator[str]:
    """Block-style YAML lines for a mapping or list (scalars are handled by callers)."""
    pad = " " * indent
    if isinstance(value, dict):
        for k, v in value.items():
            if k is NAMESPACE_KEY:
                yield "{{- if .Values.namespace }}"
                yield f"{pad}namespace: {{{{ toJson .Values.namespace }}}}"
                yield "{{- end }}"
                continue
            if isinstance(v, (dict, list)) and v:
                yield f"{pad}{_key(k)}:"
                yield from _lines(v, indent + 2)
            else:
                yield f"{pad}{_key(k)}: {_inline(v)}"
    elif isinstance(value, list):
        for item in value:
            if isinstance(item, (dict, list)) and item:
                sub = list(_lines(item, indent + 2))
                first = sub[0][indent + 2:] if not sub[0].startswith("{{") else None
                if first is None:  # never for lists we write; kept for safety
                    yield f"{pad}-"
                    yield from sub
                else:
                    yield f"{pad}- {first}"
                    yield from sub[1:]
            else:
                yield f"{pad}- {_inline(item)}"


def _inline(v: Any) -> str:
    if isinstance(v, dict):
        return "{}"
    if isinstance(v, list):
        return "[]"
    return _scalar(v)


def template_text(body: dict[str, Any]) -> str:
    return "\n".join(_lines(body, 0)) + "\n"


def _vals(*keys: str) -> str:
    """``index .Values "a" "b"`` with JSON-quoted (valid Go string literal) keys."""
    return "index .Values " + " ".join(json.dumps(k, ensure_ascii=True) for k in keys)


# ------------------------------------------------------------------ paths in objects

def _get(body: Any, path: Path) -> Any:
    for p in path:
        body = body[p]
    return body


def _set(body: Any, path: Path, value: Any) -> None:
    for p in path[:-1]:
        body = body[p]
    body[path[-1]] = value


def input_definitions(inp: BundleInput) -> dict[str, Any]:
    """The topology's inputs (type and constraints, as their definitions write them),
    from the IR: ``Parameter.type`` and ``Parameter.constraints``."""
    return dict(inp.topology.inputs)


# ------------------------------------------------------------------ schema pieces

_TYPES = {"string": "string", "integer": "integer", "float": "number", "boolean": "boolean",
          "list": "array", "map": "object", "timestamp": "string", "version": "string"}


def _json_type(v: Any) -> str:
    if isinstance(v, bool):
        return "boolean"
    if isinstance(v, int):
        return "integer"
    if isinstance(v, float):
        return "number"
    if isinstance(v, dict):
        return "object"
    if isinstance(v, list):
        return "array"
    return "null" if v is None else "string"


def input_schema(param: Any, pdef: Any) -> dict[str, Any]:
    """JSON Schema for one input: its TOSCA type and constraints (TOSCA 1.3 §3.6.3)."""
    ttype = getattr(pdef, "type", None) or param.type or "string"
    js = _TYPES.get(ttype, "string")  # scalar-unit.* and data types: their text form
    schema: dict[str, Any] = {"type": js}
    actual = _json_type(plain(param.value))
    if actual != js and not (js == "number" and actual == "integer"):
        # e.g. a version written 1.0, which YAML reads as a number: the value the
        # descriptor gave must stay valid
        schema["type"] = [js, actual]
    if param.description:
        schema["description"] = " ".join(str(param.description).split())
    numeric = js in ("integer", "number")
    for c in getattr(pdef, "constraints", ()):
        op, a = c.operator, c.args
        if op == "valid_values" and isinstance(a, list):
            schema["enum"] = list(a)
        elif op == "equal":
            schema["const"] = a
        elif op == "pattern" and js == "string":
            schema["pattern"] = f"^(?:{a})$"  # TOSCA patterns match the whole value
        elif numeric and op in ("greater_than", "greater_or_equal", "less_than", "less_or_equal"):
            key = {"greater_than": "exclusiveMinimum", "greater_or_equal": "minimum",
                   "less_than": "exclusiveMaximum", "less_or_equal": "maximum"}[op]
            schema[key] = a
        elif numeric and op == "in_range" and isinstance(a, list) and len(a) == 2:
            if a[0] != "UNBOUNDED":
                schema["minimum"] = a[0]
            if a[1] != "UNBOUNDED":
                schema["maximum"] = a[1]
        elif op in ("length", "min_length", "max_length") and js in ("string", "array", "object"):
            unit_ = {"string": "Length", "array": "Items", "object": "Properties"}[js]
            if op in ("length", "min_length"):
                schema["min" + unit_] = a
            if op in ("length", "max_length"):
                schema["max" + unit_] = a
    return schema


def _replica_bounds(inp: BundleInput, template: str | None) -> tuple[int, int | None]:
    """The descriptor's instance bounds for a workload (xfactor ``replicas`` or SOL001
    ``vdu_profile``); (0, None) when it gives none."""
    node = inp.topology.nodes.get(template) if template else None
    props = node.properties if node is not None else {}
    for key, lo, hi in (("replicas", "min", "max"),
                        ("vdu_profile", "min_number_of_instances", "max_number_of_instances")):
        r = props.get(key)
        if isinstance(r, dict) and isinstance(r.get(lo), int):
            top = r.get(hi)
            return r[lo], top if isinstance(top, int) and not isinstance(top, bool) else None
    return 0, None


def _split_image(image: str) -> dict[str, str]:
    repo, _, digest = image.partition("@")
    tag = ""
    slash = repo.rfind("/")
    colon = repo.rfind(":")
    if colon > slash:
        repo, tag = repo[:colon], repo[colon + 1:]
    out = {"repository": repo, "tag": tag}
    if digest:
        out["digest"] = digest
    return out


# ------------------------------------------------------------------ the bundler

class HelmBundler:
    name = "helm"
    description = "a Helm v3 chart whose default values render exactly the compiled objects"
    needs = frozenset({"wiring"})
    gates = ("helm-lint",)  # --verify: Helm lint's chart rules

    def package(self, inp: BundleInput) -> list[OutputFile]:
        from .ns_split import is_ns

        if is_ns(inp) and inp.settings.ns_layout == "subcharts":
            from .ns_layout import helm_subcharts  # a parent chart, a subchart per VNF

            name, content = helm_subcharts(inp)
        else:
            chart = build_chart(inp, inp.objects)
            name, content = chart.name, chart.files
        return [OutputFile(path=f"helm/{name}/{p}", content=data, producer=self.name)
                for p, data in sorted(content.items())]


@dataclass(slots=True)
class Chart:
    name: str
    files: dict[str, bytes]
    fixed_inputs: dict[str, str]


def build_chart(inp: BundleInput, every: tuple[K8sObject, ...] | list[K8sObject],
                ident: Identity | None = None, *,
                dependencies: tuple[dict[str, str], ...] = (),
                more_values: Mapping[str, Any] | None = None) -> Chart:
    """The chart's files (paths relative to the chart directory) of the objects ``every``
    (the operator's, under ``operator/``, go behind ``operator.enabled``).  ``every`` may
    be a part of ``inp.objects`` (one VNF's share of a network service,
    :mod:`compiler.bundlers.ns_split`); ``ident`` then names the chart,
    ``dependencies`` are its subcharts (``Chart.yaml``) and ``more_values`` the schemas of
    top-level values it takes beyond its own (``global``, the subcharts')."""
    if inp.wiring is None:
        raise BundleError("a chart needs the inputs' wiring (the bundler's needs name it)")
    operator = [o for o in every if o.path.startswith(OPERATOR_DIR)]
    objects = [o for o in every if not o.path.startswith(OPERATOR_DIR)]
    ident = ident or identity(inp, objects)
    defs = input_definitions(inp)
    # the wiring names each object by its place among all of the input's objects (less
    # the operator's): a part of them keeps those places
    place = {id(o): i for i, o in enumerate(o for o in inp.objects
                                            if not o.path.startswith(OPERATOR_DIR))}
    wiring = InputWiring(dict(inp.wiring.leaves), dict(inp.wiring.fixed))  # ours to add to
    namespace = inp.namespace or ""

    values: dict[str, Any] = {"namespace": namespace, "inputs": {}, "workloads": {}}
    schema_props: dict[str, Any] = {}  # top-level values other than the three always there
    workloads_schema: dict[str, Any] = {}
    keys = _workload_keys(objects)
    templates: dict[str, str] = {}
    crds: dict[str, bytes] = {}
    # workloads first: an HPA's bounds are added to its workload's values
    order = sorted(range(len(objects)), key=lambda i: objects[i].kind not in WORKLOAD_KINDS)
    for index in order:
        obj = objects[index]
        body = json.loads(json.dumps(obj.body))  # a private copy we may mark up
        if obj.kind == "CustomResourceDefinition":
            crds[f"crds/{obj.path.rsplit('/', 1)[-1]}"] = dump_yaml(obj.body)
            continue
        placed: list[tuple[Path, str, Action]] = []
        for (path, ipath), (iname, as_text) in wiring.leaves.items():
            if path == obj.path and ipath[0] == place.get(id(obj), index):
                expr = _vals("inputs", iname)
                action = Action(f"{{{{ {expr} | toString | toJson }}}}" if as_text
                                else f"{{{{ {expr} | toJson }}}}")
                _set(body, ipath[1:], action)
                placed.append((ipath[1:], iname, action))
        if obj.kind in WORKLOAD_KINDS:
            key = keys[(obj.kind, obj.name)]
            values["workloads"][key], workloads_schema[key] = _workload(inp, obj, body, key, ident.name)
        elif obj.kind == "HorizontalPodAutoscaler":
            ref = obj.body.get("spec", {}).get("scaleTargetRef", {})
            scaled = keys.get((ref.get("kind"), ref.get("name")))
            if scaled is not None:
                _autoscaling(obj, body, values["workloads"][scaled], workloads_schema[scaled], scaled)
        for ipath, iname, action in placed:
            try:
                kept = _get(body, ipath) is action
            except (KeyError, IndexError, TypeError):
                kept = False
            if not kept:  # a replica count, image or resources value took the leaf over
                wiring.fixed.setdefault(iname, f"it sets {'.'.join(map(str, ipath))} of "
                                        f"{obj.path}, which the chart exposes as its own value")
        meta = body.setdefault("metadata", {})
        if obj.kind not in CLUSTER_SCOPED and meta.get("namespace", namespace) == namespace:
            # an object the package ships with a namespace of its own keeps it literally
            meta.pop("namespace", None)
            body["metadata"] = _with_namespace(meta)
        name = obj.path.rsplit("/", 1)[-1]
        if name in templates:
            name = obj.path.replace("/", "-")
        templates[f"templates/{name}"] = template_text(body)

    if operator:
        templates.update(_operator_templates(operator, namespace, values, schema_props))
    schema_inputs: dict[str, Any] = {}
    for name, param in sorted(inp.topology.inputs.items()):
        from ..model import RuntimeRef

        if param.value is None or isinstance(param.value, RuntimeRef):
            continue
        value = plain(param.value)  # positioned YAML and scalar-unit objects as plain data
        values["inputs"][name] = value
        s = input_schema(param, defs.get(name))
        if name in wiring.fixed:
            s["const"] = value
            s["description"] = (s.get("description", "") + " " if s.get("description") else "") + \
                f"Fixed at bundle time ({wiring.fixed[name]}): rebundle with --set {name}=VALUE."
        schema_inputs[name] = s

    fixed_note = ""
    if wiring.fixed:
        fixed_note = " Inputs fixed at bundle time: " + ", ".join(sorted(wiring.fixed)) + "."
    chart_yaml: dict[str, Any] = {
        "apiVersion": "v2",
        "name": ident.name,
        "description": (ident.description + fixed_note)[:1000],
        "type": "application",
        "version": ident.version,
        "appVersion": ident.app_version,
        "annotations": {"xfactor.io/generated-by": "xfc"},
    }
    schema = {
        "$schema": "http://json-schema.org/draft-07/schema#",
        "title": f"values of the {ident.name} chart",
        "type": "object",
        "additionalProperties": False,
        "required": ["namespace", "inputs", "workloads"],
        "properties": {
            "namespace": {"type": "string", "pattern": DNS_LABEL_OR_EMPTY,
                          "description": "namespace of every namespaced object ('' = none)"},
            "inputs": {"type": "object", "additionalProperties": False,
                       "properties": schema_inputs, "required": sorted(schema_inputs)},
            "workloads": {"type": "object", "additionalProperties": False,
                          "properties": workloads_schema, "required": sorted(workloads_schema)},
            **schema_props,
            **(more_values or {}),
        },
    }
    if dependencies:
        chart_yaml["dependencies"] = [dict(d) for d in dependencies]
    out: dict[str, bytes] = {
        "Chart.yaml": dump_yaml(chart_yaml),
        "values.yaml": _values_header(ident, wiring) + dump_yaml(values),
        "values.schema.json": (json.dumps(schema, indent=2, sort_keys=True) + "\n").encode(),
        "templates/_helpers.tpl": _helpers(ident).encode(),
        ".helmignore": b"# nothing to ignore: xfc writes only what the chart needs\n",
    }
    out.update(crds)
    out.update({p: t.encode("utf-8") for p, t in templates.items()})
    return Chart(ident.name, out, dict(wiring.fixed))


def _operator_templates(objects: list[K8sObject], namespace: str, values: dict[str, Any],
                        schema_props: dict[str, Any]) -> dict[str, str]:
    """The operator's objects, each template rendered only when ``operator.enabled`` (true
    by default, so the default values still render what ``xfc compile`` writes); the
    Deployment's image is ``operator.image``."""
    out = {}
    for obj in objects:
        body = json.loads(json.dumps(obj.body))
        if obj.kind == "Deployment":
            container = body["spec"]["template"]["spec"]["containers"][0]
            values["operator"] = {"enabled": True, "image": container["image"]}
            container["image"] = Action("{{ .Values.operator.image | toJson }}")
        meta = body.setdefault("metadata", {})
        if meta.get("namespace", namespace) == namespace:
            meta.pop("namespace", None)
            body["metadata"] = _with_namespace(meta)
        text = template_text(body)
        out[f"templates/operator-{obj.path.rsplit('/', 1)[-1]}"] = (
            "{{- if .Values.operator.enabled }}\n" + text
            + ("" if text.endswith("\n") else "\n") + "{{- end }}\n")
    values.setdefault("operator", {"enabled": True})
    props: dict[str, dict[str, Any]] = {
        "enabled": {"type": "boolean",
                    "description": "run xfc's operator on the FailurePolicy (docs/operator.md)"}}
    if "image" in values["operator"]:
        props["image"] = {"type": "string", "minLength": 1, "pattern": r"^\S+$",
                          "description": "the operator's image"}
    schema_props["operator"] = {"type": "object", "additionalProperties": False,
                                "required": sorted(props), "properties": props}
    return out


def _with_namespace(meta: dict[str, Any]) -> dict[str, Any]:
    out: dict[Any, Any] = {}
    for k, v in meta.items():
        out[k] = v
        if k == "name":
            out[NAMESPACE_KEY] = None
    if NAMESPACE_KEY not in out:
        out[NAMESPACE_KEY] = None
    return out


def _workload_keys(objects: list[K8sObject]) -> dict[tuple[str, str], str]:
    names = [o.name for o in objects if o.kind in WORKLOAD_KINDS]
    return {(o.kind, o.name): (o.name if names.count(o.name) == 1 else f"{o.kind.lower()}-{o.name}")
            for o in objects if o.kind in WORKLOAD_KINDS}


def _workload(inp: BundleInput, obj: K8sObject, body: dict, key: str, chart: str) -> tuple[dict, dict]:
    spec = obj.body.get("spec") or {}
    template = ((obj.body.get("metadata") or {}).get("annotations") or {}).get("xfactor.io/template")
    lo, hi = _replica_bounds(inp, template)
    values: dict[str, Any] = {}
    props: dict[str, Any] = {}
    if isinstance(spec.get("replicas"), int):
        values["replicas"] = spec["replicas"]
        props["replicas"] = {"type": "integer", "minimum": lo}
        if hi is not None:
            props["replicas"]["maximum"] = hi
        body["spec"]["replicas"] = Action(f"{{{{ {_vals('workloads', key, 'replicas')} | toJson }}}}")
    containers: dict[str, Any] = {}
    cprops: dict[str, Any] = {}
    pod = (spec.get("template") or {}).get("spec") or {}
    for group in ("initContainers", "containers"):
        for i, c in enumerate(pod.get(group) or ()):
            cname = c.get("name")
            if not isinstance(cname, str) or cname in containers:
                continue
            cval: dict[str, Any] = {}
            csch: dict[str, Any] = {}
            target = body["spec"]["template"]["spec"][group][i]
            base = ("workloads", key, "containers", cname)
            if isinstance(c.get("image"), str):
                img = _split_image(c["image"])
                if isinstance(c.get("imagePullPolicy"), str):
                    img["pullPolicy"] = c["imagePullPolicy"]
                    target["imagePullPolicy"] = Action(
                        f"{{{{ {_vals(*base, 'image', 'pullPolicy')} | toJson }}}}")
                cval["image"] = img
                csch["image"] = _image_schema(img)
                target["image"] = Action(
                    f"{{{{ include \"{chart}.image\" ({_vals(*base, 'image')}) | toJson }}}}")
            if isinstance(c.get("resources"), dict):
                cval["resources"] = c["resources"]
                csch["resources"] = _resources_schema()
                target["resources"] = Action(f"{{{{ {_vals(*base, 'resources')} | toJson }}}}")
            if cval:
                containers[cname] = cval
                cprops[cname] = {"type": "object", "additionalProperties": False,
                                 "required": sorted(csch), "properties": csch}
    if containers:
        values["containers"] = containers
        props["containers"] = {"type": "object", "additionalProperties": False,
                               "required": sorted(cprops), "properties": cprops}
    schema = {"type": "object", "additionalProperties": False, "required": sorted(props),
              "properties": props, "description": f"{obj.kind} {obj.name}"}
    return values, schema


def _autoscaling(obj: K8sObject, body: dict, values: dict, schema: dict, key: str) -> None:
    spec = obj.body.get("spec") or {}
    bounds = {}
    lo = schema["properties"].get("replicas", {}).get("minimum", 1)
    hi = schema["properties"].get("replicas", {}).get("maximum")
    sch: dict[str, Any] = {}
    for field_ in ("minReplicas", "maxReplicas"):
        if isinstance(spec.get(field_), int):
            bounds[field_] = spec[field_]
            s = {"type": "integer", "minimum": max(1, lo)}
            if hi is not None:
                s["maximum"] = hi
            sch[field_] = s
            body["spec"][field_] = Action(
                f"{{{{ {_vals('workloads', key, 'autoscaling', field_)} | toJson }}}}")
    if bounds:
        values["autoscaling"] = bounds
        schema["properties"]["autoscaling"] = {"type": "object", "additionalProperties": False,
                                               "required": sorted(sch), "properties": sch}
        schema["required"] = sorted(schema["properties"])


def _image_schema(img: dict[str, str]) -> dict[str, Any]:
    props: dict[str, Any] = {
        "repository": {"type": "string", "minLength": 1, "pattern": r"^[^\s@:]+(:[0-9]+)?(/[^\s@:]+)*$"},
        "tag": {"type": "string", "pattern": r"^([\w][\w.-]{0,127})?$",
                "description": "use --set-string for a tag that looks like a number"},
        "digest": {"type": "string", "pattern": r"^[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}$"},
        "pullPolicy": {"type": "string", "enum": ["Always", "IfNotPresent", "Never"]},
    }
    return {"type": "object", "additionalProperties": False,
            "required": sorted(k for k in img if k != "digest"), "properties": props}


def _resources_schema() -> dict[str, Any]:
    quantity = {"type": ["string", "number"], "pattern": QUANTITY}
    amounts = {"type": "object", "additionalProperties": quantity}
    return {"type": "object", "additionalProperties": False,
            "properties": {"limits": amounts, "requests": amounts}}


def _helpers(ident: Identity) -> str:
    return (
        "{{/* The image reference from its parts: repository[:tag][@digest]. */}}\n"
        f'{{{{- define "{ident.name}.image" -}}}}\n'
        "{{- .repository -}}\n"
        "{{- with .tag }}:{{ . }}{{ end -}}\n"
        "{{- with .digest }}@{{ . }}{{ end -}}\n"
        "{{- end -}}\n"
    )


def _values_header(ident: Identity, wiring: InputWiring) -> bytes:
    lines = [
        f"# Values of the {ident.name} chart, written by xfc from the descriptor.",
        "# With these defaults `helm template` renders exactly what `xfc compile` writes.",
        "# values.schema.json types every value with the descriptor's constraints.",
    ]
    for name, why in sorted(wiring.fixed.items()):
        lines.append(f"# inputs.{name} is fixed at bundle time ({why}).")
    return ("\n".join(lines) + "\n").encode("utf-8")


BUNDLER = HelmBundler()
