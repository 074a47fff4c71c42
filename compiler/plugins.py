"""Back-end plugins: emitters (IR → files) and bundlers (files → packages).

Phase: emit / bundle.  Built-ins are listed in static tables by import path and loaded
lazily; third parties register through the entry-point groups ``xfc.emitters`` and
``xfc.bundlers``.  Every plugin is type-checked against its protocol when loaded, and a
third-party plugin may not take a built-in's name (or another plugin's).

An emitter is an object with ``name: str``, ``description: str`` and
``emit(unit: Compilation, diags: Diagnostics) -> list[OutputFile]``.
A bundler has ``name``, ``description`` and
``bundle(unit: Compilation, files: list[OutputFile], diags) -> list[OutputFile]``.
Plugins never write to disk themselves: the CLI writes every OutputFile atomically.
No bundler is built in, and the pipeline does not run bundlers yet.

Codes: none; a plugin that cannot be used raises :class:`PluginError`.
"""

from __future__ import annotations

import functools
import importlib
from importlib import metadata
from typing import Any, Protocol, runtime_checkable

from .model import OutputFile


@runtime_checkable
class Emitter(Protocol):
    name: str
    description: str

    def emit(self, unit: Any, diags: Any) -> list[OutputFile]: ...


@runtime_checkable
class Bundler(Protocol):
    name: str
    description: str

    def bundle(self, unit: Any, files: list[OutputFile], diags: Any) -> list[OutputFile]: ...


BUILTIN_EMITTERS: dict[str, str] = {
    "kubernetes": "compiler.emitters.kubernetes:EMITTER",
    "policies": "compiler.emitters.policies:EMITTER",
}

BUILTIN_BUNDLERS: dict[str, str] = {
    "helm": "compiler.bundlers.helm:BUNDLER",
    "kustomize": "compiler.bundlers.kustomize:BUNDLER",
    "csar": "compiler.bundlers.csar:BUNDLER",
    "onap-helm": "compiler.bundlers.onap:BUNDLER",
    "osm": "compiler.bundlers.osm:BUNDLER",
}


class PluginError(Exception):
    pass


def _load(ref: str) -> Any:
    module, _, attr = ref.partition(":")
    return getattr(importlib.import_module(module), attr)


def _collect(group: str, builtins: dict[str, str], proto: type) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for name, ref in builtins.items():
        try:
            obj = _load(ref)
        except ModuleNotFoundError:
            continue  # a built-in back end not present in this build
        found[name] = obj
    for ep in sorted(metadata.entry_points(group=group), key=lambda e: e.name):
        if ep.name in found:
            raise PluginError(f"plugin {ep.value!r} in {group} takes the existing name {ep.name!r}")
        obj = ep.load()
        if isinstance(obj, type):
            obj = obj()
        found[ep.name] = obj
    for name, obj in found.items():
        if not isinstance(obj, proto):
            raise PluginError(f"{group} plugin {name!r} does not implement {proto.__name__}")
        if getattr(obj, "name", None) != name:
            raise PluginError(f"{group} plugin registered as {name!r} calls itself {obj.name!r}")
    return found


@functools.cache
def emitters() -> dict[str, Emitter]:
    return _collect("xfc.emitters", BUILTIN_EMITTERS, Emitter)


@functools.cache
def bundlers() -> dict[str, Bundler]:
    return _collect("xfc.bundlers", BUILTIN_BUNDLERS, Bundler)
