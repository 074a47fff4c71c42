"""Diagnostics: positions, problems, and how they are shown.

Phase: all.  Every phase reports problems by adding a :class:`Diagnostic` to the
:class:`Diagnostics` collector it is given; library code never prints or exits.
The collector de-duplicates, sorts (file, line, column, code), renders text as
``file:line:col: severity[code]: message`` followed by the source line and a caret, or
renders JSON for tools.  Codes come from the single registry in :mod:`compiler.codes`;
adding a diagnostic with an unregistered code is a programming error (``KeyError``).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from enum import IntEnum
from typing import Any, Iterable, Iterator, Mapping

from . import codes as _codes


class Severity(IntEnum):
    NOTE = 0
    WARNING = 1
    ERROR = 2

    def __str__(self) -> str:  # "error", "warning", "note"
        return self.name.lower()


@dataclass(frozen=True, slots=True)
class Span:
    """A position in a source file.  Lines and columns are 1-based."""

    file: str
    line: int = 0
    column: int = 0
    end_line: int = 0
    end_column: int = 0
    # ``style`` of the scalar at this position, as YAML wrote it: "" plain, "'" or '"'
    # quoted, "|" or ">" block.  Lets a grammar error inside a scalar be placed exactly.
    style: str = ""

    def shifted(self, offset: int) -> "Span":
        """The position ``offset`` characters into a single-line scalar starting here."""
        skip = 1 if self.style in ("'", '"') else 0
        col = self.column + skip + offset
        return Span(self.file, self.line, col, self.line, col + 1, "")

    def __str__(self) -> str:
        if self.line:
            return f"{self.file}:{self.line}:{self.column}"
        return self.file


NO_SPAN = Span("<unknown>")


@dataclass(frozen=True, slots=True)
class Diagnostic:
    code: str
    message: str
    span: Span = NO_SPAN
    severity: Severity = Severity.ERROR
    # Entity path, Puccini style: topology_template.node_templates["upf"].properties["image"]
    path: str = ""
    hint: str = ""
    # Import chain: the files (with the import line) through which ``span.file`` was reached.
    chain: tuple[Span, ...] = ()

    def sort_key(self) -> tuple[Any, ...]:
        return (self.span.file, self.span.line, self.span.column, self.code, self.message)

    def to_json(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "severity": str(self.severity),
            "message": self.message,
            "file": self.span.file,
            "line": self.span.line,
            "column": self.span.column,
            "path": self.path,
            "hint": self.hint,
            "import_chain": [str(s) for s in self.chain],
        }


#: How many diagnostics of one code a :class:`Diagnostics` keeps when it is given no cap:
#: the default of ``Limits.max_diagnostics_per_code`` (compiler/limits.py reports through
#: this module, so the number is kept here and a test holds the two equal).
DEFAULT_MAX_PER_CODE = 1000


class Diagnostics:
    """Collects diagnostics of one run.  Not shared between runs or threads."""

    def __init__(self, max_per_code: int | None = None) -> None:
        self._items: dict[tuple[Any, ...], Diagnostic] = {}
        self._per_code: dict[str, int] = {}
        # Limits.max_diagnostics_per_code (pipeline sets it): a flood of one code says nothing more
        self.max_per_code = (max_per_code if max_per_code is not None
                             else DEFAULT_MAX_PER_CODE)
        # file name -> list of lines, for rendering source excerpts
        self.sources: dict[str, list[str]] = {}
        # file name -> import chain through which it was loaded
        self.chains: dict[str, tuple[Span, ...]] = {}
        # file name -> (word, word in that file's grammar) for the entity paths and hints
        # of its diagnostics: the resolver names 1.3's topology_template where a TOSCA 2.0
        # file (lowered to 1.3 by compiler.loader.tosca2) says service_template
        self.path_words: dict[str, tuple[tuple[str, str], ...]] = {}
        # One cause, one error: an entity an error was reported about (a key such as
        # ("property", node, name)) -> that error's span; later phases ask failed_at() and
        # drop an error that only follows from it
        self._failed: dict[tuple[Any, ...], Span] = {}

    # -- collecting ---------------------------------------------------------
    def add(
        self,
        code: str,
        message: str,
        span: Span | None = None,
        *,
        path: str = "",
        hint: str = "",
        severity: Severity | None = None,
    ) -> Diagnostic:
        """Record a problem.  The severity defaults to the code's registered one.

        A check plugin's own code is written ``<plugin>/<slug>`` and needs ``severity``.
        """
        code = _codes.canonical(code)  # a retired code is recorded as its successor
        spec = _codes.CODES.get(code)
        if spec is None:
            if "/" not in code or severity is None:
                raise KeyError(code)  # an unregistered code: a bug in xfc (or the plugin)
        elif severity is None:
            severity = Severity(int(spec.severity))
        span = span or NO_SPAN
        for old, new in self.path_words.get(span.file, ()):
            path = re.sub(rf"\b{old}\b", new, path)
            hint = re.sub(rf"\b{old}\b", new, hint)
        diag = Diagnostic(
            code=code,
            message=message,
            span=span,
            severity=severity,
            path=path,
            hint=hint,
            chain=self.chains.get(span.file, ()),
        )
        key = (code, message, span.file, span.line, span.column)
        if key in self._items:
            return self._items[key]
        seen = self._per_code.get(code, 0)
        self._per_code[code] = seen + 1
        if seen >= self.max_per_code:
            # 20,000 missing manifest names gave 20,000 errors (and their rendering);
            # past the limit one summary stands for the rest, at the first one dropped
            if seen == self.max_per_code:
                self._items[("limit-exceeded", code)] = Diagnostic(
                    code="limit-exceeded",
                    message=f"more diagnostics of code {code} than the limit "
                            f"max_diagnostics_per_code = {self.max_per_code:,}; the rest are "
                            "not reported",
                    span=span, severity=diag.severity, path=path, chain=diag.chain)
            return diag
        self._items[key] = diag
        return diag

    def mark_failed(self, key: tuple[Any, ...], span: Span | None = None) -> None:
        """Record that an error was reported about the entity ``key``: errors that only
        follow from it are dropped by the phases that ask :meth:`failed_at`."""
        self._failed.setdefault(key, span or NO_SPAN)

    def failed_at(self, *keys: tuple[Any, ...]) -> Span | None:
        """The span of the error about the first of ``keys`` that failed, else None."""
        for key in keys:
            if key in self._failed:
                return self._failed[key]
        return None

    def saturated(self, code: str) -> bool:
        """True once ``code`` has passed ``max_per_code``: a further one of it is only
        counted, so a caller may stop looking for more (a flood of one code)."""
        return self._per_code.get(_codes.canonical(code), 0) > self.max_per_code

    def error(self, code: str, message: str, span: Span | None = None, **kw: Any) -> Diagnostic:
        return self.add(code, message, span, severity=Severity.ERROR, **kw)

    def warning(self, code: str, message: str, span: Span | None = None, **kw: Any) -> Diagnostic:
        return self.add(code, message, span, severity=Severity.WARNING, **kw)

    def note(self, code: str, message: str, span: Span | None = None, **kw: Any) -> Diagnostic:
        return self.add(code, message, span, severity=Severity.NOTE, **kw)

    def copy(self) -> "Diagnostics":
        """A copy to go on from: the same diagnostics, counts, sources, import chains,
        path words and failed entities (each a new container; the diagnostics, which are
        frozen, shared).  Later additions to either do not show in the other."""
        new = Diagnostics(max_per_code=self.max_per_code)
        new._items = dict(self._items)
        new._per_code = dict(self._per_code)
        new.sources = dict(self.sources)
        new.chains = dict(self.chains)
        new.path_words = dict(self.path_words)
        new._failed = dict(self._failed)
        return new

    def extend(self, other: "Diagnostics") -> None:
        for key, d in other._items.items():
            self._items.setdefault(key, d)
        for key, span in other._failed.items():
            self._failed.setdefault(key, span)
        for k, v in other.sources.items():
            self.sources.setdefault(k, v)

    # -- reading ------------------------------------------------------------
    def __iter__(self) -> Iterator[Diagnostic]:
        return iter(sorted(self._items.values(), key=Diagnostic.sort_key))

    def __len__(self) -> int:
        return len(self._items)

    @property
    def has_errors(self) -> bool:
        return any(d.severity >= Severity.ERROR for d in self._items.values())

    def errors(self) -> list[Diagnostic]:
        return [d for d in self if d.severity >= Severity.ERROR]

    def codes(self) -> list[str]:
        return [d.code for d in self]

    def count(self, severity: Severity) -> int:
        return sum(1 for d in self._items.values() if d.severity == severity)

    # -- rendering ----------------------------------------------------------
    def render_text(self, *, color: bool = False, min_severity: Severity = Severity.NOTE,
                    notes_per_code: int | None = None) -> str:
        """Text with source excerpts.  ``notes_per_code`` caps how many notes of one code
        are shown (errors and warnings are always shown in full); the rest are counted
        in one line."""
        shown: list[Diagnostic] = []
        hidden: dict[str, int] = {}
        per_code: dict[str, int] = {}
        for d in self:
            if d.severity < min_severity:
                continue
            if notes_per_code is not None and d.severity == Severity.NOTE:
                per_code[d.code] = per_code.get(d.code, 0) + 1
                if per_code[d.code] > notes_per_code:
                    hidden[d.code] = hidden.get(d.code, 0) + 1
                    continue
            shown.append(d)
        text = render_text(shown, self.sources, color=color)
        for code, n in sorted(hidden.items()):
            text += f"note: {n} more note{'s' * (n != 1)} [{code}] not shown (--all-notes or --format json lists them)\n"
        return text

    def render_json(self, *, min_severity: Severity = Severity.NOTE) -> str:
        return json.dumps(
            [d.to_json() for d in self if d.severity >= min_severity], indent=2, sort_keys=True
        )


_COLORS = {Severity.ERROR: "\x1b[1;31m", Severity.WARNING: "\x1b[1;33m", Severity.NOTE: "\x1b[1;36m"}


def render_text(
    diags: Iterable[Diagnostic], sources: Mapping[str, list[str]], *, color: bool = False
) -> str:
    out: list[str] = []
    for d in diags:
        sev = str(d.severity)
        if color:
            sev = f"{_COLORS[d.severity]}{sev}\x1b[0m"
        out.append(f"{d.span}: {sev}[{d.code}]: {d.message}")
        lines = sources.get(d.span.file)
        if lines and 0 < d.span.line <= len(lines):
            text = lines[d.span.line - 1].rstrip("\n").expandtabs(1)
            if len(text) > 200:
                text = text[:200] + "…"
            out.append(f"  {d.span.line:>4} | {text}")
            caret_col = max(1, min(d.span.column, len(text) + 1))
            width = 1
            if d.span.end_line == d.span.line and d.span.end_column > d.span.column:
                width = max(1, min(d.span.end_column - d.span.column, len(text) - caret_col + 1))
            out.append(f"       | {' ' * (caret_col - 1)}{'^' * width}")
        if d.path:
            out.append(f"       = at: {d.path}")
        if d.hint:
            out.append(f"       = hint: {d.hint}")
        for link in d.chain:
            out.append(f"       = imported from {link}")
    return "\n".join(out) + ("\n" if out else "")


class CompileError(Exception):
    """Raised inside a phase to abort it after diagnostics have been recorded."""


# A bug in xfc detected by a self-check (e.g. output that does not read back); never
# raised for bad input.  Defined with the library API's other exceptions.
from .errors import InternalError  # noqa: E402


__all__ = [
    "Severity",
    "Span",
    "NO_SPAN",
    "Diagnostic",
    "Diagnostics",
    "render_text",
    "CompileError",
    "InternalError",
]
