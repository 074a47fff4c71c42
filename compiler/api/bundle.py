"""``bundle``: compile, then package the compilation for its consumers.

Phase: api.  Input: a :class:`BundleRequest` (path, options, the package formats, the
bundlers' :class:`~compiler.bundlers.Settings`).  Output: a :class:`BundleResult`: the
compilation, the package files (in memory, never written), the diagnostics the bundlers
added (apart from the compilation's, which a face reports first), and the problem that
stopped the bundle, if one did.  The steps are public so that a face can report between
them as ``xfc bundle`` does: :func:`bundlers_for` (by name, before anything runs),
:func:`signing_problem` (a key that cannot sign, before the compile), then
:func:`package` on a clean compilation.  :func:`package` builds one
:class:`~compiler.bundlers.BundleInput` (:func:`bundle_input`) for all of xfc's bundlers:
the IR, the emitted objects as data, and what their ``needs`` ask for: the other
deployment flavours built once each from the loaded package (:func:`variants`), the
inputs' wiring (:mod:`compiler.api.wiring`) and the input package as data
(:func:`sources`).

Codes: none of its own (a plugin that cannot be loaded is reported as ``plugin-error``
in :attr:`BundleProblem.kind`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Mapping, cast

from ..diagnostics import Diagnostic
from ..pipeline import Compilation, Options
from .flavours import flavour_variant  # re-exported: bundle's variants and check's flavours

if TYPE_CHECKING:
    from .. import plugins
    from ..bundle_api import BundleInput, Finding, Settings, Sources, Variant
    from ..model import OutputFile

__all__ = ["BundleRequest", "BundleResult", "BundleProblem", "bundle", "bundlers_for",
           "signing_problem", "package", "bundle_input", "variants", "flavour_variant",
           "settings", "verify", "verify_written", "package_roots", "PackageVerdict"]


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


def _key(d: Diagnostic) -> tuple[object, ...]:
    return (d.code, d.message, d.span.file, d.span.line, d.span.column)


def _needs(bundlers: Mapping[str, Any]) -> frozenset[str]:
    """What the chosen bundlers read beyond the compilation (``plugins.Bundler.needs``)."""
    from ..plugins import Bundler

    out: set[str] = set()
    for b in bundlers.values():
        if isinstance(b, Bundler):
            out |= set(b.needs)
    return frozenset(out)


def variants(unit: Compilation) -> tuple[Variant, ...]:
    """Every deployment flavour of a VNFD that has several, when the call named none:
    each built once, as data, from the package ``unit`` already loaded (the flavour the
    VNF names is ``unit`` itself; each other one is resolved from that package and run
    through the middle and back end, :func:`flavour_variant`: no second load)."""
    from ..bundlers import Variant, k8s_objects

    topo = unit.topology
    ids = tuple(topo.flavours or ()) if topo is not None else ()
    if len(ids) < 2 or unit.options.flavour is not None:
        return ()
    out = []
    for fid in ids:
        other = unit if topo is not None and topo.flavour == fid else flavour_variant(unit, fid)
        if not other.ok:
            out.append(Variant(fid, problem=first_error(other.diagnostics)))
            continue
        out.append(Variant(fid, tuple(other.outputs), tuple(k8s_objects(other.outputs))))
    return tuple(out)


def first_error(diags: Any) -> str:
    """The first error of ``diags`` on one line (``file:line:col: error[code]: message``),
    and how many more there are: the cause, never a warning that sorts before it."""
    errors = [d for d in diags if str(d.severity) == "error"]
    if not errors:
        return "no error was reported"
    d = errors[0]
    more = f" (and {len(errors) - 1} more error{'s' * (len(errors) > 2)})" if len(errors) > 1 else ""
    return f"{d.span}: error[{d.code}]: {d.message}{more}"


def sources(unit: Compilation) -> Sources:
    """The input package as data (:class:`~compiler.bundlers.Sources`): the TOSCA files
    with their bytes (a catalog file's from its catalog folder), the package's other
    files, its TOSCA.meta entries, where each import the catalog serves resolves to, and
    the SOL001 type files a Tacker CSAR adds."""
    from ..bundlers import SourceData, Sources
    from ..bundlers.tacker_vnfd import SOL001_FILES
    from ..loader.catalog import lookup, search_roots

    pkg = unit.package
    assert pkg is not None
    fs = pkg.fs
    paths = tuple(unit.options.profile_paths)
    roots = search_roots(paths)
    files = []
    for sf in pkg.files:
        if sf.from_catalog:
            for root, label in roots:
                if sf.display.startswith(label):
                    rel = sf.display[len(label):].lstrip("/")
                    where = root / rel
                    files.append(SourceData(sf.name, sf.display, sf.data, where.read_bytes(),
                                            True, rel, str(where.resolve())))
                    break
            else:
                files.append(SourceData(sf.name, sf.display, sf.data, None, True))
        else:
            # a Package built by hand has no file tree: its sources are data only
            files.append(SourceData(sf.name, sf.display, sf.data,
                                    None if fs is None else fs.read_bytes(sf.name, 64 << 20)))
    own = {sf.name for sf in pkg.files if not sf.from_catalog}
    names: frozenset[str] = frozenset()
    if fs is not None and pkg.kind != "file":
        names = frozenset(fs.names())
    others = {name: fs.read_bytes(name, 256 << 20)
              for name in sorted(names - own)} if fs is not None else {}
    meta: dict[str, str] = {}
    for key in ("ETSI-Entry-Manifest", "ETSI-Entry-Certificate", "ETSI-Entry-Change-Log"):
        f = pkg.meta.get(key) if pkg.meta is not None else None
        if f is not None and f.value:
            meta[key] = str(f.value)
    imports: dict[str, str | None] = {}
    for sf in pkg.files:
        items = sf.data.get("imports") if isinstance(sf.data, dict) else None
        for item in items if isinstance(items, list) else ():
            ref = item.get("file") if isinstance(item, dict) else item
            if isinstance(ref, str) and ref and ref not in imports:
                hit = lookup(ref, paths)
                imports[ref] = str((hit.root / hit.name).resolve()) if hit is not None else None
    catalog: dict[str, bytes | None] = {}
    for name in SOL001_FILES:
        hit = lookup(name, paths) or lookup(
            f"https://forge.etsi.org/rep/nfv/SOL001/raw/v2.6.1/{name}", paths)
        catalog[name] = (hit.root / hit.name).read_bytes() if hit is not None else None
    return Sources(kind=pkg.kind, entry=pkg.entry, files=tuple(files), names=names,
                   others=others, meta=meta, imports=imports, catalog=catalog)


def bundle_input(unit: Compilation, settings: Settings | None = None,
                 needs: frozenset[str] | set[str] = frozenset()) -> BundleInput:
    """The :class:`~compiler.bundlers.BundleInput` of a clean compilation: its IR, its
    files and their objects as data, and what ``needs`` asks for (``"variants"``: the
    other flavours, each resolved once from the loaded package; ``"wiring"``: which
    leaves each input reaches; ``"sources"``: the input package as data)."""
    from ..bundlers import BundleInput, Settings, k8s_objects
    from ..emitters.naming import service_name

    assert unit.ok and unit.topology is not None
    wiring = None
    if "wiring" in needs:
        from .wiring import input_wiring

        wiring = input_wiring(unit)
    return BundleInput(
        path=unit.path, topology=unit.topology, service=service_name(unit.topology, unit.path),
        files=tuple(unit.outputs),
        objects=tuple(k8s_objects(unit.outputs)),
        settings=settings if settings is not None else Settings(),
        diagnostics=unit.diagnostics, namespace=unit.options.namespace,
        flavour=unit.options.flavour, profile_paths=tuple(unit.options.profile_paths),
        variants=variants(unit) if "variants" in needs else (), wiring=wiring,
        sources=sources(unit) if "sources" in needs else None)


def package(unit: Compilation, bundlers: Mapping[str, Any],
            settings: Settings | None = None) -> BundleResult:
    """Run each bundler on a clean compilation; the files they make, in order.  xfc's
    bundlers (:class:`compiler.plugins.Bundler`) get one
    :class:`~compiler.bundlers.BundleInput`, built once for all of them; a third party
    with the older call gets ``bundle(unit, files, diags)``."""
    from ..bundlers import BundleError, Settings
    from ..plugins import Bundler

    from . import guarded

    settings = settings if settings is not None else Settings()
    seen = {_key(d) for d in unit.diagnostics}
    files: list[OutputFile] = []
    inp: list[BundleInput] = []  # built on first use, inside the guard

    for fmt, bundler in bundlers.items():

        def run(bundler: Any = bundler) -> tuple[list[OutputFile], str | None]:
            try:
                if isinstance(bundler, Bundler):
                    if not inp:
                        inp.append(bundle_input(unit, settings, _needs(bundlers)))
                    made = bundler.package(inp[0])
                else:  # a third party: the older call, bundle(unit, files, diags)
                    plugin = cast("plugins.UnitBundler", bundler)
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
    """The offline gates' findings on a package at ``path`` given without the bundle that
    wrote it, chosen by its content (:func:`compiler.bundlers.gates.verify`); a bundle's
    own packages go through :func:`verify_written`, which runs what the table names."""
    from ..bundlers.gates import verify as _verify

    return list(_verify(path))


@dataclass(frozen=True, slots=True)
class PackageVerdict:
    """The gates' verdict on one written package (``xfc bundle --verify``): its
    ``findings`` in gate order, ``gates`` as the verdict line lists them (the gates that
    found something, else ``offline rules``; then each gate that lists itself, e.g.
    Tacker's own code) and ``notes`` (a gate whose consumer's code is not installed)."""

    root: str
    findings: tuple[Finding, ...]
    gates: tuple[str, ...]
    notes: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return not any(x.severity == "error" for x in self.findings)


_ARCHIVES = (".csar", ".zip", ".tar.gz", ".tgz")


def package_roots(files: list[OutputFile] | tuple[OutputFile, ...]) -> dict[str, str]:
    """Each package among a bundle's files -> the format that wrote it: a top-level archive
    is one, and so is each ``<format folder>/<name>/`` folder; only formats that name
    gates (:func:`compiler.plugins.gates_of`) are read back."""
    from .. import plugins

    roots: dict[str, str] = {}
    named: dict[str, bool] = {}
    for f in files:
        fmt = f.producer
        if fmt not in named:
            named[fmt] = plugins.known("bundler", fmt) and bool(
                plugins.gates_of(plugins.bundler(fmt)))
        if not named[fmt]:
            continue
        parts = f.path.split("/")
        if len(parts) > 1:
            roots.setdefault("/".join(parts[:2]), fmt)
        elif f.path.endswith(_ARCHIVES):
            roots.setdefault(f.path, fmt)
    return roots


def verify_written(files: list[OutputFile] | tuple[OutputFile, ...], output: str,
                   settings: Settings | None = None,
                   targets: tuple[str, ...] = ()) -> list[PackageVerdict]:
    """Read back each package of a bundle written to ``output`` and run the gates the
    plugin table names for it (:func:`compiler.plugins.gates_for`: the format's, then
    those of the target it was laid out for); one verdict per package, by root."""
    import os

    from .. import plugins
    from ..bundle_api import Finding, WrittenPackage
    from ..bundlers.gates import read_bundle
    from ..errors import PluginError

    layout = settings.target if settings is not None else None
    out = []
    for root, fmt in sorted(package_roots(files).items()):
        path = os.path.join(output, root)
        kind, content = read_bundle(path)
        pkg = WrittenPackage(path=path, root=root, format=fmt, layout=layout, kind=kind,
                             files=content)
        offline: list[Finding] = []  # the gates that list themselves by their findings
        judged: list[Finding] = []  # the gates that always list themselves (``listed``)
        listed: list[str] = []
        notes: list[str] = []
        names: tuple[str, ...] = ()
        if kind == "unknown" and fmt in plugins.BUILTIN_BUNDLERS:  # xfc's own, unreadable
            offline.append(Finding("bundle", "kind", "error", "not a chart, ONAP Helm "
                                   "package, CSAR or OSM package", os.path.basename(path)))
        else:
            names = plugins.gates_for(fmt, layout, targets)
        for name in names:
            try:
                gate = plugins.gate(name)
            except PluginError as exc:
                offline.append(Finding("verify", "plugin-error", "error", str(exc), root))
                continue
            try:
                found = gate.verify(pkg)
            except Exception as exc:  # noqa: BLE001 - a third party's gate fails only itself
                if name in plugins.BUILTIN_GATES:
                    raise  # xfc's own: an internal error, reported as one
                offline.append(Finding("verify", "plugin-error", "error", f"gate {name!r} "
                                       f"failed: {type(exc).__name__}: {exc}", root))
                continue
            label = getattr(gate, "listed", None)
            if found is None:
                notes.append(str(getattr(gate, "missing", f"gate {name} did not run")))
            elif label:
                judged.extend(found)
                listed.append(str(label))
            else:
                offline.extend(found)
        gates = sorted({x.gate for x in offline}) or ["offline rules"]
        out.append(PackageVerdict(root, tuple(offline + judged),
                                  tuple(dict.fromkeys(gates + listed)), tuple(notes)))
    return out
