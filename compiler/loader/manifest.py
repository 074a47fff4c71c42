"""The two text files of a CSAR: ``TOSCA-Metadata/TOSCA.meta`` and the SOL004 manifest.

Phase: load.  Input: the decoded text of one file and its display name.  Output: a
:class:`ToscaMeta` or :class:`Manifest` (frozen IR; every key and value keeps its
``Span``), or ``None`` when the file does not parse.  Parsing is two-step: a lark LALR
grammar (``grammars/tosca_meta.lark``, ``grammars/manifest.lark``; the parsers come
from :mod:`compiler.parsers`, which loads their shipped tables) for the line syntax,
then a pass that checks keys, duplicates and indentation.  Nothing here touches the
package: whether named files exist and whether digests match is checked by
:mod:`compiler.loader.csar`.

Codes: csar-meta-syntax, csar-meta-missing-key, csar-meta-unknown-key,
csar-manifest-syntax, tosca-quirk (notes for accepted legacy spellings), limit-exceeded
(more ``Name:`` or ``Source:`` blocks than ``Limits.max_manifest_blocks``, counted before
the grammar runs: 250,000 Source blocks took 99 s and 1.2 GB in the parser).
"""

from __future__ import annotations

from ..suggest import NAME_CUTOFF, close_matches
import re
from dataclasses import dataclass
from typing import Literal

from .. import parsers  # first: it imports lark (without the optional regex module)

from lark import Lark, Token, Tree
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken

from ..diagnostics import Diagnostics, Severity, Span
from ..limits import DEFAULT_LIMITS, Limits, exceeded

# --------------------------------------------------------------------------------------
# Keys


#: Block 0 keys of TOSCA.meta that some consumer reads (TOSCA 1.3 §4.2.1.1.1; SOL004
#: §4.3.2; SDC ToscaMetaEntryVersion261; Tacker csar_utils; osmclient sol_package).
META_BLOCK0_KEYS: tuple[str, ...] = (
    "TOSCA-Meta-File-Version",
    "CSAR-Version",
    "Created-By",
    "Entry-Definitions",
    "ETSI-Entry-Manifest",
    "ETSI-Entry-Change-Log",
    "ETSI-Entry-Tests",
    "ETSI-Entry-Licenses",
    "ETSI-Entry-Certificate",
    "Other-Definitions",
)
#: Keys of the per-file blocks after block 0.
META_FILE_KEYS: tuple[str, ...] = ("Name", "Content-Type", "Algorithm", "Hash")
#: Legacy spellings found in real packages (Tacker samples), accepted with a note.
META_LEGACY_KEYS: dict[str, str] = {"Created-by": "Created-By", "Content-type": "Content-Type"}
#: Keys that SDC requires in block 0; missing ones are warnings (Tacker does not care).
META_SDC_REQUIRED: tuple[str, ...] = ("TOSCA-Meta-File-Version", "CSAR-Version", "Created-By")
#: Block 0 keys that may be repeated.
_META_REPEATABLE = frozenset({"Other-Definitions"})

# --------------------------------------------------------------------------------------
# IR


@dataclass(frozen=True, slots=True, kw_only=True)
class Field:
    """One ``Key: value`` line.  ``key`` is the canonical spelling, ``written`` as found."""

    key: str
    value: str
    written: str
    span: Span  # the key
    value_span: Span  # the value (an empty span just after the colon when there is none)


@dataclass(frozen=True, slots=True, kw_only=True)
class MetaFileBlock:
    """A TOSCA.meta block after block 0: one file, optionally with its digest."""

    fields: tuple[Field, ...]
    span: Span

    def get(self, key: str) -> Field | None:
        return next((f for f in self.fields if f.key == key), None)

    @property
    def name(self) -> str | None:
        f = self.get("Name")
        return f.value if f else None


@dataclass(frozen=True, slots=True, kw_only=True)
class ToscaMeta:
    """A parsed TOSCA.meta: block 0 and the per-file blocks."""

    file: str
    block0: tuple[Field, ...]
    files: tuple[MetaFileBlock, ...]

    def get(self, key: str) -> Field | None:
        """The first block-0 field with this canonical key."""
        return next((f for f in self.block0 if f.key == key), None)

    def get_all(self, key: str) -> tuple[Field, ...]:
        return tuple(f for f in self.block0 if f.key == key)

    def as_dict(self) -> dict[str, str]:
        """Block 0 as a plain dict (first occurrence of each key)."""
        out: dict[str, str] = {}
        for f in self.block0:
            out.setdefault(f.key, f.value)
        return out


@dataclass(frozen=True, slots=True, kw_only=True)
class ManifestSource:
    """A ``Source:`` entry, with its optional digest and signature."""

    path: str
    span: Span  # the Source key
    value_span: Span
    algorithm: Field | None = None
    hash: Field | None = None
    signature: Field | None = None
    certificate: Field | None = None
    set_id: str | None = None  # the non-MANO artifact set it belongs to

    @property
    def external(self) -> bool:
        """A URL: not part of the package, never fetched."""
        return bool(_URL.match(self.path))


@dataclass(frozen=True, slots=True, kw_only=True)
class NonManoSet:
    set_id: str
    span: Span
    sources: tuple[ManifestSource, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class Manifest:
    """A parsed SOL004 manifest."""

    file: str
    # "header": SDC/SOL004 "metadata:" block; "flat": osmclient's unindented keys;
    # "none": no metadata (Tacker's samples).
    metadata_style: Literal["header", "flat", "none"]
    metadata: tuple[Field, ...]
    sources: tuple[ManifestSource, ...]
    non_mano_sets: tuple[NonManoSet, ...]
    cms_span: Span | None = None  # the trailing signature block, if any

    @property
    def signed(self) -> bool:
        return self.cms_span is not None

    def metadata_dict(self) -> dict[str, str]:
        return {f.key: f.value for f in self.metadata}

    def all_sources(self) -> tuple[ManifestSource, ...]:
        """Top-level sources, then those of every non-MANO set."""
        return self.sources + tuple(s for st in self.non_mano_sets for s in st.sources)


_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*://")

# --------------------------------------------------------------------------------------
# lark plumbing


def _parser(name: str) -> Lark:
    # shipped parse tables when current, else built from grammars/<name>.lark (parsers)
    return parsers.get(name)


_FRIENDLY = {
    "KEY": "a key",
    "_COLON": "':'",
    "VALUE": "a value",
    "_NL": "end of line",
    "_BLANK": "a blank line",
    "$END": "end of file",
    "INDENT": "an indented line",
    "METADATA": "'metadata:'",
    "SOURCE": "'Source:'",
    "ALGORITHM": "'Algorithm:'",
    "HASH": "'Hash:'",
    "SIGNATURE": "'Signature:'",
    "CERTIFICATE": "'Certificate:'",
    "NON_MANO": "'non_mano_artifact_sets:'",
    "CMS": "a '-----BEGIN CMS-----' block",
}


def _normalize_text(text: str) -> str:
    """Line positions are kept; only a final newline is added (and trailing blanks dropped)."""
    stripped = text.rstrip(" \t\r\n")
    return stripped + "\n" if stripped else ""


def _syntax_error(
    err: UnexpectedInput, file: str, what: str, code: str, diags: Diagnostics, lines: list[str]
) -> None:
    line = getattr(err, "line", 0) or 0
    col = getattr(err, "column", 0) or 0
    expected: set[str] = set()
    found = ""
    if isinstance(err, UnexpectedToken):
        expected = set(err.expected)
        tok = err.token
        if tok.type == "$END":
            found = "end of file"
            line = line if line > 0 else len(lines)
            col = col if col > 0 else len(lines[-1]) + 1 if lines else 1
        else:
            found = repr(str(tok).rstrip()[:40] or str(tok)[:40])
    elif isinstance(err, UnexpectedCharacters):
        expected = set(err.allowed or ())
        src = lines[line - 1] if 0 < line <= len(lines) else ""
        found = repr(src[col - 1 : col + 19])
    elif isinstance(err, UnexpectedEOF):
        expected = set(err.expected)
        found = "end of file"
        line = len(lines)
        col = len(lines[-1]) + 1 if lines else 1
    names = sorted({_FRIENDLY.get(e, e) for e in expected})
    hint = ""
    if isinstance(err, UnexpectedToken) and err.token.type == "HASH" and "ALGORITHM" in expected:
        hint = "Algorithm must come before Hash (SOL004 §4.3.2)"
    elif found.startswith("'#"):
        hint = f"{what} has no comments"
    elif found.startswith(("' ", "'\\t")):
        hint = "only manifest metadata and non-MANO sets are indented" if code.endswith(
            "manifest-syntax"
        ) else "TOSCA.meta lines are not indented and have no continuation lines"
    msg = f"{what} syntax: unexpected {found}"
    if names:
        msg += "; expected " + _join_or(names)
    end = col + max(1, len(found) - 2) if found.startswith("'") else col + 1
    diags.add(code, msg, Span(file, line, max(col, 1), line, end), hint=hint)


#: The line that opens a block: a file block of TOSCA.meta, a Source of the manifest
#: (indented in a non-MANO set); keys are matched without case, as the quirks accept them.
_BLOCK_START = {"Name": re.compile(r"^[ \t]*name[ \t]*:", re.I | re.M),
                "Source": re.compile(r"^[ \t]*source[ \t]*:", re.I | re.M)}


def _too_many_blocks(text: str, key: str, file: str, what: str, diags: Diagnostics,
                     limits: Limits) -> bool:
    """Whether ``text`` opens more blocks than ``limits.max_manifest_blocks`` (reported at
    the first one past it): one regular-expression pass, before the grammar builds a tree."""
    limit = limits.max_manifest_blocks
    for n, m in enumerate(_BLOCK_START[key].finditer(text), start=1):
        if n > limit:
            line = text.count("\n", 0, m.start()) + 1
            col = m.start() - (text.rfind("\n", 0, m.start()) + 1) + 1
            exceeded(diags, "max_manifest_blocks", limits,
                     f"{what}: a '{key}' block past the first {limit:,}",
                     Span(file, line, col, line, col + len(key)))
            return True
    return False


def _join_or(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]


def _field(key_tok: Token, value_tok: Token | None, file: str, canonical: str | None = None) -> Field:
    written = str(key_tok)
    kspan = _tok_span(file, key_tok, len(written))
    if value_tok is not None and str(value_tok).strip():
        raw = str(value_tok)
        value = raw.strip()
        vline, vcol = _line_col(value_tok)
        vcol += len(raw) - len(raw.lstrip())
        vspan = Span(file, vline, vcol, vline, vcol + len(value))
    else:
        value = ""
        # just after the colon
        vcol = (_line_col(value_tok)[1] if value_tok is not None else kspan.end_column + 1)
        vspan = Span(file, kspan.line, vcol, kspan.line, vcol + 1)
    return Field(key=canonical or written, value=value, written=written, span=kspan, value_span=vspan)


def _tokens(tree: Tree[Token]) -> list[Token]:
    return [c for c in tree.children if isinstance(c, Token)]


def _line_col(tok: Token) -> tuple[int, int]:
    """Where ``tok`` starts.  lark types a token's position Optional (a Token made by hand
    has none); the tokens of our parsers always have one."""
    return tok.line or 1, tok.column or 1


def _tok_span(file: str, tok: Token, width: int) -> Span:
    """``width`` characters from the start of ``tok``, on its line."""
    line, col = _line_col(tok)
    return Span(file, line, col, line, col + width)


# --------------------------------------------------------------------------------------
# TOSCA.meta


def parse_tosca_meta(text: str, file: str, diags: Diagnostics,
                     limits: Limits = DEFAULT_LIMITS) -> ToscaMeta | None:
    """Parse TOSCA.meta.  ``None`` on a syntax error, when Entry-Definitions is missing or
    when it has more file blocks than ``limits.max_manifest_blocks``."""
    diags.sources[file] = text.splitlines()
    lines = text.splitlines()
    norm = _normalize_text(text)
    if not norm:
        diags.add("csar-meta-syntax", "TOSCA.meta is empty", Span(file, 1, 1, 1, 2))
        return None
    if _too_many_blocks(norm, "Name", file, "TOSCA.meta", diags, limits):
        return None
    try:
        tree = _parser("tosca_meta").parse(norm)
    except UnexpectedInput as err:
        _syntax_error(err, file, "TOSCA.meta", "csar-meta-syntax", diags, lines)
        return None

    blocks: list[list[Field]] = []
    for block in tree.children:
        fields = []
        assert isinstance(block, Tree)  # tosca_meta.lark: start holds blocks of entries
        for entry in block.children:
            assert isinstance(entry, Tree)
            toks = _tokens(entry)
            key = toks[0]
            value = toks[1] if len(toks) > 1 else None
            fields.append(_field(key, value, file))
        blocks.append(fields)

    block0 = _check_block0(blocks[0], file, diags)
    files = tuple(_check_file_block(b, file, diags) for b in blocks[1:])
    meta = ToscaMeta(file=file, block0=block0, files=files)
    if meta.get("Entry-Definitions") is None:
        return None
    return meta


def _canonical(f: Field, canon: str, diags: Diagnostics) -> Field:
    diags.note(
        "tosca-quirk",
        f"quirk csar.legacy-key-case: '{f.written}' read as '{canon}'",
        f.span,
        hint=f"ONAP SDC compares keys exactly and requires '{canon}'",
    )
    return Field(key=canon, value=f.value, written=f.written, span=f.span, value_span=f.value_span)


def _check_block0(fields: list[Field], file: str, diags: Diagnostics) -> tuple[Field, ...]:
    out: list[Field] = []
    seen: dict[str, Field] = {}
    for f in fields:
        if f.key in META_LEGACY_KEYS and META_LEGACY_KEYS[f.key] in META_BLOCK0_KEYS:
            f = _canonical(f, META_LEGACY_KEYS[f.key], diags)
        if f.key not in META_BLOCK0_KEYS:
            hint = _did_you_mean(f.key, META_BLOCK0_KEYS)
            if f.key in META_FILE_KEYS:
                hint = "per-file keys belong in a block of their own, after a blank line"
            diags.add(
                "csar-meta-unknown-key",
                f"TOSCA.meta block 0 has the key '{f.key}', which no consumer reads",
                f.span,
                hint=hint,
            )
            continue
        if f.key in seen and f.key not in _META_REPEATABLE:
            first = seen[f.key]
            diags.add(
                "csar-meta-syntax",
                f"TOSCA.meta key '{f.key}' given twice (first on line {first.span.line})",
                f.span,
            )
            continue
        seen.setdefault(f.key, f)
        out.append(f)
    block_span = Span(file, fields[0].span.line, 1, fields[0].span.line, 2)
    ed = seen.get("Entry-Definitions")
    if ed is None:
        diags.add(
            "csar-meta-missing-key",
            "TOSCA.meta block 0 has no 'Entry-Definitions'",
            block_span,
            hint="Entry-Definitions names the main service template, e.g. Definitions/vnfd.yaml",
        )
    elif not ed.value:
        diags.add("csar-meta-missing-key", "'Entry-Definitions' has no value", ed.value_span)
        out.remove(ed)
    for key in META_SDC_REQUIRED:
        if key not in seen:
            diags.add(
                "csar-meta-missing-key",
                f"TOSCA.meta block 0 has no '{key}'",
                block_span,
                severity=Severity.WARNING,
                hint="ONAP SDC requires TOSCA-Meta-File-Version, CSAR-Version and Created-By",
            )
    return tuple(out)


def _check_file_block(fields: list[Field], file: str, diags: Diagnostics) -> MetaFileBlock:
    out: list[Field] = []
    seen: set[str] = set()
    for f in fields:
        if f.key in META_LEGACY_KEYS and META_LEGACY_KEYS[f.key] in META_FILE_KEYS:
            f = _canonical(f, META_LEGACY_KEYS[f.key], diags)
        if f.key not in META_FILE_KEYS:
            hint = _did_you_mean(f.key, META_FILE_KEYS)
            if f.key in META_BLOCK0_KEYS:
                hint = "block 0 ends at the first blank line; this key is in a per-file block"
            diags.add(
                "csar-meta-unknown-key",
                f"TOSCA.meta file block has the key '{f.key}', which no consumer reads",
                f.span,
                hint=hint,
            )
            continue
        if f.key in seen:
            diags.add("csar-meta-syntax", f"TOSCA.meta key '{f.key}' given twice in one block", f.span)
            continue
        seen.add(f.key)
        out.append(f)
    span = fields[0].span
    block = MetaFileBlock(fields=tuple(out), span=span)
    name = block.get("Name")
    if name is None or not name.value:
        diags.add(
            "csar-meta-missing-key",
            "TOSCA.meta file block has no 'Name'",
            name.value_span if name else span,
        )
    alg, hsh = block.get("Algorithm"), block.get("Hash")
    if alg is not None and hsh is None:
        diags.add("csar-meta-missing-key", "TOSCA.meta file block has 'Algorithm' but no 'Hash'", alg.span)
    if hsh is not None and alg is None:
        diags.add("csar-meta-missing-key", "TOSCA.meta file block has 'Hash' but no 'Algorithm'", hsh.span)
    return block


def _did_you_mean(word: str, choices: tuple[str, ...]) -> str:
    by_lower = {c.lower(): c for c in choices}
    match = close_matches(word.lower(), list(by_lower), cutoff=NAME_CUTOFF)
    return f"did you mean '{by_lower[match[0]]}'?" if match else ""


# --------------------------------------------------------------------------------------
# Manifest


def parse_manifest(text: str, file: str, diags: Diagnostics,
                   limits: Limits = DEFAULT_LIMITS) -> Manifest | None:
    """Parse a SOL004 manifest.  ``None`` on a syntax error or when it has more Source
    blocks than ``limits.max_manifest_blocks``."""
    diags.sources[file] = text.splitlines()
    lines = text.splitlines()
    norm = _normalize_text(text)
    if not norm:
        return Manifest(file=file, metadata_style="none", metadata=(), sources=(), non_mano_sets=())
    if _too_many_blocks(norm, "Source", file, "the manifest", diags, limits):
        return None
    try:
        tree = _parser("manifest").parse(norm)
    except UnexpectedInput as err:
        _syntax_error(err, file, "manifest", "csar-manifest-syntax", diags, lines)
        return None

    style: Literal["header", "flat", "none"] = "none"
    metadata: list[Field] = []
    sources: list[ManifestSource] = []
    sets: list[NonManoSet] = []
    cms_span: Span | None = None
    quirks: list[Token] = []
    seen_non_mano: Span | None = None
    for node in tree.children:
        assert isinstance(node, Tree)  # manifest.lark: start holds rules only
        if node.data == "header":
            inner = node.children[0]
            assert isinstance(inner, Tree)  # header: metadata | flat_metadata
            style = "header" if inner.data == "metadata" else "flat"
            if style == "header":
                quirks.append(_tokens(inner)[0])
            metadata = _manifest_metadata(inner, file, diags)
        elif node.data == "source_entry":
            sources.append(_source(node, file, None, quirks))
        elif node.data == "non_mano":
            head = _tokens(node)[0]
            quirks.append(head)
            span = _tok_span(file, head, len(head))
            if seen_non_mano is not None:
                diags.add(
                    "csar-manifest-syntax",
                    f"second 'non_mano_artifact_sets' block (first on line {seen_non_mano.line})",
                    span,
                )
            seen_non_mano = seen_non_mano or span
            sets.extend(_non_mano_sets(node, file, diags, quirks))
        elif node.data == "cms":
            tok = _tokens(node)[0]
            line, col = _line_col(tok)
            cms_span = Span(file, line, col, line + str(tok).count("\n"), 1)
    _note_case_quirks(quirks, file, diags)
    _check_duplicate_sources(sources + [s for st in sets for s in st.sources], diags)
    return Manifest(
        file=file,
        metadata_style=style,
        metadata=tuple(metadata),
        sources=tuple(sources),
        non_mano_sets=tuple(sets),
        cms_span=cms_span,
    )


_CANON_WORDS = {
    w.lower(): w
    for w in ("metadata", "Source", "Algorithm", "Hash", "Signature", "Certificate", "non_mano_artifact_sets")
}


def _note_case_quirks(words: list[Token], file: str, diags: Diagnostics) -> None:
    """One note per non-standard spelling (at its first use), not one per line."""
    first: dict[str, Token] = {}
    count: dict[str, int] = {}
    for tok in words:
        word = str(tok)
        if word != _CANON_WORDS.get(word.lower(), word):
            first.setdefault(word, tok)
            count[word] = count.get(word, 0) + 1
    for word, tok in first.items():
        canon = _CANON_WORDS[word.lower()]
        times = f" ({count[word]} times)" if count[word] > 1 else ""
        diags.note(
            "tosca-quirk",
            f"quirk csar.manifest-key-case: '{word}' read as '{canon}'{times}",
            _tok_span(file, tok, len(word)),
            hint=f"SOL004 spells it '{canon}'",
        )


def _manifest_metadata(node: Tree[Token], file: str, diags: Diagnostics) -> list[Field]:
    out: list[Field] = []
    seen: dict[str, Field] = {}
    for entry in node.children:
        if not isinstance(entry, Tree):
            continue
        toks = [t for t in _tokens(entry) if t.type != "INDENT"]
        f = _field(toks[0], toks[1] if len(toks) > 1 else None, file)
        if f.key in seen:
            diags.add(
                "csar-manifest-syntax",
                f"manifest metadata key '{f.key}' given twice (first on line {seen[f.key].span.line})",
                f.span,
            )
            continue
        seen[f.key] = f
        out.append(f)
    return out


def _source(node: Tree[Token], file: str, set_id: str | None, quirks: list[Token]) -> ManifestSource:
    toks = [t for t in node.children if isinstance(t, Token) and t.type != "INDENT"]
    # Pair each reserved word with the VALUE that follows it, if any.
    pairs: list[tuple[Token, Token | None]] = []
    for i, t in enumerate(toks):
        if t.type != "VALUE":
            nxt = toks[i + 1] if i + 1 < len(toks) and toks[i + 1].type == "VALUE" else None
            pairs.append((t, nxt))
    sig = next((c for c in node.children if isinstance(c, Tree) and c.data == "signature"), None)
    if sig is not None:
        stoks = _tokens(sig)
        for i, t in enumerate(stoks):
            if t.type != "VALUE":
                nxt = stoks[i + 1] if i + 1 < len(stoks) and stoks[i + 1].type == "VALUE" else None
                pairs.append((t, nxt))
    fields = {}
    for key_tok, val_tok in pairs:
        quirks.append(key_tok)
        canon = _CANON_WORDS[str(key_tok).lower()]
        fields[canon] = _field(key_tok, val_tok, file, canonical=canon)
    src = fields["Source"]
    return ManifestSource(
        path=src.value,
        span=src.span,
        value_span=src.value_span,
        algorithm=fields.get("Algorithm"),
        hash=fields.get("Hash"),
        signature=fields.get("Signature"),
        certificate=fields.get("Certificate"),
        set_id=set_id,
    )


def _non_mano_sets(node: Tree[Token], file: str, diags: Diagnostics, quirks: list[Token]) -> list[NonManoSet]:
    out: list[NonManoSet] = []
    current: tuple[str, Span, int, list[ManifestSource]] | None = None
    ids: dict[str, Span] = {}

    def close() -> None:
        if current is not None:
            out.append(NonManoSet(set_id=current[0], span=current[1], sources=tuple(current[3])))

    for child in node.children:
        if not isinstance(child, Tree):
            continue
        indent = _tokens(child)[0]
        depth = len(str(indent).expandtabs(8))
        if child.data == "set_id":
            key = _tokens(child)[1]
            span = _tok_span(file, key, len(key))
            if str(key) in ids:
                diags.add(
                    "csar-manifest-syntax",
                    f"non-MANO artifact set '{key}' given twice (first on line {ids[str(key)].line})",
                    span,
                )
            ids.setdefault(str(key), span)
            close()
            current = (str(key), span, depth, [])
        else:  # set_source
            src = _source(child, file, current[0] if current else None, quirks)
            if current is None:
                diags.add(
                    "csar-manifest-syntax",
                    "non-MANO 'Source' before any artifact set id",
                    src.span,
                    hint="write '<set id>:' on its own line, then the indented Source lines",
                )
            elif depth <= current[2]:
                diags.add(
                    "csar-manifest-syntax",
                    f"non-MANO 'Source' must be indented more than its set id '{current[0]}'",
                    src.span,
                )
                current[3].append(src)
            else:
                current[3].append(src)
    close()
    return out


def _check_duplicate_sources(sources: list[ManifestSource], diags: Diagnostics) -> None:
    seen: dict[str, ManifestSource] = {}
    for s in sources:
        if not s.path:
            diags.add("csar-manifest-syntax", "'Source' has no value", s.value_span)
            continue
        if s.path in seen:
            diags.add(
                "csar-manifest-syntax",
                f"'{s.path}' is listed twice (first on line {seen[s.path].span.line})",
                s.span,
                severity=Severity.WARNING,
            )
        seen.setdefault(s.path, s)


__all__ = [
    "Field",
    "MetaFileBlock",
    "ToscaMeta",
    "ManifestSource",
    "NonManoSet",
    "Manifest",
    "parse_tosca_meta",
    "parse_manifest",
    "META_BLOCK0_KEYS",
    "META_FILE_KEYS",
]
