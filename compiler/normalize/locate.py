"""Source positions of the characters of a YAML scalar, for the step language.

Phase: normalize (used by :mod:`compiler.normalize.steps`).  Input: the decoded text of a
scalar, the :class:`~compiler.diagnostics.Span` the YAML loader recorded for it (with its
style: plain, single- or double-quoted, literal or folded) and the source lines in
``Diagnostics.sources``.  Output: the descriptor position (line, column) of any offset
in the text, so that a problem is reported at the character as written.

For plain and single-line scalars that is the scalar's own position plus the offset
(:meth:`Span.shifted`).  For double-quoted scalars with escapes, and for scalars folded
over several lines, the source is scanned to map each decoded character back to the
text as written; the mapping is trusted only when the scan reproduces the text exactly,
and otherwise the shifted position is used.

Codes: none.
"""

from __future__ import annotations

from ..diagnostics import Diagnostics, Span


class Locator:
    """Maps offsets in a step string to positions in the descriptor as written."""

    def __init__(self, text: str, span: Span, diags: Diagnostics) -> None:
        self.text = text
        self.base = span
        self.diags = diags
        self._map: tuple[list[tuple[int, int]], tuple[int, int]] | None | bool = False

    def _positions(self) -> tuple[list[tuple[int, int]], tuple[int, int]] | None:
        if self._map is False:
            lines = self.diags.sources.get(self.base.file)
            self._map = _source_positions(self.text, self.base, lines) if lines else None
        return self._map  # type: ignore[return-value]

    def span(self, offset: int, length: int = 1) -> Span:
        length = max(1, length)
        found = self._positions()
        if found is None:
            start = self.base.shifted(offset)
            return Span(start.file, start.line, start.column, start.line, start.column + length)
        pos, end = found
        line, col = pos[offset] if offset < len(pos) else end
        last = offset + length - 1
        if last < len(pos) and pos[last][0] == line:
            end_col = pos[last][1] + 1
        else:
            end_col = col + 1
        return Span(self.base.file, line, col, line, end_col)


_DQ_ESCAPES = {
    "0": "\0", "a": "\a", "b": "\b", "t": "\t", "\t": "\t", "n": "\n", "v": "\v",
    "f": "\f", "r": "\r", "e": "\x1b", " ": " ", '"': '"', "/": "/", "\\": "\\",
    "N": "\x85", "_": "\xa0", "L": "\u2028", "P": "\u2029",
}
_DQ_HEX = {"x": 2, "u": 4, "U": 8}


def _source_positions(
    text: str, span: Span, lines: list[str]
) -> tuple[list[tuple[int, int]], tuple[int, int]] | None:
    """(line, column) of each character of ``text`` and of its end, or None.

    The result is only trusted when scanning the source reproduces ``text`` exactly;
    otherwise the caller falls back to :meth:`Span.shifted`.
    """
    if not (0 < span.line <= len(lines)):
        return None
    try:
        if span.style == '"':
            simple = _simple_double(text, span, lines)
            if simple is not None:
                return simple
            found = _scan_double(lines, span)
        else:
            found = _align(text, lines, span)
    except (IndexError, ValueError):
        return None
    if found is None:
        return None
    chars, pos, end = found
    if "".join(chars) != text:
        return None
    return pos, end


# the decoded characters, the (line, column) of each, and where the scalar ends
_Scan = tuple[list[str], list[tuple[int, int]], tuple[int, int]]


def _simple_double(text: str, span: Span,
                   lines: list[str]) -> tuple[list[tuple[int, int]], tuple[int, int]] | None:
    """The positions of a double-quoted scalar written on one line without escapes (the
    common step string), or None: its source is ``text`` itself after the quote."""
    start = span.column  # the index just after the opening quote
    end = start + len(text)
    line = lines[span.line - 1]
    if "\\" in text or '"' in text or line[end:end + 1] != '"' or line[start:end] != text:
        return None
    row = span.line
    return [(row, c) for c in range(start + 1, end + 1)], (row, end + 1)


def _scan_double(lines: list[str], span: Span) -> _Scan | None:
    """Decode a double-quoted YAML scalar from its source, keeping each char's position."""
    chars: list[str] = []
    pos: list[tuple[int, int]] = []
    escaped: list[bool] = []
    li, ci = span.line - 1, span.column  # index just after the opening quote
    last_line = span.end_line - 1 if span.end_line else li
    while li <= last_line and li < len(lines):
        s = lines[li]
        if ci >= len(s):  # an unescaped line break: folded
            while chars and chars[-1] in " \t" and not escaped[-1] and pos[-1][0] == li + 1:
                chars.pop(), pos.pop(), escaped.pop()
            brk = (li + 1, len(s) + 1)
            li, ci, blank = li + 1, 0, 0
            while li < len(lines) and not lines[li].strip(" \t"):
                blank, li = blank + 1, li + 1
            if li >= len(lines):
                return None
            while ci < len(lines[li]) and lines[li][ci] in " \t":
                ci += 1
            for c in ("\n" * blank) or " ":
                chars.append(c)
                pos.append(brk)
                escaped.append(False)
            continue
        c = s[ci]
        if c == '"':
            return chars, pos, (li + 1, ci + 1)
        if c == "\\":
            if ci + 1 >= len(s):  # escaped line break: joins without a space
                li, ci = li + 1, 0
                while li < len(lines) and ci < len(lines[li]) and lines[li][ci] in " \t":
                    ci += 1
                continue
            e = s[ci + 1]
            if e in _DQ_HEX:
                n = _DQ_HEX[e]
                decoded = chr(int(s[ci + 2: ci + 2 + n], 16))
                width = 2 + n
            elif e in _DQ_ESCAPES:
                decoded, width = _DQ_ESCAPES[e], 2
            else:
                return None
            chars.append(decoded)
            pos.append((li + 1, ci + 1))
            escaped.append(True)
            ci += width
            continue
        chars.append(c)
        pos.append((li + 1, ci + 1))
        escaped.append(False)
        ci += 1
    return None


def _align(text: str, lines: list[str], span: Span) -> _Scan | None:
    """Match the characters of ``text`` in order against the source of a plain,
    single-quoted or block scalar (no escapes but '' and folding)."""
    pos: list[tuple[int, int]] = []
    li, ci = span.line - 1, span.column - 1
    if span.style == "'":
        ci += 1
    elif span.style in ("|", ">"):
        li, ci = li + 1, 0  # content starts on the line after the header
    last_line = (span.end_line - 1) if span.end_line else li
    for ch in text:
        while True:
            if li > last_line or li >= len(lines):
                return None
            s = lines[li]
            src = s[ci] if ci < len(s) else "\n"
            if src == ch or (src == "\n" and ch == " "):
                pos.append((li + 1, ci + 1))
                if src == "\n":
                    li, ci = li + 1, 0
                else:
                    ci += 1
                break
            if src == "\n":
                li, ci = li + 1, 0
            else:
                ci += 1
    if pos:
        line, col = pos[-1]
        end = (line, col + 1)
    else:
        end = (li + 1, ci + 1)
    return list(text), pos, end
