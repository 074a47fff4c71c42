"""Topology inputs and outputs: declared, given, typed and constraint-checked.

Phase: resolve.  Input: ``topology_template.inputs`` / ``outputs`` as written, the
values the user gave (``Options.inputs``, from ``--inputs FILE`` and ``--set k=v``, the
latter as strings), and, for a SOL001 deployment flavour, values fed by the top-level
VNF node's properties.  Output: :class:`~compiler.model.Parameter` per input with its
value (given, else fed, else ``default``, else ``value``), validated against the
declared type and constraints by :func:`compiler.resolve.values.validate_value`.

Decisions (docs/front-end.md): a ``--set`` string is read as a YAML 1.2 plain scalar
when the input is not a string type (``--set replicas=3`` gives the integer 3); a
required input with no value is reported as a *warning* ``tosca-missing-input`` (the
descriptor is valid; the value comes at deployment, as Tacker's instantiate request
supplies it) and evaluates to a run-time reference ``RuntimeRef("get_input", name)``.

Codes: tosca-missing-input, tosca-unknown-input (a given input no template declares),
tosca-wrong-type / tosca-constraint (via values), tosca-unknown-field (bad keynames,
via typedefs), tosca-missing-field, input-encoding, limit-exceeded (a `--set` integer of
more than max_number_digits digits, whatever the input's type).
"""

from __future__ import annotations

from typing import Any, Mapping

from ..diagnostics import Diagnostics, Severity, Span
from ..limits import DEFAULT_LIMITS, exceeded
from ..loader.yamlpos import PMap, is_integer_text, resolve_plain
from ..model import Parameter, RuntimeRef
from .functions import did_you_mean

OUTPUT_KEYS = ("description", "value", "type", "status", "metadata", "required",
               "entry_schema", "key_schema", "constraints")

GIVEN_SPAN = Span("<inputs>")


class InputTable:
    """The declared inputs of one topology template and their values."""

    def __init__(self) -> None:
        self.params: dict[str, Parameter] = {}
        self.values: dict[str, Any] = {}
        self.defs: dict[str, Any] = {}  # name -> PropertyDef
        self.invalid: set[str] = set()  # inputs whose value failed validation

    def names(self) -> list[str]:
        return list(self.params)


def resolve_inputs(
    raw: Any,
    given: Mapping[str, Any],
    reg: Any,
    diags: Diagnostics,
    *,
    container: Any = None,
    fed: Mapping[str, Any] | None = None,
    path: str = "topology_template.inputs",
) -> InputTable:
    """Declare and evaluate the inputs of one topology template.

    ``container`` is the ``topology_template`` PMap (for spans); ``fed`` are values
    substituted in by a flavour's VNF node (SOL001 §6.8: the VNF's properties are the
    flavour's inputs).  Inputs may not use functions (TOSCA 1.3 §3.6.14).
    """
    from .typedefs import read_definition
    from .values import validate_value

    table = InputTable()
    if raw is None:
        return table
    if not isinstance(raw, PMap):
        span = container.value_span("inputs") if isinstance(container, PMap) else None
        diags.add("tosca-wrong-type", "inputs must be a mapping of input names to "
                  "definitions", span, path=path)
        return table
    fed = fed or {}
    for name, body in raw.items():
        ipath = f'{path}["{name}"]'
        kspan = raw.key_span(name)
        pdef = read_definition(str(name), body if body is not None else PMap(span=kspan),
                               raw.value_span(name), kspan, diags, kind="parameter",
                               path=ipath)
        if pdef is None:
            continue
        table.defs[name] = pdef
        span = kspan
        if name in given:
            value = _coerce(given[name], pdef.type)
            span = _given_span(given, name)
        elif name in fed:
            value = fed[name]
            span = _fed_span(fed, name, kspan)
        elif pdef.has_default:
            value = pdef.default
            span = pdef.default_span
        elif _has_value(pdef):
            value = pdef.value
            span = kspan
        else:
            value = _MISSING
        if value is _MISSING or isinstance(value, RuntimeRef):
            if value is _MISSING:
                if pdef.required:
                    diags.add(
                        "tosca-missing-input",
                        f"input {name!r} has no value and no default; it must be given at "
                        "deployment",
                        kspan, path=ipath, severity=Severity.WARNING,
                        hint=f"give one with --set {name}=VALUE or --inputs FILE",
                    )
                value = RuntimeRef(function="get_input", args=(name,), span=kspan)
            table.values[name] = value
        else:
            before = len(diags.errors())
            table.values[name] = _validate(value, pdef, reg, span, ipath, diags, validate_value)
            if len(diags.errors()) > before:
                table.invalid.add(name)  # reported once here, not again where it is used
        table.params[name] = Parameter(
            name=name, type=pdef.type, value=table.values[name],
            description=pdef.description, required=pdef.required, span=kspan,
            constraints=tuple(pdef.constraints),
        )
    return table


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def check_given(given: Mapping[str, Any], declared: set[str], diags: Diagnostics) -> None:
    """Every input the user gave must be declared by some template, and be text that
    an output can hold (a ``--set`` value of bytes that are not UTF-8 reaches here as
    lone surrogates)."""
    for name in given:
        value = given[name]
        if isinstance(value, str) and not _encodable(value):
            diags.add("input-encoding", f"the value given for input {name!r} is not UTF-8 text",
                      _given_span(given, name),
                      hint="give the value as UTF-8 (check the shell's locale)")
        elif (isinstance(value, str) and len(value) > DEFAULT_LIMITS.max_number_digits
              and _given_span(given, name).file.startswith("--set ")
              and is_integer_text(value)):
            # `--set x=<5,000 digits>`: the same text in a descriptor or an --inputs file is
            # limit-exceeded where the YAML reader meets it; a --set value stayed text and
            # passed as a string (issue 22).  Quoted in a file it is a string, and kept.
            # the message of the typed check (resolve/values.py), so that an integer input
            # given such a value draws one error, not two
            exceeded(diags, "max_number_digits", DEFAULT_LIMITS,
                     f"an integer of {len(value):,} digits", _given_span(given, name))
        if name not in declared:
            diags.add(
                "tosca-unknown-input",
                f"input {name!r} is given but no template declares it",
                _given_span(given, name),
                hint=did_you_mean(name, sorted(declared)) or
                "declared inputs: " + (", ".join(sorted(declared)) or "none"),
            )


def resolve_outputs(raw: Any, container: Any, evaluate: Any, diags: Diagnostics,
                    path: str = "topology_template.outputs") -> dict[str, Parameter]:
    """Outputs: ``value`` evaluated by ``evaluate(value, span, path)`` (functions allowed)."""
    out: dict[str, Parameter] = {}
    if raw is None:
        return out
    if not isinstance(raw, PMap):
        span = container.value_span("outputs") if isinstance(container, PMap) else None
        diags.add("tosca-wrong-type", "outputs must be a mapping", span, path=path)
        return out
    for name, body in raw.items():
        opath = f'{path}["{name}"]'
        kspan = raw.key_span(name)
        if not isinstance(body, PMap):
            diags.add("tosca-wrong-type", f"output {name!r} must be a mapping with a value",
                      raw.value_span(name), path=opath)
            continue
        for k in body:
            if k not in OUTPUT_KEYS:
                diags.add("tosca-unknown-field", f"output {name!r} does not allow the keyname "
                          f"{k!r}", body.key_span(k), path=opath,
                          hint=did_you_mean(k, OUTPUT_KEYS) or "allowed: " + ", ".join(OUTPUT_KEYS))
        if "value" not in body:
            diags.add("tosca-missing-field", f"output {name!r} has no value", kspan, path=opath)
            continue
        value = evaluate(body["value"], body.value_span("value"), f"{opath}.value")
        desc = body.get("description")
        out[name] = Parameter(
            name=name, type=body.get("type") if isinstance(body.get("type"), str) else None,
            value=value, description=desc if isinstance(desc, str) else "", span=kspan,
        )
    return out


# --------------------------------------------------------------------------- helpers


class _Missing:
    def __repr__(self) -> str:
        return "MISSING"


_MISSING: Any = _Missing()


def _has_value(pdef: Any) -> bool:
    from .typedefs import MISSING

    return pdef.value is not MISSING


def _coerce(value: Any, type_name: str | None) -> Any:
    """A ``--set`` string becomes a YAML 1.2 scalar unless the input is a string type."""
    if isinstance(value, str) and type_name not in (None, "string", "version", "timestamp") \
            and not str(type_name).startswith("scalar-unit"):
        return resolve_plain(value)
    return value


def _given_span(given: Mapping[str, Any], name: str) -> Span:
    if isinstance(given, PMap):
        return given.value_span(name)
    return GIVEN_SPAN


def _fed_span(fed: Mapping[str, Any], name: str, default: Span) -> Span:
    spans = getattr(fed, "spans", None)
    if spans and name in spans:
        return spans[name]
    return default


def _validate(value, pdef, reg, span, path, diags, validate_value) -> Any:
    if isinstance(value, RuntimeRef):
        return value
    return validate_value(value, pdef, reg, span, path, diags)
