"""The ``on_failure`` step language (xfactor-profile.md §3.1).

Phase: normalize.  Input: the YAML value of an ``on_failure`` property (a sequence of
step strings, or one string) with the positions the YAML loader recorded.  Output: a
tuple of :class:`Step`, each holding its action and its *explicit* arguments, typed
(``int``; ``float`` seconds for durations; ``str`` for names and strings; ``tuple`` of
``str`` for name lists).  :meth:`Step.arg` supplies the defaults of §3.1.

The grammar is ``grammars/steps.lark`` (LALR, contextual lexer).  The parser is made
once per process, on first use, under a lock (:mod:`compiler.parsers`: from the shipped
parse tables when current, else from the grammar); lark's LALR ``parse`` keeps its state
per call, so one parser serves every thread.

What is checked here is what the string alone can tell: syntax, the arguments each
action takes, their value types and ranges.  What needs the topology (do the names in a
``scope`` exist, does ``notify(via=http)`` have its endpoint, is there a chain) is
checked by compiler.checks.xfactor, which read :attr:`Step.arg_spans` to point inside
the string.

Positions: a problem is reported at the line and column of the offending character in
the descriptor.  For plain and single-line scalars that is the scalar's own position
plus the offset in the string (:meth:`Span.shifted`); for double-quoted scalars with
escapes, and for scalars folded over several lines, the source line (from
``Diagnostics.sources``) is scanned to map the offset back to the text as written
(:mod:`compiler.normalize.locate`).

Codes: xf-step-syntax, limit-exceeded (a step longer than ``max_step_chars``).
"""

from __future__ import annotations

import functools
import math
import re
from dataclasses import dataclass, field
from typing import Any, Callable, Iterator, Mapping, cast

from .. import parsers  # first: it imports lark (without the optional regex module)

import lark
from lark.exceptions import UnexpectedCharacters, UnexpectedInput, UnexpectedToken

from .. import defaults
from ..diagnostics import Diagnostics, Span
from ..durations import STEP_UNITS, format_step
from ..durations import parse_step as _parse_duration
from ..limits import DEFAULT_LIMITS, exceeded
from ..suggest import closest, did_you_mean
from .locate import Locator

CODE = "xf-step-syntax"

#: A duration is a float number of seconds.
Duration = float

ACTIONS: tuple[str, ...] = ("reconnect", "notify", "shutdown_chain", "reinstantiate")

VIA_CHANNELS: tuple[str, ...] = ("http", "signal", "event")
SCOPE_ROLES: tuple[str, ...] = ("target", "source", "upstream", "downstream", "chain")

_UNITS = STEP_UNITS


# --------------------------------------------------------------------------- arguments


@dataclass(frozen=True, slots=True)
class ArgSpec:
    """One argument an action takes: its value kind and its default (§3.1 table)."""

    kind: str  # "int" | "duration" | "name" | "string" | "scope"
    default: Any = None
    # range / value check: returns a message when the value is not acceptable
    check: Callable[[str, Any], str | None] | None = None


# Upper bounds (docs/step-language.md): what an orchestrator can hold (a 32-bit counter)
# and what a failure step can sensibly wait (a year); larger values would be copied into
# policies that Kubernetes, Prometheus and ONAP refuse.
MAX_ATTEMPTS = 2**31 - 1
MAX_DURATION = 365 * 24 * 3600.0


def _at_least_one(name: str, v: Any) -> str | None:
    if v > MAX_ATTEMPTS:
        return f"{name} must be at most {MAX_ATTEMPTS}, not {v}"
    return None if v >= 1 else f"{name} must be at least 1, not {v}"


def _too_long(name: str, v: Any) -> str | None:
    if v > MAX_DURATION:
        return f"{name} must be at most 365 days, not {_fmt_duration(v)}"
    return None


def _positive_duration(name: str, v: Any) -> str | None:
    if v > 0:
        return _too_long(name, v)
    return f"{name} must be longer than 0s, not {_fmt_duration(v)}"


def _non_negative_duration(name: str, v: Any) -> str | None:
    if v >= 0:
        return _too_long(name, v)
    return f"{name} must not be negative, not {_fmt_duration(v)}"


def _port(name: str, v: Any) -> str | None:
    return None if 1 <= v <= 65535 else f"{name} must be between 1 and 65535, not {v}"


def _via(name: str, v: Any) -> str | None:
    if v in VIA_CHANNELS:
        return None
    return f"{name} must be one of {_words(VIA_CHANNELS, quote=False)}, not '{v}'"


_SIGNAL = re.compile(r"SIG[A-Z][A-Z0-9]*\Z")


def _signal(name: str, v: Any) -> str | None:
    if _SIGNAL.match(v):
        return None
    return f"{name} must be a signal name such as SIGUSR1, not '{v}'"


def _path(name: str, v: Any) -> str | None:
    if v.startswith("/"):
        return None
    return f"{name} must be an HTTP path starting with '/', not {_quote(v)}"


def _scope(name: str, v: Any) -> str | None:
    if isinstance(v, str):
        if v in SCOPE_ROLES:
            return None
        return (
            f"{name} must be a [list] of node names or one of "
            f"{_words(SCOPE_ROLES, quote=False)}, not '{v}'"
        )
    if not v:
        return f"{name} is an empty list: name at least one node, or leave the argument out"
    seen: set[str] = set()
    for item in v:
        if item in seen:
            return f"{name} lists '{item}' twice"
        seen.add(item)
    return None


#: The arguments of each action, in the order of §3.1 (which is also the output order).
ARGUMENTS: Mapping[str, Mapping[str, ArgSpec]] = {
    "reconnect": {
        "attempts": ArgSpec("int", defaults.ATTEMPTS, _at_least_one),
        "backoff": ArgSpec("duration", defaults.BACKOFF, _non_negative_duration),
        "timeout": ArgSpec("duration", None, _positive_duration),
    },
    "notify": {
        "via": ArgSpec("name", defaults.VIA, _via),
        "path": ArgSpec("string", None, _path),
        "port": ArgSpec("int", None, _port),
        "signal": ArgSpec("name", None, _signal),
        "timeout": ArgSpec("duration", None, _positive_duration),
    },
    "shutdown_chain": {
        "chain": ArgSpec("name", None),
    },
    "reinstantiate": {
        "scope": ArgSpec("scope", defaults.SCOPE, _scope),
        "timeout": ArgSpec("duration", None, _positive_duration),
    },
}


class Args(Mapping[str, Any]):
    """A read-only, hashable mapping of argument name to typed value."""

    __slots__ = ("_d",)

    def __init__(self, items: Mapping[str, Any] | None = None) -> None:
        self._d: dict[str, Any] = dict(items or {})

    def __getitem__(self, key: str) -> Any:
        return self._d[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._d)

    def __len__(self) -> int:
        return len(self._d)

    # the dict's own membership test and lookup: Mapping's raise and catch a KeyError for
    # each argument a step leaves to its default (23,000 on the dense benchmark)
    def __contains__(self, key: object) -> bool:
        return key in self._d

    def get(self, key: str, default: Any = None) -> Any:
        return self._d.get(key, default)

    def __hash__(self) -> int:
        return hash(frozenset(self._d.items()))

    def __repr__(self) -> str:
        return f"Args({self._d!r})"


_EMPTY_SPANS: Mapping[str, Span] = Args()


@dataclass(frozen=True, slots=True, kw_only=True)
class Step:
    """One step of an ``on_failure`` ladder, as written.

    ``args`` holds only the arguments the step names; :meth:`arg` adds the defaults.
    ``arg_spans`` gives the position of each argument's value in the descriptor, and of
    each name of a list value under ``"<arg>[<index>]"`` (e.g. ``"scope[1]"``).
    """

    action: str
    args: Mapping[str, Any] = field(default_factory=Args)
    span: Span = field(default=Span("<generated>"), compare=False)
    arg_spans: Mapping[str, Span] = field(default=_EMPTY_SPANS, compare=False, repr=False)

    def __post_init__(self) -> None:
        if not isinstance(self.args, Args):
            object.__setattr__(self, "args", Args(self.args))

    def arg(self, name: str) -> Any:
        """The value of argument ``name``: explicit, else the §3.1 default, else None."""
        if name in self.args:
            return self.args[name]
        spec = ARGUMENTS.get(self.action, {}).get(name)
        return spec.default if spec else None

    def resolved_args(self) -> dict[str, Any]:
        """Every argument the action takes that has a value, explicit or default."""
        out: dict[str, Any] = {}
        given = self.args
        for name, spec in ARGUMENTS.get(self.action, {}).items():  # (arg(), inlined)
            value = given[name] if name in given else spec.default
            if value is not None:
                out[name] = value
        return out

    def span_of(self, name: str) -> Span:
        """Where argument ``name`` (or ``"scope[1]"``) is written; the step's span if not."""
        return self.arg_spans.get(name, self.span)

    def to_text(self) -> str:
        """The step in canonical step-language form (explicit arguments only)."""
        if not self.args:
            return self.action
        parts = [f"{k}={_fmt_value(ARGUMENTS[self.action][k].kind, v)}" for k, v in self.args.items()]
        return f"{self.action}({', '.join(parts)})"

    def __str__(self) -> str:
        return self.to_text()


_fmt_duration = format_step  # compiler.durations: the canonical step spelling


def _fmt_value(kind: str, v: Any) -> str:
    if kind == "duration":
        return _fmt_duration(v)
    if isinstance(v, tuple):
        return "[" + ", ".join(v) + "]"
    if kind == "string":
        text: str = v
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return str(v)


# --------------------------------------------------------------------------- the parser

def _parser() -> lark.Lark:
    # made once per process, under a lock: the shipped parse tables when current, else
    # built from grammars/steps.lark (compiler.parsers)
    return parsers.get("steps")


# A service repeats its ladders (the dense benchmark: 1,770 wirings, three step texts), so
# the trees of short texts are kept by content: at most 1,024 texts of up to 256
# characters (a few MB at worst).  A text that fails raises and is not kept.
_TREE_CACHE_CHARS = 256


@functools.lru_cache(maxsize=1024)  # bounded, thread-safe, keyed by the text itself
def _cached_tree(text: str) -> lark.Tree[lark.Token]:
    return _parser().parse(text)


def _tree(text: str) -> lark.Tree[lark.Token]:
    """The parse tree of one step text (read, never changed, by the caller)."""
    if len(text) <= _TREE_CACHE_CHARS:
        return _cached_tree(text)
    return _parser().parse(text)


def parse_step(
    text: str, span: Span, diags: Diagnostics, *, flow: bool | None = None
) -> Step | None:
    """Parse one step string written at ``span`` (the YAML scalar's own position).

    Returns None after reporting ``xf-step-syntax``; every problem found in the string
    is reported, not only the first.  ``flow`` says whether the string is an item of a
    YAML flow sequence (None: unknown); it only decides whether a broken plain item
    gets the hint to quote it.
    """
    if len(text) > DEFAULT_LIMITS.max_step_chars:
        # lark keeps a token and a tree node per character run: a 4 MB step took 1.2 GB
        exceeded(diags, "max_step_chars", DEFAULT_LIMITS, f"a step of {len(text):,} characters",
                 span)
        return None
    where = Locator(text, span, diags)
    try:
        tree = _tree(text)
    except UnexpectedInput as exc:
        offset, length, message, hint = _explain(exc, text, span, flow)
        diags.add(CODE, message, where.span(offset, length), hint=hint)
        return None
    step_tree = tree.children[0]
    assert isinstance(step_tree, lark.Tree)  # steps.lark: start: step
    action_tok = step_tree.children[0]
    action = str(action_tok)
    specs = ARGUMENTS[action]
    args: dict[str, Any] = {}
    spans: dict[str, Span] = {}
    ok = True
    arguments = step_tree.children[1] if len(step_tree.children) > 1 else None
    arg_trees = arguments.children if isinstance(arguments, lark.Tree) else []
    first_seen: dict[str, lark.Token] = {}
    for arg_tree in arg_trees:
        assert isinstance(arg_tree, lark.Tree)  # steps.lark: arguments hold args only
        name_tok, value_tree = arg_tree.children
        # steps.lark: arg is NAME "=" value, and every value is a rule
        assert isinstance(name_tok, lark.Token) and isinstance(value_tree, lark.Tree)
        name = str(name_tok)
        vstart, vend = _extent(value_tree)
        if name not in specs:
            ok = False
            diags.add(
                CODE,
                f"{action} takes no argument '{name}' (its arguments: {_words(specs, quote=False, conj='and')})",
                where.span(_at(name_tok), len(name)),
                hint=_unknown_arg_hint(action, name),
            )
            continue
        if name in first_seen:
            ok = False
            first = where.span(_at(first_seen[name]), 1)
            diags.add(
                CODE,
                f"argument '{name}' is given twice (first at column {first.column})",
                where.span(_at(name_tok), len(name)),
            )
            continue
        first_seen[name] = name_tok
        value, problem, hint = _convert(name, specs[name], value_tree)
        check = specs[name].check
        if problem is None and check is not None:
            problem = check(name, value)
        if problem is not None:
            ok = False
            diags.add(CODE, problem, where.span(vstart, vend - vstart), hint=hint)
            continue
        args[name] = value
        spans[name] = where.span(vstart, vend - vstart)
        if value_tree.data == "names":
            for i, tok in enumerate(t for t in value_tree.children
                                    if isinstance(t, lark.Token) and t.type == "NAME"):
                spans[f"{name}[{i}]"] = where.span(_at(tok), len(tok))
    if not ok:
        return None
    return Step(action=action, args=Args(args), span=span, arg_spans=Args(spans))


def parse_steps(value: Any, container: Any, key: Any, diags: Diagnostics) -> tuple[Step, ...] | None:
    """Parse the YAML value of ``on_failure``, found at ``container[key]``.

    ``value`` is a sequence of step strings (each positioned by ``value.item_span(i)``)
    or, leniently, one step string (positioned by ``container.value_span(key)``).
    Returns the steps; ``()`` when the value is null (the caller applies the §3.3
    defaults); None when anything was reported.
    """
    if value is None:
        return ()
    own = _value_span(container, key)
    if isinstance(value, str):
        step = parse_step(value, own, diags, flow=False)
        return None if step is None else (step,)
    if not isinstance(value, list):
        diags.add(
            CODE,
            f"on_failure must be a list of step strings, not {_kind_of(value)}",
            own,
            hint='e.g. on_failure: [ "reconnect(attempts=3, backoff=500ms)", shutdown_chain ]',
        )
        return None
    if not value:
        diags.add(
            CODE,
            "on_failure is an empty list: give at least one step, or leave it out to get "
            "the default ladder",
            own,
        )
        return None
    flow = _is_flow(value, diags)
    steps: list[Step] = []
    ok = True
    for i, item in enumerate(value):
        item_span = value.item_span(i) if hasattr(value, "item_span") else own
        if not isinstance(item, str):
            ok = False
            diags.add(
                CODE,
                f"a step must be a string such as \"reconnect(attempts=3)\", not {_kind_of(item)}",
                item_span,
                hint=_non_string_hint(item),
            )
            continue
        step = parse_step(item, item_span, diags, flow=flow)
        if step is None:
            ok = False
        else:
            steps.append(step)
    return tuple(steps) if ok else None


def _is_flow(seq: Any, diags: Diagnostics) -> bool | None:
    """Whether a positioned sequence is written in flow style ``[ ... ]``."""
    span: Span | None = getattr(seq, "span", None)
    lines = diags.sources.get(span.file) if span else None
    if span is None or not lines or not (0 < span.line <= len(lines)):
        return None
    line = lines[span.line - 1]
    return 0 < span.column <= len(line) and line[span.column - 1] == "["


def _value_span(container: Any, key: Any) -> Span:
    if hasattr(container, "value_span") and not isinstance(key, int):
        value_span: Span = container.value_span(key)  # a PMap's or a FrozenMap's
        return value_span
    if hasattr(container, "item_span") and isinstance(key, int):
        item_span: Span = container.item_span(key)
        return item_span
    return getattr(container, "span", None) or Span("<unknown>")


def _kind_of(v: Any) -> str:
    for t, words in ((bool, "a boolean"), (int, "an integer"), (float, "a number"),
                     (dict, "a mapping"), (list, "a list"), (type(None), "null")):
        if isinstance(v, t):
            return words
    return f"a {type(v).__name__}"


def _non_string_hint(item: Any) -> str:
    if isinstance(item, dict) and len(item) == 1:
        (k, v), = item.items()
        if isinstance(v, dict) and all(isinstance(x, str) for x in v):
            inner = ", ".join(f"{a}={b}" for a, b in v.items())
            return f'write the step as one string: "{k}({inner})"'
        return f'write the step as one string, e.g. "{k}"'
    return ""


# --------------------------------------------------------------------------- values


def _extent(tree: lark.Tree[lark.Token]) -> tuple[int, int]:
    toks = [t for t in tree.children if isinstance(t, lark.Token)]
    return _at(toks[0]), toks[-1].end_pos or 0


def _at(tok: lark.Token) -> int:
    """Where ``tok`` starts in the step text.  lark types a token's position Optional (a
    Token made by hand has none); the tokens of the parser always have one."""
    return tok.start_pos or 0


_KIND_WORDS = {
    "int": "an integer",
    "duration": "a duration",
    "name": "a name",
    "string": 'a double-quoted "string"',
    "names": "a [list] of names",
}


def _convert(name: str, spec: ArgSpec, tree: lark.Tree[lark.Token]
             ) -> tuple[Any, str | None, str]:
    """The typed value of an argument, or a message saying why it has the wrong type."""
    got = str(tree.data)
    toks = [t for t in tree.children if isinstance(t, lark.Token) and t.type in ("NAME", "INT", "DURATION", "STRING")]
    raw = str(toks[0]) if toks else ""
    if got == "duration":
        value: Any = _duration(raw)
    elif got == "int":
        value = int(raw)
    elif got == "string":
        value = re.sub(r"\\([\"\\])", r"\1", raw[1:-1])
    elif got == "name":
        value = raw
    else:
        value = tuple(str(t) for t in toks)
    want = spec.kind
    if want == got or (want == "scope" and got in ("name", "names")):
        return value, None, ""
    # the wrong kind of value: say what is expected, and how to write it
    want_words = "a [list] of node names or a name" if want == "scope" else _KIND_WORDS[want]
    what = f"{name} takes {want_words}"
    if want == "duration" and got == "int":
        return None, f"{what}; add a unit: {raw}s", "units are ms, s, m and h: 500ms, 2s, 1.5m"
    if want == "name" and got == "string" and re.fullmatch(r"[A-Za-z_][A-Za-z0-9_.\-]*", value):
        return None, f"{what}, not a string", f"write {name}={value} without quotes"
    if want == "string" and got == "name":
        return None, f"{what}, not a name", f'write {name}="{value}"'
    if want == "int" and got == "duration":
        return None, f"{what}, not a duration", ""
    return None, f"{what}, not {_KIND_WORDS[got]}", ""


def _duration(raw: str) -> float:
    value = _parse_duration(raw)
    if value is None:  # the grammar's DURATION guarantees the shape; only overflow is left
        return math.inf
    return value


def _unknown_arg_hint(action: str, name: str) -> str:
    close = closest(name, ARGUMENTS[action])
    if close:
        return f"did you mean '{close}'?"
    owners = [a for a, specs in ARGUMENTS.items() if name in specs]
    if owners:
        return f"'{name}' is an argument of {_words(owners, quote=False)}"
    return ""


# --------------------------------------------------------------------------- syntax errors

_TERMINAL_WORDS = {
    "ACTION": "an action (reconnect, notify, shutdown_chain or reinstantiate)",
    "NAME": "a name",
    "EQUAL": "'='",
    "DURATION": "a duration such as 2s",
    "INT": "an integer",
    "STRING": 'a "string"',
    "LSQB": "'[' (a list)",
    "LPAR": "'('",
    "COMMA": "','",
    "RPAR": "')'",
    "RSQB": "']'",
    "$END": "the end of the step",
}
_ORDER = list(_TERMINAL_WORDS)


def expected_words(terminals: set[str] | frozenset[str]) -> str:
    """Friendly words for a set of lark terminal names: "',' or ')'"."""
    known = sorted((t for t in terminals if t in _TERMINAL_WORDS), key=_ORDER.index)
    return _words([_TERMINAL_WORDS[t] for t in known], quote=False) or "nothing more"


def _expected(exc: UnexpectedInput) -> set[str]:
    """Terminals the parser accepted where it stopped (from its LALR table)."""
    state = getattr(exc, "state", None)
    try:
        keys = state.parse_conf.parse_table.states[state.position].keys()  # type: ignore[union-attr]
        return {k for k in keys if k.isupper() or k == "$END"}
    except AttributeError:
        pass
    found = getattr(exc, "expected", None) or getattr(exc, "allowed", None) or set()
    return {t for t in found if t != "WS"}


def _describe(tok: lark.Token) -> str:
    return {"NAME": f"name '{tok}'", "STRING": f"string {tok}"}.get(tok.type, f"'{tok}'")


_NUMBERISH = re.compile(r"[-+]?[0-9][A-Za-z0-9_.]*")


def _explain(
    exc: UnexpectedInput, text: str, span: Span, flow: bool | None
) -> tuple[int, int, str, str]:
    """(offset, length, message, hint) for a lark syntax error."""
    expected = _expected(exc)
    hint = _flow_hint(text, span) if flow is not False else ""
    if isinstance(exc, UnexpectedToken) and exc.token.type == "$END":
        end = len(text.rstrip())
        if not text.strip():
            return 0, 1, f"empty step: expected {expected_words(expected)}", hint
        return end, 1, f"unexpected end of step: expected {expected_words(expected)}", hint
    if isinstance(exc, UnexpectedToken):
        tok = exc.token
        if expected == {"ACTION"} and tok.type == "NAME":
            close = did_you_mean(str(tok).lower(), ACTIONS, otherwise=hint)
            return (
                tok.start_pos,
                len(tok),
                f"unknown action '{tok}': expected {_words(ACTIONS, quote=False)}",
                close,
            )
        if tok.type == "COMMA" and "$END" in expected and not hint:
            hint = "on_failure is a list: write each step as its own item, [reconnect, notify]"
        return (
            tok.start_pos,
            len(tok),
            f"unexpected {_describe(tok)}: expected {expected_words(expected)}",
            hint,
        )
    assert isinstance(exc, UnexpectedCharacters)
    # lark declares pos_in_stream None on UnexpectedInput; UnexpectedCharacters sets the
    # lexer's offset, an int
    pos = cast(int, exc.pos_in_stream)
    ch = text[pos]
    value_wanted = "INT" in expected or "DURATION" in expected
    if value_wanted and _NUMBERISH.match(text, pos):
        word = _NUMBERISH.match(text, pos).group(0)  # type: ignore[union-attr]
        arg = _arg_before(text, pos)
        spec = _spec_for(text, arg)
        if spec is not None and spec.kind == "int":
            return pos, len(word), f"{arg} takes an integer, not '{word}'", hint
        if re.fullmatch(r"[-+]?[0-9]+(\.[0-9]+)?", word):
            return (
                pos,
                len(word),
                f"'{word}' needs a unit: a duration is written like {word.lstrip('+')}s",
                "units are ms, s, m and h: 500ms, 2s, 1.5m",
            )
        return (
            pos,
            len(word),
            f"'{word}' is neither an integer nor a duration (a number with unit ms, s, m or h)",
            hint,
        )
    if ch == '"':
        bad = re.compile(r'"(?:[^"\\\n]|\\["\\])*(\\.?|\n)').match(text, pos)
        if bad and bad.group(1).startswith("\\"):
            at = bad.start(1)
            esc = text[at: at + 2]
            return (
                at,
                len(esc),
                f"unknown escape '{esc}' in a string: only \\\" and \\\\ are allowed",
                hint,
            )
        return pos, 1, "unterminated string: add the closing '\"'", hint
    if ch == "'":
        return pos, 1, "strings are written in double quotes, not single quotes", hint
    shown = ch if ch.isprintable() and not ch.isspace() else repr(ch)
    if "STRING" in expected and not hint:
        hint = 'write text values in double quotes, e.g. path="/failure"'
    return pos, 1, f"unexpected character '{shown}': expected {expected_words(expected)}", hint


def _arg_before(text: str, pos: int) -> str:
    m = re.search(r"([A-Za-z_][A-Za-z0-9_.\-]*)\s*=\s*\Z", text[:pos])
    return m.group(1) if m else ""


def _spec_for(text: str, arg: str) -> ArgSpec | None:
    m = re.match(r"\s*([a-z_]+)", text)
    action = m.group(1) if m else ""
    return ARGUMENTS.get(action, {}).get(arg)


def _flow_hint(text: str, span: Span) -> str:
    # In a YAML flow sequence a plain item ends at the first comma, so an unquoted
    # "reconnect(attempts=3, backoff=1s)" arrives here as two broken halves.
    if span.style == "" and (("(" in text) != (")" in text)):
        return (
            "quote a step that has a comma, e.g. \"reconnect(attempts=3, backoff=1s)\": in a "
            "YAML [flow sequence] a plain item ends at the first comma"
        )
    return ""


def _words(items: Any, *, quote: bool = True, conj: str = "or") -> str:
    seq = [f"'{x}'" if quote else str(x) for x in items]
    if len(seq) <= 1:
        return "".join(seq)
    return ", ".join(seq[:-1]) + f" {conj} " + seq[-1]


def _quote(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


__all__ = [
    "ACTIONS",
    "ARGUMENTS",
    "ArgSpec",
    "Args",
    "Duration",
    "Step",
    "SCOPE_ROLES",
    "VIA_CHANNELS",
    "expected_words",
    "parse_step",
    "parse_steps",
]
