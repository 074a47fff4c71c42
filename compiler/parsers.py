"""The lark parsers of ``grammars/*.lark``, made once per process: loaded from the parse
tables shipped beside each grammar when they are current, else built from the grammar.

Phase: none (support for load and normalize).  Input: a grammar name.  Output: a
:class:`lark.Lark` LALR parser.  Codes: none.

Building an LALR parser from grammar text costs 10–40 ms per grammar (most of it lark
reading the grammar itself), and a cold ``xfc check`` of a CSAR builds two (TOSCA.meta and
the manifest) and often the step language's.  Lark's documented way out is
:meth:`lark.Lark.save` / :meth:`lark.Lark.load`: the analysed tables, written once and
loaded in about a millisecond.  ``python -m compiler.parsers`` writes them, for every
grammar of :data:`GRAMMARS`, to ``grammars/<name>.lalr`` (package data, next to the
grammar); ``tests/unit/test_parsers.py`` fails while one is stale.

A shipped file is used only when all of these hold; otherwise the parser is built from
the grammar in memory, as it always was, and the result is the same parser:

* it was written by the installed lark version (the saved form is lark's own, internal to
  a version; a newer lark from PyPI builds in memory until the files are written again);
* it was written for this grammar text (its SHA-256) and these options;
* it holds plain data only: the unpickler refuses every reference to a class or function,
  so an altered file can not run code, it is only not used;
* lark loads it without an error.

Nothing is written at run time: lark's own ``cache=True`` keeps a file in the temp folder,
which xfc never writes outside the output directory.
"""

from __future__ import annotations

import hashlib
import io
import pickle
import sys
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any


def _import_lark() -> Any:
    """``import lark``, without the optional ``regex`` module when nothing has imported it
    yet.  lark imports ``regex`` whenever it is installed (12-20 ms of a cold start here,
    docs/performance.md) but uses it only for a parser built with ``regex=True`` (Unicode
    categories in a grammar's terminals), which no grammar of xfc is; with ``regex``
    hidden, lark works out the width of a terminal with the standard library's parser,
    as it does where ``regex`` is not installed.  A process that has already imported
    ``regex`` keeps it, and ``regex`` is importable again as soon as lark is in."""
    if "lark" in sys.modules or "regex" in sys.modules:
        import lark as found

        return found
    sys.modules["regex"] = None  # type: ignore[assignment]  # import regex -> ImportError
    try:
        import lark as found
    finally:
        if sys.modules.get("regex", 0) is None:
            del sys.modules["regex"]
    return found


if TYPE_CHECKING:
    import lark
else:
    lark = _import_lark()

from .resources import grammar_text, grammars_dir

_COMMON: dict[str, Any] = {"parser": "lalr", "propagate_positions": True,
                           "maybe_placeholders": False}

#: grammar name -> the options its parser is built with.
GRAMMARS: dict[str, dict[str, Any]] = {
    "tosca_meta": dict(_COMMON),
    "manifest": dict(_COMMON),
    # a word is read as ACTION only where an action may stand (compiler.normalize.steps)
    "steps": dict(_COMMON, lexer="contextual"),
}

_FORMAT = 1  # of the file around lark's saved data; a change makes every file stale

_PARSERS: dict[str, lark.Lark] = {}
_LOCK = threading.Lock()


def tables_path(name: str) -> Path:
    return grammars_dir() / f"{name}.lalr"


def _stamp(name: str) -> dict[str, Any]:
    """What a shipped file must have been written for."""
    return {"format": _FORMAT, "lark": lark.__version__,
            "grammar_sha256": hashlib.sha256(grammar_text(name).encode("utf-8")).hexdigest(),
            "options": sorted(GRAMMARS[name].items())}


class _PlainData(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:  # noqa: ARG002
        raise pickle.UnpicklingError(f"{module}.{name}: only plain data is accepted")


def build(name: str) -> lark.Lark:
    """The parser of ``grammars/<name>.lark``, built from the grammar text."""
    return lark.Lark(grammar_text(name), **GRAMMARS[name])


def load(name: str) -> lark.Lark | None:
    """The parser from its shipped tables, or None when they are missing, stale or
    unreadable (see the module docstring)."""
    try:
        raw = tables_path(name).read_bytes()
        doc = _PlainData(io.BytesIO(raw)).load()
        if not isinstance(doc, dict) or doc.get("stamp") != _stamp(name):
            return None
        return lark.Lark.load(doc["parser"])
    except Exception:  # noqa: BLE001 - any doubt about the file: build from the grammar
        return None


def get(name: str) -> lark.Lark:
    """The parser of ``grammars/<name>.lark`` (one of :data:`GRAMMARS`), made once per
    process; lark's LALR ``parse`` keeps its state per call, so it is shared."""
    parser = _PARSERS.get(name)
    if parser is None:
        with _LOCK:
            parser = _PARSERS.get(name)
            if parser is None:
                parser = _PARSERS[name] = load(name) or build(name)
    return parser


def tables(name: str) -> bytes:
    """The content of ``grammars/<name>.lalr`` for the installed lark (what
    ``python -m compiler.parsers`` writes)."""
    out = io.BytesIO()
    build(name).save(out)
    saved = pickle.loads(out.getvalue())  # lark's own save: plain data (checked by load)
    return pickle.dumps({"stamp": _stamp(name), "parser": saved}, protocol=4)


def main() -> int:
    """Write the shipped tables of every grammar whose file is stale (run after changing
    a grammar, or to follow a new lark release).  A current file is left alone: lark's
    tables come out in a different byte order per process (set iteration under hash
    randomisation), for the same parser."""
    for name in GRAMMARS:
        path = tables_path(name)
        if load(name) is not None:
            print(f"{path}: current")
            continue
        path.write_bytes(tables(name))
        print(f"wrote {path} (lark {lark.__version__})")
    return 0


if __name__ == "__main__":  # pragma: no cover - a maintainer's command
    raise SystemExit(main())
