"""The on_failure step language (xfactor-profile.md §3.1): compiler.normalize.steps.

Positions are checked on real YAML: each step is written into a small descriptor,
read with load_yaml, and parsed with the spans the loader recorded, both as a plain
scalar and as a double-quoted one.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from compiler.diagnostics import Diagnostics, Span
from compiler.loader.yamlpos import load_yaml
from compiler.normalize import steps as steps_mod
from compiler.normalize.steps import Step, expected_words, parse_step, parse_steps

CODE = "xf-step-syntax"


def _load(text: str):
    diags = Diagnostics()
    doc = load_yaml(text, "w.yaml", diags)
    assert len(diags) == 0, diags.render_text()
    return doc, diags


def parse_yaml(text: str):
    """parse_steps on the ``on_failure`` key of a YAML text: (result, diagnostics)."""
    doc, diags = _load(text)
    return parse_steps(doc["on_failure"], doc, "on_failure", diags), diags


def ok(step: str) -> Step:
    diags = Diagnostics()
    s = parse_step(step, Span("s.yaml", 1, 1, 1, 1 + len(step)), diags)
    assert len(diags) == 0, diags.render_text()
    assert s is not None
    return s


def only(diags: Diagnostics):
    items = list(diags)
    assert len(items) == 1, diags.render_text()
    d = items[0]
    assert d.code == CODE
    return d


# --------------------------------------------------------------------------- valid steps


def test_bare_actions_and_defaults() -> None:
    r = ok("reconnect")
    assert (r.action, dict(r.args)) == ("reconnect", {})
    assert r.arg("attempts") == 3 and r.arg("backoff") == 1.0 and r.arg("timeout") is None
    n = ok("notify")
    assert n.arg("via") == "event"
    for a in ("path", "port", "signal", "timeout"):
        assert n.arg(a) is None
    s = ok("shutdown_chain")
    assert s.arg("chain") is None
    i = ok("reinstantiate")
    assert i.arg("scope") == "target" and i.arg("timeout") is None
    # a name no action takes has no default
    assert r.arg("nonsense") is None


def test_empty_parentheses() -> None:
    assert ok("reconnect()") == ok("reconnect")


def test_reconnect_arguments() -> None:
    s = ok("reconnect(attempts=5, backoff=250ms, timeout=1.5m)")
    assert dict(s.args) == {"attempts": 5, "backoff": 0.25, "timeout": 90.0}
    assert type(s.args["attempts"]) is int
    assert type(s.args["backoff"]) is float and type(s.args["timeout"]) is float
    assert s.arg("attempts") == 5


@pytest.mark.parametrize(
    "text,seconds",
    [("500ms", 0.5), ("2s", 2.0), ("1.5m", 90.0), ("1h", 3600.0), ("0s", 0.0), ("10ms", 0.01)],
)
def test_durations(text: str, seconds: float) -> None:
    assert ok(f"reconnect(backoff={text})").args["backoff"] == pytest.approx(seconds)


def test_notify_arguments() -> None:
    s = ok('notify(via=http, path="/fail", port=8080, timeout=5s)')
    assert dict(s.args) == {"via": "http", "path": "/fail", "port": 8080, "timeout": 5.0}
    g = ok("notify(via=signal, signal=SIGUSR1)")
    assert dict(g.args) == {"via": "signal", "signal": "SIGUSR1"}
    assert ok("notify(via=event)").arg("via") == "event"


def test_string_escapes() -> None:
    s = ok(r'notify(via=http, path="/a\"b\\c", port=80)')
    assert s.args["path"] == '/a"b\\c'


def test_shutdown_chain_argument() -> None:
    assert dict(ok("shutdown_chain(chain=core)").args) == {"chain": "core"}


@pytest.mark.parametrize("role", ["target", "source", "upstream", "downstream", "chain"])
def test_reinstantiate_scope_roles(role: str) -> None:
    assert ok(f"reinstantiate(scope={role})").arg("scope") == role


def test_reinstantiate_scope_list_and_timeout() -> None:
    s = ok("reinstantiate(scope=[upf, smf], timeout=30s)")
    assert s.args["scope"] == ("upf", "smf")
    assert type(s.args["scope"]) is tuple
    assert s.args["timeout"] == 30.0
    # real template names have hyphens and dots
    assert ok("reinstantiate(scope=[vnf-upf, core.smf_1])").args["scope"] == (
        "vnf-upf",
        "core.smf_1",
    )


def test_white_space_is_free() -> None:
    assert ok("  reconnect ( attempts = 3 ,\n backoff = 2s )  ") == ok(
        "reconnect(attempts=3,backoff=2s)"
    )
    assert ok("reinstantiate(scope=[ a ,b ])").args["scope"] == ("a", "b")


def test_action_words_are_names_inside_arguments() -> None:
    # the contextual lexer reads "notify" as a name where a name is expected
    assert ok("shutdown_chain(chain=notify)").args["chain"] == "notify"
    assert ok("reinstantiate(scope=[reconnect])").args["scope"] == ("reconnect",)


def test_step_equality_ignores_positions_and_hashes() -> None:
    a = Step(action="reconnect", args={"attempts": 3}, span=Span("a.yaml", 1, 1))
    b = ok("reconnect(attempts = 3)")
    assert a == b and hash(a) == hash(b)
    assert a != ok("reconnect(attempts=4)")
    assert a.args == {"attempts": 3}
    with pytest.raises(TypeError):
        a.args["attempts"] = 5  # type: ignore[index]


def test_resolved_args_and_text() -> None:
    s = ok("reconnect(backoff=500ms)")
    assert s.resolved_args() == {"attempts": 3, "backoff": 0.5}
    assert ok("notify").resolved_args() == {"via": "event"}
    assert ok("reinstantiate").resolved_args() == {"scope": "target"}
    for text in (
        "reconnect(attempts=3, backoff=500ms)",
        "reconnect(timeout=2m)",
        'notify(via=http, path="/a\\"b", port=80)',
        "reinstantiate(scope=[upf, smf], timeout=1h)",
        "shutdown_chain",
    ):
        assert ok(text).to_text() == text
        assert ok(ok(text).to_text()) == ok(text)


def test_parser_is_built_once_and_shared_between_threads() -> None:
    assert steps_mod._parser() is steps_mod._parser()
    texts = [f"reconnect(attempts={i % 9 + 1}, backoff={i}ms)" for i in range(400)]
    texts += [f"notify(via={'http' if i % 2 else 'smtp'})" for i in range(400)]

    def run(t: str):
        d = Diagnostics()
        s = parse_step(t, Span("t", 1, 1), d)
        return (s.to_text() if s else None, [x.message for x in d])

    with ThreadPoolExecutor(8) as pool:
        parallel = list(pool.map(run, texts))
    assert parallel == [run(t) for t in texts]


# --------------------------------------------------------------------------- parse_steps


def test_parse_steps_sequence_and_spans() -> None:
    res, diags = parse_yaml(
        "on_failure:\n"
        '  - "reconnect(attempts=3, backoff=500ms)"\n'
        "  - reinstantiate(scope=[upf, smf])\n"
        "  - shutdown_chain\n"
    )
    assert len(diags) == 0
    assert [s.action for s in res] == ["reconnect", "reinstantiate", "shutdown_chain"]
    assert (res[0].span.line, res[0].span.column, res[0].span.style) == (2, 5, '"')
    assert (res[2].span.line, res[2].span.column) == (4, 5)
    # argument positions, for the checks that need the topology
    sp = res[1].span_of("scope[1]")
    assert (sp.line, sp.column, sp.end_column) == (3, 31, 34)
    sp = res[0].span_of("backoff")
    assert (sp.line, sp.column, sp.end_column) == (2, 36, 41)
    assert res[2].span_of("chain") == res[2].span


def test_parse_steps_flow_sequence() -> None:
    res, diags = parse_yaml('on_failure: [ "reconnect(attempts=3, backoff=500ms)", notify ]\n')
    assert len(diags) == 0
    assert [s.to_text() for s in res] == ["reconnect(attempts=3, backoff=500ms)", "notify"]


def test_parse_steps_single_string_is_accepted() -> None:
    res, diags = parse_yaml("on_failure: notify(via=signal, signal=SIGHUP)\n")
    assert len(diags) == 0
    assert res == (Step(action="notify", args={"via": "signal", "signal": "SIGHUP"}),)


def test_parse_steps_null_means_default() -> None:
    res, diags = parse_yaml("on_failure:\n")
    assert res == () and len(diags) == 0


def test_parse_steps_empty_list() -> None:
    res, diags = parse_yaml("on_failure: []\n")
    assert res is None
    d = only(diags)
    assert (d.span.line, d.span.column) == (1, 13)
    assert d.message.startswith("on_failure is an empty list")


def test_parse_steps_not_a_list() -> None:
    res, diags = parse_yaml("on_failure: {reconnect: 3}\n")
    assert res is None
    d = only(diags)
    assert (d.span.line, d.span.column) == (1, 13)
    assert d.message == "on_failure must be a list of step strings, not a mapping"


def test_parse_steps_non_string_items() -> None:
    res, diags = parse_yaml(
        "on_failure:\n"
        "  - notify\n"
        "  - 3\n"
        "  - {reconnect: {attempts: 3}}\n"
        "  - true\n"
    )
    assert res is None
    got = [(d.code, d.span.line, d.span.column, d.message, d.hint) for d in diags]
    assert got == [
        (CODE, 3, 5, 'a step must be a string such as "reconnect(attempts=3)", not an integer', ""),
        (
            CODE, 4, 5,
            'a step must be a string such as "reconnect(attempts=3)", not a mapping',
            'write the step as one string: "reconnect(attempts=3)"',
        ),
        (CODE, 5, 5, 'a step must be a string such as "reconnect(attempts=3)", not a boolean', ""),
    ]


def test_parse_steps_reports_every_bad_item() -> None:
    res, diags = parse_yaml(
        "on_failure:\n"
        "  - reconnect(attempts=0)\n"
        "  - notify\n"
        "  - reinstantiate(scope=all, timeout=3)\n"
    )
    assert res is None
    assert [(d.span.line, d.span.column) for d in diags] == [(2, 24), (4, 25), (4, 38)]


# --------------------------------------------------------------------------- errors

# step, offset of the reported character, length, message, hint ("" none; None unchecked).
# None of these steps contain '"' or '\', so a double-quoted scalar is the plain one
# shifted by one column.
ERRORS = [
    ("reconect", 0, 8,
     "unknown action 'reconect': expected reconnect, notify, shutdown_chain or reinstantiate",
     "did you mean 'reconnect'?"),
    ("Notify", 0, 6,
     "unknown action 'Notify': expected reconnect, notify, shutdown_chain or reinstantiate",
     "did you mean 'notify'?"),
    ("notifyx(via=http)", 0, 7,
     "unknown action 'notifyx': expected reconnect, notify, shutdown_chain or reinstantiate",
     "did you mean 'notify'?"),
    ("(x)", 0, 1,
     "unexpected '(': expected an action (reconnect, notify, shutdown_chain or reinstantiate)",
     ""),
    ("reconnect(attempts 3)", 19, 1, "unexpected '3': expected '='", ""),
    # in a block sequence there is no flow-sequence hint
    ("reconnect(attempts=3", 20, 1, "unexpected end of step: expected ',' or ')'", ""),
    ("reconnect(attempts=3,)", 21, 1, "unexpected ')': expected a name", ""),
    ("notify(via=http signal=SIGUSR1)", 16, 6,
     "unexpected name 'signal': expected ',' or ')'", ""),
    ("shutdown_chain x", 15, 1,
     "unexpected name 'x': expected '(' or the end of the step", ""),
    ("shutdown_chain() x", 17, 1, "unexpected name 'x': expected the end of the step", ""),
    ("reconnect, notify", 9, 1, "unexpected ',': expected '(' or the end of the step",
     "on_failure is a list: write each step as its own item, [reconnect, notify]"),
    ("reinstantiate(scope=[a b])", 23, 1, "unexpected name 'b': expected ',' or ']'", ""),
    ("notify(path=/x)", 12, 1,
     "unexpected character '/': expected a name, a duration such as 2s, an integer, "
     "a \"string\" or '[' (a list)",
     'write text values in double quotes, e.g. path="/failure"'),
    ("notify(path='/x')", 12, 1, "strings are written in double quotes, not single quotes", ""),
    # value types
    ("reconnect(backoff=3)", 18, 1, "backoff takes a duration; add a unit: 3s",
     "units are ms, s, m and h: 500ms, 2s, 1.5m"),
    ("reconnect(timeout=1.5)", 18, 3, "'1.5' needs a unit: a duration is written like 1.5s",
     "units are ms, s, m and h: 500ms, 2s, 1.5m"),
    ("reconnect(backoff=3sec)", 18, 4,
     "'3sec' is neither an integer nor a duration (a number with unit ms, s, m or h)", ""),
    ("reconnect(attempts=1.5)", 19, 3, "attempts takes an integer, not '1.5'", ""),
    ("reconnect(attempts=2s)", 19, 2, "attempts takes an integer, not a duration", ""),
    ("reconnect(attempts=x)", 19, 1, "attempts takes an integer, not a name", ""),
    ("reconnect(attempts=[a])", 19, 3, "attempts takes an integer, not a [list] of names", ""),
    ("notify(via=[http])", 11, 6, "via takes a name, not a [list] of names", ""),
    ("notify(path=abc)", 12, 3, 'path takes a double-quoted "string", not a name',
     'write path="abc"'),
    ("notify(signal=9)", 14, 1, "signal takes a name, not an integer", ""),
    ("shutdown_chain(chain=3)", 21, 1, "chain takes a name, not an integer", ""),
    ("reinstantiate(scope=5s)", 20, 2,
     "scope takes a [list] of node names or a name, not a duration", ""),
    # ranges and enumerations
    ("reconnect(attempts=0)", 19, 1, "attempts must be at least 1, not 0", ""),
    ("reconnect(attempts=-2)", 19, 2, "attempts must be at least 1, not -2", ""),
    ("reconnect(backoff=-1s)", 18, 3, "backoff must not be negative, not -1s", ""),
    ("reconnect(timeout=0s)", 18, 2, "timeout must be longer than 0s, not 0s", ""),
    ("notify(timeout=0ms)", 15, 3, "timeout must be longer than 0s, not 0s", ""),
    ("reinstantiate(timeout=0h)", 22, 2, "timeout must be longer than 0s, not 0s", ""),
    ("notify(port=0)", 12, 1, "port must be between 1 and 65535, not 0", ""),
    ("notify(port=65536)", 12, 5, "port must be between 1 and 65535, not 65536", ""),
    ("notify(via=smtp)", 11, 4, "via must be one of http, signal or event, not 'smtp'", ""),
    ("notify(signal=usr1)", 14, 4, "signal must be a signal name such as SIGUSR1, not 'usr1'", ""),
    ("reinstantiate(scope=all)", 20, 3,
     "scope must be a [list] of node names or one of target, source, upstream, downstream "
     "or chain, not 'all'", ""),
    ("reinstantiate(scope=[])", 20, 2,
     "scope is an empty list: name at least one node, or leave the argument out", ""),
    ("reinstantiate(scope=[a, b, a])", 20, 9, "scope lists 'a' twice", ""),
    # arguments
    ("reconnect(tries=3)", 10, 5,
     "reconnect takes no argument 'tries' (its arguments: attempts, backoff and timeout)", ""),
    ("reconnect(attemps=3)", 10, 7,
     "reconnect takes no argument 'attemps' (its arguments: attempts, backoff and timeout)",
     "did you mean 'attempts'?"),
    ("reconnect(via=http)", 10, 3,
     "reconnect takes no argument 'via' (its arguments: attempts, backoff and timeout)",
     "'via' is an argument of notify"),
    ("shutdown_chain(scope=[a])", 15, 5,
     "shutdown_chain takes no argument 'scope' (its arguments: chain)",
     "'scope' is an argument of reinstantiate"),
    ("reinstantiate(timeout=5s, timeout=6s)", 26, 7, None, ""),  # message: see below
]


def _yaml_item(step: str, style: str) -> str:
    item = step if style == "plain" else '"' + step + '"'
    return "on_failure:\n  - notify\n  - " + item + "\n"


@pytest.mark.parametrize("style", ["plain", "double"])
@pytest.mark.parametrize(
    "step,offset,length,message,hint", ERRORS, ids=[e[0] for e in ERRORS]
)
def test_error(style, step, offset, length, message, hint) -> None:
    res, diags = parse_yaml(_yaml_item(step, style))
    assert res is None
    d = only(diags)
    col = 5 + offset + (1 if style == "double" else 0)
    assert (d.span.file, d.span.line, d.span.column) == ("w.yaml", 3, col)
    assert (d.span.end_line, d.span.end_column) == (3, col + length)
    if message is None:  # a duplicate names the column of the first occurrence
        first = 5 + 14 + (1 if style == "double" else 0)
        message = f"argument 'timeout' is given twice (first at column {first})"
    assert d.message == message
    if hint is not None:
        assert d.hint == hint


def test_flow_sequence_split_by_a_comma_gets_a_hint() -> None:
    # unquoted in a flow sequence, YAML itself splits the step at the comma
    res, diags = parse_yaml("on_failure: [ reconnect(attempts=3, backoff=1s) ]\n")
    assert res is None
    got = [(d.span.line, d.span.column, d.message) for d in diags]
    assert got == [
        (1, 35, "unexpected end of step: expected ',' or ')'"),
        (1, 37, "unknown action 'backoff': expected reconnect, notify, shutdown_chain or "
                "reinstantiate"),
    ]
    for d in diags:
        assert d.hint.startswith('quote a step that has a comma, e.g. "reconnect(')


def test_empty_string() -> None:
    res, diags = parse_yaml('on_failure: [ "" ]\n')
    assert res is None
    d = only(diags)
    assert (d.span.line, d.span.column) == (1, 16)
    assert d.message == (
        "empty step: expected an action (reconnect, notify, shutdown_chain or reinstantiate)"
    )


# --- strings inside strings: exact columns with YAML escapes ---------------------------


def test_unterminated_string_plain_and_double_quoted() -> None:
    res, diags = parse_yaml('on_failure:\n  - notify(path="abc)\n')
    d = only(diags)
    assert (d.span.line, d.span.column) == (2, 17)
    assert d.message == "unterminated string: add the closing '\"'"
    # in a double-quoted scalar the inner quote is written \" : the error is at the '\'
    res, diags = parse_yaml('on_failure:\n  - "notify(path=\\"abc)"\n')
    d = only(diags)
    assert (d.span.line, d.span.column) == (2, 18)


def test_unknown_escape_plain_and_double_quoted() -> None:
    res, diags = parse_yaml('on_failure:\n  - notify(path="a\\nb")\n')
    d = only(diags)
    assert (d.span.line, d.span.column, d.span.end_column) == (2, 19, 21)
    assert d.message == "unknown escape '\\n' in a string: only \\\" and \\\\ are allowed"
    # YAML source: "notify(path=\"a\\nb\")" -- the step's '\' is written '\\' at column 21
    res, diags = parse_yaml('on_failure:\n  - "notify(path=\\"a\\\\nb\\")"\n')
    d = only(diags)
    assert (d.span.line, d.span.column, d.span.end_column) == (2, 21, 24)


def test_error_after_escapes_in_double_quoted_scalar() -> None:
    # "notify(via=http, path=\"/a\\\"b\", port=0)": the step is
    # notify(via=http, path="/a\"b", port=0); escapes shift the columns of port's value
    text = 'on_failure:\n  - "notify(via=http, path=\\"/a\\\\\\"b\\", port=0)"\n'
    res, diags = parse_yaml(text)
    d = only(diags)
    line = text.splitlines()[1]
    assert (d.span.line, d.span.column) == (2, line.index("=0") + 2)
    assert d.message == "port must be between 1 and 65535, not 0"


def test_single_quoted_scalar() -> None:
    res, diags = parse_yaml("on_failure:\n  - 'notify(via=''http'')'\n")
    d = only(diags)
    assert (d.span.line, d.span.column) == (2, 17)  # the first ' of ''
    assert d.message == "strings are written in double quotes, not single quotes"


# --- scalars over several lines -------------------------------------------------------


def test_plain_scalar_folded_over_lines() -> None:
    res, diags = parse_yaml(
        "on_failure:\n"
        "  - reinstantiate(scope=[a,\n"
        "      b], timeout=0s)\n"
    )
    d = only(diags)
    assert (d.span.line, d.span.column, d.span.end_column) == (3, 19, 21)


def test_double_quoted_scalar_folded_over_lines() -> None:
    res, diags = parse_yaml(
        "on_failure:\n"
        '  - "reinstantiate(scope=[a,\n'
        '      b], timeout=0s)"\n'
    )
    d = only(diags)
    assert (d.span.line, d.span.column) == (3, 19)


def test_literal_block_scalar() -> None:
    res, diags = parse_yaml("on_failure: |\n  reconnect(attempts=0)\n")
    d = only(diags)
    assert (d.span.line, d.span.column) == (2, 22)


def test_without_source_lines_falls_back_to_shifted_span() -> None:
    diags = Diagnostics()  # no diags.sources: positions come from Span.shifted
    assert parse_step("notify(port=0)", Span("x.yaml", 7, 9, 7, 25, '"'), diags) is None
    d = only(diags)
    assert (d.span.file, d.span.line, d.span.column, d.span.end_column) == ("x.yaml", 7, 22, 23)


# --------------------------------------------------------------------------- wording


@pytest.mark.parametrize(
    "terminals,words",
    [
        ({"COMMA", "RPAR"}, "',' or ')'"),
        ({"LPAR", "$END"}, "'(' or the end of the step"),
        ({"EQUAL"}, "'='"),
        ({"ACTION"}, "an action (reconnect, notify, shutdown_chain or reinstantiate)"),
        ({"COMMA", "RSQB"}, "',' or ']'"),
        (
            {"NAME", "INT", "DURATION", "STRING", "LSQB"},
            "a name, a duration such as 2s, an integer, a \"string\" or '[' (a list)",
        ),
    ],
)
def test_expected_words(terminals: set[str], words: str) -> None:
    assert expected_words(terminals) == words


def test_rendered_diagnostic_points_at_the_character() -> None:
    res, diags = parse_yaml('on_failure:\n  - "reconnect(attempts=3 backoff=1s)"\n')
    assert diags.render_text() == (
        "w.yaml:2:27: error[xf-step-syntax]: unexpected name 'backoff': expected ',' or ')'\n"
        '     2 |   - "reconnect(attempts=3 backoff=1s)"\n'
        "       |                           ^^^^^^^\n"
    )


@pytest.mark.parametrize("text,message", [
    ("reconnect(attempts=2147483648)", "attempts must be at most 2147483647, not 2147483648"),
    ("reconnect(backoff=8761h)", "backoff must be at most 365 days"),
    ("notify(timeout=99999999999999999999999999s)", "timeout must be at most 365 days"),
])
def test_upper_bounds(text, message):
    from compiler.diagnostics import Diagnostics, Span
    from compiler.normalize.steps import parse_step

    d = Diagnostics()
    assert parse_step(text, Span("t.yaml", 3, 5), d) is None
    (diag,) = list(d)
    assert diag.code == "xf-step-syntax" and message in diag.message


def test_largest_values_accepted():
    from compiler.diagnostics import Diagnostics, Span
    from compiler.normalize.steps import parse_step

    d = Diagnostics()
    step = parse_step("reconnect(attempts=2147483647, backoff=8760h, timeout=525600m)", Span("t.yaml", 1, 1), d)
    assert step is not None and not d.has_errors


@pytest.mark.parametrize("source", [
    '  k: "notify(via=event)"',
    '- "reinstantiate(scope=chain, timeout=30s)"  # c',
    'k: "a b"',
    'k: "tab\\there"',  # an escape: the scan
    'k: "x\\"y"',
    'k: "folded\n  over two lines"',
    'k: ""',
])
def test_a_double_quoted_step_maps_each_character_as_the_scan_does(source: str) -> None:
    """A double-quoted scalar on one line without escapes is mapped by arithmetic
    (locate._simple_double, the common step string); it agrees with the character
    scan, and one with escapes or folding is left to the scan."""
    from compiler.normalize import locate

    doc, diags = _load(source if not source.startswith("-") else "k:\n" + source)
    value = doc["k"] if isinstance(doc["k"], str) else doc["k"][0]
    span = (doc.value_span("k") if isinstance(doc["k"], str) else doc["k"].item_span(0))
    assert span.style == '"'
    lines = diags.sources[span.file]
    scanned = locate._scan_double(lines, span)
    assert scanned is not None and "".join(scanned[0]) == value
    simple = locate._simple_double(value, span, lines)
    if "\\" in source or "\n" in source:
        assert simple is None
    else:
        assert simple == (scanned[1], scanned[2])
    assert locate._source_positions(value, span, lines) == (scanned[1], scanned[2])
