"""``--format`` keeps its meaning per command, and ``xfc --help`` says which in one
table (issue 21, item 9): the parsers and the table come from one dict."""

from __future__ import annotations

import argparse
import io

import pytest

from compiler import cli
from compiler.api.formats import FORMATS, table
from compiler.plugins import BUILTIN_BUNDLERS


def _subparsers() -> dict[str, argparse.ArgumentParser]:
    parser, _ = cli.build_parser()
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    raise AssertionError("no verbs")


def _format_action(p: argparse.ArgumentParser) -> argparse.Action | None:
    for action in p._actions:
        if "--format" in action.option_strings:
            return action
    return None


def test_every_verb_with_a_format_is_in_the_table():
    verbs = _subparsers()
    with_format = {v for v, p in verbs.items() if _format_action(p) is not None}
    assert with_format == set(FORMATS)


@pytest.mark.parametrize("verb", sorted(set(FORMATS) - {"bundle"}))
def test_the_parser_takes_the_tables_choices(verb):
    action = _format_action(_subparsers()[verb])
    assert tuple(action.choices) == FORMATS[verb].choices
    assert action.default == FORMATS[verb].choices[0]
    assert FORMATS[verb].what in action.help


def test_bundle_format_is_the_package():
    p = _subparsers()["bundle"]
    action = _format_action(p)
    assert action.dest == "formats" and "-f" in action.option_strings and action.required
    assert FORMATS["bundle"].choices == tuple(BUILTIN_BUNDLERS)
    assert all(name in action.help for name in BUILTIN_BUNDLERS)
    diag = next(a for a in p._actions if "--diagnostics-format" in a.option_strings)
    assert tuple(diag.choices) == FORMATS["check"].choices


def test_help_shows_the_table(capsys):
    assert cli.main(["--help"], out=io.StringIO()) == 0  # argparse prints to stdout
    text = capsys.readouterr().out
    assert table() in text
    for line in ("check, compile, report  the diagnostics: text | json | sarif",
                 "graph                   the picture: dot | mermaid | json",
                 "bundle                  the package, repeatable: helm | kustomize | csar"):
        assert line in text


def test_the_meaning_is_kept_when_used():
    # graph's --format is the picture: sarif (a diagnostics format) is misuse there
    out = io.StringIO()
    assert cli.main(["graph", "samples/5g-core-slice/slice.yaml", "--format", "sarif"], out=out) == 2
    assert cli.main(["check", "samples/5g-core-slice/slice.yaml", "--format", "mermaid"], out=out) == 2
