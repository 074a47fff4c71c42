"""Which command-line options ``xfc serve`` takes as query parameters: one table.

Phase: service.  Input: the ``xfc check``, ``compile``, ``bundle`` and ``report`` argument
parsers (:func:`compiler.api.flags.parser`, the one declaration of their flags, which the
command line builds its parsers from too) and :data:`NOT_OFFERED`.  Output: for each verb, the
query parameters the service accepts (:func:`offered`), the command-line flags a query
becomes (:func:`to_argv`) and their OpenAPI descriptions (:func:`openapi_parameters`).

Every option of a verb is offered over HTTP under its own name (the long flag without
``--``: ``flavour``, ``param``, ``target``, ``emit``, ``set``, ``quirk``, ``namespace``,
``no-network-policies`` ...) unless :data:`NOT_OFFERED` names it with the reason.  The
list is derived from the parsers, never kept by hand, so an option added to the CLI is
offered by the service on the day it is added, or must say here why not
(``tests/unit/test_serve_options.py`` holds the two in agreement).

A query becomes ``--flag=value`` words (never ``--flag value``, so a value that starts
with ``-`` stays a value and cannot become another flag); a switch (``--quiet``,
``--no-network-policies``) is ``true``/``false`` (an empty value is true); a flag that
takes one value refuses a second.  The values themselves are judged in the request's
process by the verb's own parser and options, so a wrong one is the CLI's own message
(400).

Codes: none.
"""

from __future__ import annotations

import argparse
import functools
from dataclasses import dataclass
from typing import Any

VERBS = ("check", "compile", "bundle", "report")

# option -> why the service does not offer it.  Everything else a verb takes is offered.
NOT_OFFERED: dict[str, str] = {
    "--inputs": "reads a file on the server; give input values with set=KEY=VALUE",
    "--root": "reads files on the server; an upload is its own package root",
    "--profile-path": "reads files on the server",
    "--vnf": "reads files on the server; upload an NS package whose NSD imports its VNFDs",
    "--tosca-parser": "starts a program on the server",
    "--sign-key": "reads a file on the server (a private key does not travel in a query)",
    "--sign-cert": "reads a file on the server",
    "--output": "the answer is the output (compile: output=zip or output=yaml)",
    "--stdout": "compile: output=yaml",
    "--force": "every request writes into an empty folder of its own",
    "--jobs": "one input per request; the service runs --workers requests at once",
    "--timeout": "the service's own --timeout limits every request",
    "--color": "shapes text output; the service answers json or sarif",
    "--all-notes": "shapes text output; the service answers json or sarif",
    "--debug": "tracebacks stay in the server's log",
}

# the service answers a document, never text: the diagnostics' format is json or sarif
DIAGNOSTICS_FORMAT = {"check": "--format", "compile": "--format", "bundle": "--diagnostics-format",
                      "report": "--format"}
DIAGNOSTICS_CHOICES = ("json", "sarif")

# query names the service took before they were derived from the flags (kept working)
ALIASES: dict[str, dict[str, str]] = {"bundle": {"diagnostics": "diagnostics-format"}}

_TRUE, _FALSE = ("", "1", "true", "yes", "on"), ("0", "false", "no", "off")


class QueryError(ValueError):
    """A query the service refuses before it runs anything (400)."""


@dataclass(frozen=True, slots=True)
class QueryOption:
    name: str  # the query parameter (the long flag without "--")
    flag: str  # the flag it becomes
    kind: str  # "value" (one), "list" (repeatable) or "switch" (no value)
    choices: tuple[str, ...] | None
    required: bool
    help: str


def _long(action: argparse.Action) -> list[str]:
    return [s for s in action.option_strings if s.startswith("--")]


def parser(verb: str) -> argparse.ArgumentParser:
    """The verb's own parser, as ``xfc VERB`` builds it (from the one declaration of its
    flags, :mod:`compiler.api.flags`)."""
    from ..api.flags import parser as verb_parser

    return verb_parser(verb)


def _help(action: argparse.Action) -> str:
    text = action.help or ""
    if "%(" in text:
        try:
            text = text % {**vars(action), "prog": "xfc"}
        except (KeyError, TypeError, ValueError):
            pass
    return " ".join(text.split())


def cli_options(verb: str) -> dict[str, argparse.Action]:
    """Every option of ``xfc VERB`` by its first long flag (help excluded)."""
    out = {}
    for action in parser(verb)._actions:
        if isinstance(action, argparse._HelpAction) or not _long(action):
            continue
        out[_long(action)[0]] = action
    return out


@functools.lru_cache(maxsize=None)
def offered(verb: str) -> dict[str, QueryOption]:
    """Query name -> :class:`QueryOption`, for every option of ``xfc VERB`` the service
    offers (each long flag of an option is a name: ``flavour`` and ``flavor``)."""
    out: dict[str, QueryOption] = {}
    for flag, action in cli_options(verb).items():
        if flag in NOT_OFFERED:
            continue
        if action.nargs == 0:
            kind = "switch"
        elif isinstance(action, argparse._AppendAction):
            kind = "list"
        else:
            kind = "value"
        choices = tuple(action.choices) if action.choices else None
        if flag == DIAGNOSTICS_FORMAT[verb]:
            choices = DIAGNOSTICS_CHOICES
        elif verb == "bundle" and flag == "--format":
            from ..api.support import BUILTIN_BUNDLERS

            choices = tuple(BUILTIN_BUNDLERS)  # xfc's own; the CLI judges any other name
        for long in _long(action):
            out[long[2:]] = QueryOption(long[2:], flag, kind, choices, bool(action.required),
                                        _help(action))
    for alias, name in ALIASES.get(verb, {}).items():
        out[alias] = out[name]
    return out


def diagnostics_format(verb: str, query) -> str:  # noqa: ANN001 - a multi-dict
    """The diagnostics' format the query asks for (json by default)."""
    names = [n for n, o in offered(verb).items() if o.flag == DIAGNOSTICS_FORMAT[verb]]
    given = [v for n in names for v in query.getlist(n)]
    if len(given) > 1:
        raise QueryError(f"{names[0]} takes one value")
    fmt = given[0] if given else "json"
    if fmt not in DIAGNOSTICS_CHOICES:
        raise QueryError(f"{names[0]} must be json or sarif")
    return fmt


def to_argv(verb: str, query, service_own: set[str]) -> list[str]:  # noqa: ANN001
    """The flags for the query's parameters, the diagnostics' format first.  Parameters
    in ``service_own`` (``name``, ``output``) are the caller's; any other name that is
    no offered option is refused."""
    table = offered(verb)
    unknown = sorted(set(query) - set(table) - service_own)
    if unknown:
        why = NOT_OFFERED.get("--" + unknown[0].replace("_", "-"))
        raise QueryError(f"unknown query parameter {unknown[0]!r} for /v1/{verb}"
                         + (f" (--{unknown[0].replace('_', '-')} is not offered: {why})"
                            if why else ""))
    fmt_flag = DIAGNOSTICS_FORMAT[verb]
    argv = [f"{fmt_flag}={diagnostics_format(verb, query)}"]
    seen: set[str] = set()
    for name, value in query.multi_items():  # in order: the CLI keeps repeated flags' order
        if name in service_own:
            continue
        opt = table[name]
        if opt.flag == fmt_flag:
            continue
        if opt.kind == "switch":
            if value.lower() in _TRUE:
                argv.append(opt.flag)
            elif value.lower() not in _FALSE:
                raise QueryError(f"{name} is a switch: true or false, not {value!r}")
            continue
        if opt.kind == "value":
            if not value:
                continue  # name= is the option left out
            if opt.flag in seen:
                raise QueryError(f"{name} takes one value")
            seen.add(opt.flag)
        argv.append(f"{opt.flag}={value}")
    return argv


def openapi_parameters(verb: str) -> list[dict]:
    """The OpenAPI 3 ``parameters`` of ``/v1/VERB`` for its offered options."""
    out = []
    seen: set[str] = set()
    for name, opt in offered(verb).items():
        if name in ALIASES.get(verb, {}):
            continue
        item: dict = {"type": "string"}
        if opt.choices:
            item["enum"] = list(opt.choices)
        if opt.kind == "switch":
            schema: dict = {"type": "boolean"}
        elif opt.kind == "list":
            schema = {"type": "array", "items": item}
        else:
            schema = dict(item)
        if opt.flag == DIAGNOSTICS_FORMAT[verb]:
            schema["default"] = "json"
        param: dict[str, Any] = {"name": name, "in": "query", "schema": schema,
                 "description": (f"as `xfc {verb} {opt.flag}`" if name == opt.flag[2:]
                                 else f"the same as {opt.flag[2:]}")
                 + (f": {opt.help}" if opt.help and name == opt.flag[2:] else "")}
        if opt.kind == "list":
            param.update(style="form", explode=True)
        if opt.required and opt.flag not in seen:
            param["required"] = True
        seen.add(opt.flag)
        out.append(param)
    return out


__all__ = ["NOT_OFFERED", "QueryError", "QueryOption", "cli_options", "offered", "to_argv",
           "openapi_parameters", "diagnostics_format", "VERBS"]
