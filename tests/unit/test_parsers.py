"""The shipped parse tables of grammars/*.lark (compiler/parsers.py): current for each
grammar, the same parser as one built from the grammar, and never used when in doubt
(another lark, another grammar, a file that is not plain data, no file at all)."""

from __future__ import annotations

import io
import pickle
import warnings
from pathlib import Path

import lark
import pytest

from compiler import parsers

REPO = Path(__file__).resolve().parents[2]
REGENERATE = "run `python -m compiler.parsers` and commit grammars/*.lalr"

STEPS = [
    "reconnect", "notify()", "reconnect(attempts=3, backoff=500ms)",
    "reinstantiate(scope=[upf, smf])", 'notify(via=http, message="a \\"b\\"")',
    "shutdown_chain(chain=core.smf-1)",
    # broken ones: the error must be the same too
    "reconnect(", "notify(x=)", "reinstantiate(scope=[a,,b])", "notifyx", "", "reconnect)",
    "reconnect(attempts=3 backoff=1s)", "notify(via=http",
]


def _texts(name: str) -> list[str]:
    if name == "steps":
        return STEPS
    pattern = "TOSCA.meta" if name == "tosca_meta" else "*.mf"
    files = sorted(REPO.joinpath("samples").rglob(pattern)) + sorted(
        REPO.joinpath("tests").rglob(pattern))
    texts = [f.read_text(encoding="utf-8", errors="replace") for f in files]
    assert texts, f"no {pattern} under samples/ or tests/"
    # and broken ones
    return texts + [t[: len(t) // 2] + "\n:::\n" + t[len(t) // 2:] for t in texts[:3]] + ["", ":\n"]


def _outcome(parser: lark.Lark, text: str) -> object:
    try:
        tree = parser.parse(text)
    except lark.exceptions.UnexpectedInput as exc:
        return (type(exc).__name__, exc.line, exc.column,
                sorted(getattr(exc, "expected", None) or getattr(exc, "allowed", None) or ()))
    return tree, [(t.type, t.line, t.column, t.end_line, t.end_column)
                  for t in tree.scan_values(lambda v: isinstance(v, lark.Token))]


def _stamp_of(path: Path) -> dict:
    doc = parsers._PlainData(io.BytesIO(path.read_bytes())).load()  # noqa: SLF001
    return doc["stamp"]


@pytest.mark.parametrize("name", sorted(parsers.GRAMMARS))
def test_shipped_tables_are_current_for_the_grammar(name):
    path = parsers.tables_path(name)
    assert path.is_file(), f"{path} is missing: {REGENERATE}"
    stamp, want = _stamp_of(path), parsers._stamp(name)  # noqa: SLF001
    for key in ("format", "grammar_sha256", "options"):
        assert stamp[key] == want[key], f"{path} is stale ({key}): {REGENERATE}"


@pytest.mark.parametrize("name", sorted(parsers.GRAMMARS))
def test_shipped_tables_give_the_same_parser(name):
    stamp = _stamp_of(parsers.tables_path(name))
    built = parsers.build(name)
    loaded = parsers.load(name)
    if stamp["lark"] != lark.__version__:
        # written by another lark: not used, and the parser is built as before
        assert loaded is None
        warnings.warn(f"grammars/{name}.lalr was written by lark {stamp['lark']}, installed is "
                      f"{lark.__version__}; parsers are built per process: {REGENERATE}",
                      stacklevel=1)
        loaded = parsers.get(name)
    assert loaded is not None
    for text in _texts(name):
        assert _outcome(loaded, text) == _outcome(built, text), text[:200]


def _fallback(monkeypatch, tmp_path: Path, content: bytes | None) -> lark.Lark:
    path = tmp_path / "steps.lalr"
    if content is not None:
        path.write_bytes(content)
    monkeypatch.setattr(parsers, "tables_path", lambda name: path)
    monkeypatch.setattr(parsers, "_PARSERS", {})
    assert parsers.load("steps") is None
    return parsers.get("steps")


def _doc(**stamp) -> dict:
    doc = pickle.loads(parsers.tables("steps"))
    doc["stamp"].update(stamp)
    return doc


class Boom:
    def __reduce__(self):
        return (exec, ("open('BOOM', 'w').close()",))


@pytest.mark.parametrize("case", ["missing", "garbage", "other-lark", "other-grammar",
                                  "other-options", "code", "truncated"])
def test_anything_doubtful_falls_back_to_building(case, monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    content = {
        "missing": None,
        "garbage": b"not a pickle at all",
        "other-lark": pickle.dumps(_doc(lark="0.0.1")),
        "other-grammar": pickle.dumps(_doc(grammar_sha256="0" * 64)),
        "other-options": pickle.dumps(_doc(options=[("parser", "lalr")])),
        "code": pickle.dumps({"stamp": parsers._stamp("steps"), "parser": Boom()}),  # noqa: SLF001
        "truncated": parsers.tables("steps")[:200],
    }[case]
    parser = _fallback(monkeypatch, tmp_path, content)
    assert not (tmp_path / "BOOM").exists()  # the file's code never ran
    built = parsers.build("steps")
    for text in STEPS:
        assert _outcome(parser, text) == _outcome(built, text)


def test_a_current_file_is_loaded_not_built(monkeypatch):
    if _stamp_of(parsers.tables_path("steps"))["lark"] != lark.__version__:
        pytest.skip("the shipped tables are from another lark (see the warning above)")
    monkeypatch.setattr(parsers, "_PARSERS", {})
    monkeypatch.setattr(parsers, "build", lambda name: pytest.fail(f"{name} was built"))
    assert parsers.get("steps").parse("reconnect(attempts=1)") is not None
