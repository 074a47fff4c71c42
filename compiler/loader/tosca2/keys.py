"""TOSCA 2.0 function calls written as map keys (§10.1), evaluated at load.

Phase: load (the TOSCA 2.0 front end, :mod:`compiler.tosca2`).  Input: a map key the YAML
reader kept as a :class:`~compiler.loader.yamlpos.CallKey` (``{ $concat: [Recip, ient]
}: Puccini``; only in a file that declares ``tosca_2_0`` first).  Output: the key's
string, which replaces it before the 1.3 resolver sees the map, or None after an error.

§10.1 lets a call stand wherever a value is expected, a map key included (its
``$keygen$1`` suffixes exist so that one call can be written as several keys), and
§9.1.3.2 says a TOSCA map's keys are strings.  xfc evaluates a key at load: the 1.3
grammar the resolver reads has string keys only, and a key must be known to check the
map (its ``key_schema``, duplicates).  So a key's call must have its value at load:
``$concat``, ``$join``, ``$token`` (:mod:`.strings`), the boolean and arithmetic
functions (whose results are no strings), ``$length``, on values the file writes.  Read
where a value is: in a property, attribute, input or output value (a map inside the
value).  Not read: a call whose value is known only later (``$get_input``,
``$get_property``: an input may be given at deploy time), and a call key where TOSCA
expects a name (a template, a property definition, a keyname), which is no value.

Codes: tosca-wrong-type (the call's value is not a string, §9.1.3.2), yaml-duplicate-key
(its value is a key the map already has), tosca-function (a malformed call, an unknown
function, a call key where a name is expected), tosca2-unsupported (a call with no value
at load).
"""

from __future__ import annotations

from typing import Any

from ...diagnostics import Diagnostics
from ..yamlpos import CallKey, PMap, PSeq
from .conditions import ConditionError, Evaluator, NotEvaluable, is_call

_WHERE = "TOSCA 2.0 §10.1"
_WORDS = {"topology_template": "service_template"}
# YAML fragments for aliases (§6.1 dsl_definitions): a call key there is read where an
# alias puts it, and dropped here without a word
_FRAGMENTS = "dsl_definitions"


def key_text(diags: Diagnostics, key: CallKey, path: str, known: Any) -> str | None:
    """The string a call key stands for, or None after reporting why it has none."""
    name = is_call(key.call) or ""
    if name not in known:
        diags.add("tosca-function", f"unknown function ${name} in a map key ({_WHERE})",
                  key.span, path=path,
                  hint="custom function definitions (TOSCA 2.0 §6.6) are not read")
        return None
    try:
        value = Evaluator().value(key.call, key.span)
    except ConditionError as e:
        diags.add("tosca-function", e.args[0], e.args[1], path=path)
        return None
    except NotEvaluable as e:
        diags.add("tosca2-unsupported", f"a map key written as a function call must have "
                  f"its value at load ({_WHERE}): {e.args[0]}", e.args[1], path=path,
                  hint="xfc evaluates a key's $concat, $join, $token (and arithmetic, "
                       "boolean functions) on values the file writes; an input may be given "
                       "only at deploy time")
        return None
    if not isinstance(value, str):
        diags.add("tosca-wrong-type", f"this map key's call gives {value!r}, and a TOSCA map "
                  "key is a string (TOSCA 2.0 §9.1.3.2)", key.span, path=path)
        return None
    return value


def sweep(diags: Diagnostics, tree: Any, path: str = "") -> None:
    """Report and drop every call key the lowering left: one where TOSCA expects a
    name (a template, a definition, a keyname), not a value.  In ``dsl_definitions``
    (fragments that aliases copy where they are read) it is dropped without a word."""
    stack: list[tuple[Any, str]] = [(tree, path)]
    while stack:
        node, at = stack.pop()
        if isinstance(node, PMap):
            for k in [k for k in node if isinstance(k, CallKey)]:
                if not at.startswith(_FRAGMENTS):
                    diags.add("tosca-function", f"a function call as a map key stands for a "
                              f"key of a map value ({_WHERE}); here TOSCA expects a name",
                              k.span, path=at,
                              hint="write the name itself; a call key is read inside a "
                                   "property, attribute, input or output value")
                dict.__delitem__(node, k)
                node.key_spans.pop(k, None)
                node.value_spans.pop(k, None)
            # the lowered file's topology_template is the service_template written (§6.9)
            stack.extend((v, f"{at}.{k}" if at else _WORDS.get(str(k), str(k)))
                         for k, v in node.items())
        elif isinstance(node, PSeq):
            stack.extend((v, f"{at}[{i}]") for i, v in enumerate(node))


__all__ = ["key_text", "sweep"]
