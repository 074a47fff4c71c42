"""``bundle``: compile, then package the compilation for its consumers.

Phase: api.  Input: a :class:`BundleRequest` (path, options, the package formats, the
bundlers' :class:`~compiler.bundlers.Settings`).  Output: a :class:`BundleResult`: the
compilation, the package files (in memory, never written), the diagnostics the bundlers
added (apart from the compilation's, which a face reports first), and the problem that
stopped the bundle, if one did.  The steps are public so that a face can report between
them as ``xfc bundle`` does: :func:`bundlers_for` (by name, before anything runs),
:func:`signing_problem` (a key that cannot sign, before the compile), then
:func:`package` on a clean compilation.

Codes: none of its own (a plugin that cannot be loaded is reported as ``plugin-error``
in :attr:`BundleProblem.kind`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Mapping, Protocol, cast

from ..diagnostics import Diagnostic
from ..pipeline import Compilation, Options

if TYPE_CHECKING:
    from .. import plugins
    from ..bundlers import Settings
    from ..model import OutputFile

__all__ = ["BundleRequest", "BundleResult", "BundleProblem", "bundle", "bundlers_for",
           "signing_problem", "package", "settings", "verify", "tacker_verdict"]


@dataclass(frozen=True, slots=True, kw_only=True)
class BundleRequest:
    path: str
    formats: tuple[str, ...]  # bundler names: helm, kustomize, csar, onap-helm, osm, ...
    options: Options = field(default_factory=Options)
    settings: Settings | None = None  # None: the bundlers' defaults


@dataclass(frozen=True, slots=True)
class BundleProblem:
    """What stopped a bundle: ``kind`` is ``plugin-error`` (a bundler cannot be loaded),
    ``sign`` (the key and certificate cannot sign) or ``bundle`` (a bundler refused the
    compilation); ``format`` names the bundler where one is to blame."""

    kind: str
    message: str
    format: str | None = None


@dataclass(frozen=True, slots=True)
class BundleResult:
    unit: Compilation | None  # None when the bundle stopped before the compile
    files: tuple[OutputFile, ...] = ()
    late: tuple[Diagnostic, ...] = ()  # what the bundlers reported (warnings)
    problem: BundleProblem | None = None

    @property
    def ok(self) -> bool:
        return self.problem is None and self.unit is not None and self.unit.ok


def bundlers_for(formats: tuple[str, ...] | list[str]) -> dict[str, Any]:
    """The bundler plugin of each format, in order, imported by name.  Raises
    :class:`~compiler.errors.OptionsError` for a name no plugin registers and
    :class:`~compiler.errors.PluginError` for one that cannot be loaded."""
    from .. import plugins
    from ..errors import OptionsError

    names = plugins.names("bundler")
    chosen = list(dict.fromkeys(formats))
    unknown = [f for f in chosen if f not in names]
    if unknown:
        raise OptionsError(f"unknown bundle format {unknown[0]!r}; available: "
                           f"{plugins.available('bundler')}")
    return {fmt: plugins.bundler(fmt) for fmt in chosen}


def signing_problem(settings: Settings, key_name: str = "sign_key",
                    cert_name: str = "sign_cert") -> str | None:
    """Why the settings' key and certificate cannot sign a CSAR (None: they can, or no
    key is given); the names are how the caller calls them in the message."""
    if settings.sign_key is None:
        return None
    from ..bundlers import BundleError
    from ..bundlers.csar import signer

    try:
        signer(settings.sign_key, settings.sign_cert or b"", key_name, cert_name)
    except BundleError as exc:
        return str(exc)
    return None


class SettingsBundler(Protocol):
    """xfc's own bundlers (the names of ``plugins.BUILTIN_BUNDLERS``): the
    :class:`~compiler.plugins.Bundler` protocol call, and the settings of the bundle."""

    name: str

    def bundle(self, unit: Any, files: list[OutputFile], diags: Any, *,
               settings: Settings) -> list[OutputFile]: ...


def _takes_settings(fmt: str) -> bool:
    """Whether the bundler of ``fmt`` is xfc's own (a :class:`SettingsBundler`): a built-in
    name always means xfc's plugin (:mod:`compiler.plugins`), and a third-party bundler
    gets the protocol call ``bundle(unit, files, diags)``."""
    from ..plugins import BUILTIN_BUNDLERS

    return fmt in BUILTIN_BUNDLERS


def _key(d: Diagnostic) -> tuple[object, ...]:
    return (d.code, d.message, d.span.file, d.span.line, d.span.column)


def package(unit: Compilation, bundlers: Mapping[str, Any],
            settings: Settings | None = None) -> BundleResult:
    """Run each bundler on a clean compilation; the files they make, in order."""
    from ..bundlers import BundleError, Settings

    from . import guarded

    settings = settings if settings is not None else Settings()
    seen = {_key(d) for d in unit.diagnostics}
    files: list[OutputFile] = []
    for fmt, bundler in bundlers.items():

        def run(fmt: str = fmt, bundler: Any = bundler) -> tuple[list[OutputFile], str | None]:
            try:
                if _takes_settings(fmt):  # xfc's own: the protocol call and the settings
                    own = cast(SettingsBundler, bundler)
                    made = own.bundle(unit, unit.outputs, unit.diagnostics, settings=settings)
                else:  # a third party: the protocol call, bundle(unit, files, diags)
                    plugin = cast("plugins.Bundler", bundler)
                    made = plugin.bundle(unit, unit.outputs, unit.diagnostics)
                return list(made), None
            except BundleError as exc:
                return [], str(exc)

        made, why = guarded(run, unit.path)
        if why is not None:
            return BundleResult(unit, tuple(files), (), BundleProblem("bundle", why, fmt))
        files.extend(made)
    late = tuple(d for d in unit.diagnostics if _key(d) not in seen)
    return BundleResult(unit, tuple(files), late)


def bundle(req: BundleRequest) -> BundleResult:
    """Load the bundlers, check the signing key, compile, then package: everything
    ``xfc bundle`` does before it writes."""
    from ..bundlers import Settings
    from ..errors import PluginError

    from . import CompileRequest, compile

    try:
        chosen = bundlers_for(req.formats)
    except PluginError as exc:
        return BundleResult(None, problem=BundleProblem("plugin-error", str(exc)))
    settings = req.settings if req.settings is not None else Settings()
    why = signing_problem(settings)
    if why is not None:
        return BundleResult(None, problem=BundleProblem("sign", why))
    unit = compile(CompileRequest(path=req.path, options=req.options)).unit
    if not unit.ok:
        return BundleResult(unit)
    return package(unit, chosen, settings)


def settings(**fields: Any) -> Settings:
    """The bundlers' :class:`~compiler.bundlers.Settings` (imported when asked for)."""
    from ..bundlers import Settings

    return Settings(**fields)


def verify(path: str) -> list[Any]:
    """The offline gates' findings on a package written at ``path``: they read the
    finished package as its consumer would (:mod:`compiler.bundlers.gates`)."""
    from ..bundlers.gates import verify as _verify

    return list(_verify(path))


def tacker_verdict(path: str, request: dict[str, Any] | None) -> tuple[str, list[Any] | None]:
    """Tacker's own code on a CSAR laid out for it: its gate's name and findings (None
    when Tacker is not installed)."""
    from ..bundlers import tacker_gate

    return tacker_gate.gate_name(), tacker_gate.findings(path, request)
