"""Files shipped with xfc: lark grammars, jinja2 templates, profiles, JSON schemas.

Phase: none (support).  ``grammars/`` and ``templates/`` sit at the top of the source
tree and are installed as ``compiler._grammars`` / ``compiler._templates`` (see
pyproject.toml); this module finds them either way, so a source checkout and an
installed wheel behave the same.

Codes: none.
"""

from __future__ import annotations

import functools
from pathlib import Path

_PKG = Path(__file__).resolve().parent
_SRC = _PKG.parent


def _dir(installed: str, source: str) -> Path:
    # installed: a real directory inside the package; source checkout: a symbolic link
    # to the top-level directory (or, where links were not kept, the directory itself)
    p = _PKG / installed
    return p if p.is_dir() else _SRC / source


@functools.cache
def grammars_dir() -> Path:
    return _dir("_grammars", "grammars")


@functools.cache
def templates_dir() -> Path:
    return _dir("_templates", "templates")


def profiles_dir() -> Path:
    return _PKG / "profiles"


def schemas_dir() -> Path:
    return _PKG / "schemas"


@functools.cache
def grammar_text(name: str) -> str:
    """The text of ``grammars/<name>.lark``."""
    return (grammars_dir() / f"{name}.lark").read_text(encoding="utf-8")


@functools.lru_cache(maxsize=1)
def _text_environment():
    import jinja2  # lazily: only the bundlers write text through templates

    # plain text, not HTML: no autoescaping; an undefined name is an error, not ""
    return jinja2.Environment(loader=jinja2.FileSystemLoader(str(templates_dir())),
                              undefined=jinja2.StrictUndefined, autoescape=False,
                              keep_trailing_newline=True)


def render_text(name: str, **values: str) -> str:
    """``templates/<name>`` (a jinja2 template of a text file whose shape is fixed) with
    ``values``.  Values are single-line strings the caller has cleaned; YAML is never
    written this way (compiler.yamlout is the one YAML writer)."""
    return _text_environment().get_template(name).render(**values)
