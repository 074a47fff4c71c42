"""The TOSCA front end: from a loaded package to the resolved :class:`Topology`.

Phase: resolve.  Input: a :class:`~compiler.loader.package.Package` (the entry file first, then
every import) and the options (``inputs``, ``flavour``, ``quirks``).  Output: a
:class:`~compiler.model.Topology` — one deployment flavour, inputs applied, every node
template typed with its ancestry, properties evaluated (defaults applied, functions
resolved, ``get_attribute`` kept as a ``RuntimeRef``) and validated, requirements bound,
groups, policies, outputs and substitution mappings read — or ``None`` when the package
has no usable service template.

Steps: (1) check ``tosca_definitions_version`` and the top-level keynames of every file
of the package; (2) build the :class:`~compiler.resolve.types.TypeRegistry`; (3) resolve
the entry's ``topology_template``; (4) for a SOL001 VNFD whose VNF is implemented by
flavour files (:mod:`.flavours`), select one and resolve its topology with its inputs
fed by the VNF node's properties, merging the two (the flavour's templates win).
docs/front-end.md records the decisions.

Codes: tosca-version, tosca-unknown-field, tosca-wrong-type, tosca-flavour,
tosca-unsupported (workflows), plus those of :mod:`.templates`, :mod:`.functions`,
:mod:`.inputs` (tosca-unknown-input for a given input that no template declares),
:mod:`.types`.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any, Mapping

from ..diagnostics import Diagnostics, Span
from ..loader.yamlpos import PMap, to_plain
from ..loader.package import Package, SourceFile
from ..model import InputUse, Topology
from ..options import Options
from . import flavours as _flavours
from .aspects import check_aspects
from .functions import Context, Unresolved, did_you_mean
from .inputs import InputTable, check_given, resolve_inputs, resolve_outputs
from .loops import check_attribute_loops
from ..loader.quirks import QuirkReporter
from .templates import TemplateResolver

if TYPE_CHECKING:
    from .types import TypeRegistry

__all__ = ["resolve", "VERSIONS"]

VERSIONS = (
    "tosca_simple_yaml_1_0",
    "tosca_simple_yaml_1_1",
    "tosca_simple_yaml_1_2",
    "tosca_simple_yaml_1_3",
    "tosca_simple_profile_for_nfv_1_0_0",
)
_BASE_KEYS = (
    "tosca_definitions_version", "tosca_default_namespace", "template_name", "template_author",
    "template_version", "description", "imports", "dsl_definitions", "repositories",
    "artifact_types", "data_types", "capability_types", "interface_types",
    "relationship_types", "node_types", "group_types", "policy_types", "topology_template",
    "metadata",
)
_NEW_KEYS = ("namespace",)  # TOSCA 1.2+
TOPOLOGY_KEYS = ("description", "inputs", "node_templates", "relationship_templates",
                 "groups", "policies", "outputs", "substitution_mappings", "workflows")


def resolve(package: Package, options: Options, diags: Diagnostics) -> Topology | None:
    """Resolve the package's service template into a :class:`Topology`."""
    if package is None or not package.files:
        return None
    entry = package.files[0]
    data = entry.data
    if not isinstance(data, PMap):
        return None
    version = _check_files(package, diags)
    if version is None:
        return None
    from .types import TypeRegistry

    limits = options.limits
    reg = TypeRegistry.build(package, diags, version, quirks=tuple(options.quirks), limits=limits)
    quirks = QuirkReporter(options.quirks, diags)
    raw_given = options.inputs or {}
    # a PMap (the CLI's --inputs FILE / --set) keeps the position of every given value
    given = raw_given if isinstance(raw_given, PMap) else dict(raw_given)
    tt = data.get("topology_template")
    if tt is not None and not isinstance(tt, PMap):
        diags.add("tosca-wrong-type", "topology_template must be a mapping",
                  data.value_span("topology_template"), path="topology_template")
        tt = None
    tt = tt if tt is not None else PMap(span=data.span)
    _check_topology_keys(tt, diags, "topology_template")

    # the VNF node and its flavour files (SOL001)
    scope = entry.prefix
    vnfs = _flavours.vnf_nodes(tt, reg, scope)
    chosen = None
    nsd = _flavours.looks_like_nsd(tt, reg, scope, options)
    if nsd:  # hook (issue 26): an NSD's VNF nodes are substituted by VNFDs (compiler/ns)
        vnfs = []
    if len(vnfs) == 1:
        flist = _flavours.of_package(package, reg, vnfs[0][1])
        if flist:
            vnf_raw = tt["node_templates"][vnfs[0][0]]
            props = vnf_raw.get("properties") if isinstance(vnf_raw, PMap) else None
            fid = props.get("flavour_id") if isinstance(props, PMap) else None
            fid_span = props.value_span("flavour_id") if isinstance(props, PMap) and \
                "flavour_id" in props else tt["node_templates"].key_span(vnfs[0][0])
            top_inputs = tt.get("inputs")
            if isinstance(fid, dict) and list(fid) == ["get_input"] and \
                    isinstance(fid["get_input"], str):
                name = fid["get_input"]
                if name in given:
                    fid = given[name]
                elif isinstance(top_inputs, PMap) and isinstance(top_inputs.get(name), PMap):
                    fid = top_inputs[name].get("default")
            chosen = _flavours.select(flist, options.flavour, fid, fid_span, diags,
                                      data.key_span("topology_template")
                                      if "topology_template" in data else data.span)
            if chosen is None:
                return None
    if nsd and options.flavour:
        diags.add("tosca-flavour", f"--flavour {options.flavour!r}: this is an NSD; each of "
                  "its VNF nodes chooses its VNFD's deployment flavour with its flavour_id",
                  data.span)
        return None
    if chosen is None and options.flavour and not nsd:
        own = _own_flavour(tt, reg, scope)
        if own is not None and own != options.flavour:
            diags.add("tosca-flavour", f"--flavour {options.flavour!r}: this descriptor "
                      f"implements only flavour {own!r}", data.span)
            return None
        if own is None:
            diags.add("tosca-flavour", f"--flavour {options.flavour!r}: this descriptor has "
                      "no deployment flavours", data.span)
            return None

    top_in = resolve_inputs(tt.get("inputs"), given, reg, diags, container=tt)
    top = TemplateResolver(reg, diags, quirks, top_in, limits=limits)
    _resolve_templates(top, tt, "topology_template")
    declared = set(top_in.params)
    if chosen is None:
        check_given(given, declared, diags)
        return replace(_topology(top, tt, entry, version, reg, package, top_in, None if nsd else
                                 _own_flavour(tt, reg, scope), diags),
                       input_uses=_input_uses([top]))

    # the flavour: its inputs are fed by the top-level VNF node's evaluated properties
    vnf_name = vnfs[0][0]
    fed: dict[str, Any] = {}
    if vnf_name in top.nodes and top.nodes[vnf_name].type:
        for p in top.nodes[vnf_name].pdefs:
            try:
                fed[p] = top.node_property(vnf_name, p, Span("<vnf>"))
            except (KeyError, Unresolved):
                continue
    ftt = chosen.topology
    fpath = f"{chosen.file.display}:topology_template"
    _check_topology_keys(ftt, diags, fpath)
    f_in = resolve_inputs(ftt.get("inputs"), _without(given, declared), reg, diags,
                          container=ftt, fed=fed)
    declared |= set(f_in.params)
    check_given(given, declared, diags)
    flav = TemplateResolver(reg, diags, quirks, f_in, base=top, limits=limits)
    _resolve_templates(flav, ftt, "topology_template")
    topo_top = _topology(top, tt, entry, version, reg, package, top_in, chosen.id, diags)
    topo_flav = _topology(flav, ftt, chosen.file, version, reg, package, f_in, chosen.id,
                          diags)
    merged = _merge(topo_top, topo_flav, vnf_name)
    # the VNF node's properties feed the flavour's inputs: a site there is not the only use
    top.ev.props_read.update((vnf_name, p) for p in fed)
    return replace(merged, flavours=tuple(sorted({f.id for f in flist})),
                   input_uses=_input_uses([top, flav]))


def _input_uses(resolvers: list[TemplateResolver]) -> dict[str, InputUse]:
    """How the resolvers used each input (:class:`~compiler.model.InputUse`): an input is
    used only directly when every get_input of it was a whole node property's value and
    no get_property read one of those properties."""
    reads: dict[str, int] = {}
    sites: dict[str, list[tuple[Any, ...]]] = {}
    read_props: set[tuple[str, str]] = set()
    for res in resolvers:
        for name, n in res.ev.input_reads.items():
            reads[name] = reads.get(name, 0) + n
        for name, found in res.input_sites.items():
            sites.setdefault(name, []).extend(found)
        read_props |= res.ev.props_read
    out = {}
    for name in sorted(reads):
        where = tuple(sites.get(name, ()))
        only = reads[name] == len(where) and not any(w[:2] in read_props for w in where)
        out[name] = InputUse(sites=where, direct_only=only)
    return out


def _resolve_templates(res: TemplateResolver, tt: PMap, path: str) -> None:
    res.index_relationships(tt.get("relationship_templates"), tt,
                            f"{path}.relationship_templates")
    res.index_nodes(tt.get("node_templates"), tt, f"{path}.node_templates")
    res.bind_requirements()


def _topology(res: TemplateResolver, tt: PMap, sf: SourceFile, version: str, reg: TypeRegistry,
              package: Package, inputs: InputTable, flavour: str | None,
              diags: Diagnostics) -> Topology:
    nodes = res.build_nodes()
    check_attribute_loops(res.nodes, reg, diags)
    rels = res.build_relationships(tt.get("relationship_templates"))
    groups = res.build_groups(tt.get("groups"), tt, "topology_template.groups")
    policies = res.build_policies(tt.get("policies"), tt, "topology_template.policies", groups)
    check_aspects(policies, diags)

    def evaluate(value: Any, span: Span, path: str) -> Any:
        try:
            return to_plain(res.ev.evaluate(value, Context(None, path=path, self_kind="output"),
                                            span))
        except Unresolved:
            return None

    outputs = resolve_outputs(tt.get("outputs"), tt, evaluate, diags)
    sub = res.substitution(tt.get("substitution_mappings"), tt,
                           "topology_template.substitution_mappings")
    data = sf.data if isinstance(sf.data, PMap) else PMap()
    desc = tt["description"] if isinstance(tt.get("description"), str) else \
        data["description"] if isinstance(data.get("description"), str) else ""
    meta = data.get("metadata") if isinstance(data.get("metadata"), dict) else {}
    return Topology(
        file=sf.display, version=version, description=desc, metadata=to_plain(meta),
        inputs=inputs.params, outputs=outputs, nodes=nodes, relationships=rels,
        groups=groups, policies=policies, substitution=sub, flavour=flavour,
        span=data.span, shipped=package.shipped,
        uses_profile=reg.has_prefix("xfactor."),
        source_names=_source_names(package),
        source_label=str(getattr(package.fs, "label", "") or ""),
    )


def _source_names(package: Package) -> dict[str, str]:
    """Display name -> name inside the package, of the package's own files (the first of
    a display name wins, as the files are listed entry first)."""
    out: dict[str, str] = {}
    for f in package.files:
        if not f.from_catalog:
            out.setdefault(f.display, f.name)
    return out


def _merge(top: Topology, flav: Topology, vnf_name: str) -> Topology:
    """The flavour's topology, with the top-level templates it does not redefine."""
    from dataclasses import replace

    nodes = dict(flav.nodes)
    vnf_type = top.nodes[vnf_name].type if vnf_name in top.nodes else None
    has_vnf = any(vnf_type in n.types for n in flav.nodes.values()) if vnf_type else False
    for name, n in top.nodes.items():
        if name in nodes or (name == vnf_name and has_vnf):
            continue
        nodes[name] = n
    inputs = dict(top.inputs)
    inputs.update(flav.inputs)
    return replace(
        flav,
        description=top.description or flav.description,
        metadata={**flav.metadata, **top.metadata},
        inputs=inputs,
        outputs={**top.outputs, **flav.outputs},
        nodes=nodes,
        relationships={**top.relationships, **flav.relationships},
        groups={**top.groups, **flav.groups},
        policies={**top.policies, **flav.policies},
        file=top.file,
        span=top.span,
    )


def _own_flavour(tt: PMap, reg: TypeRegistry, scope: str) -> str | None:
    """The flavour a single-file VNFD implements (its substitution mapping or VNF node)."""
    sm = tt.get("substitution_mappings")
    if isinstance(sm, PMap):
        p = sm.get("properties")
        fid = p.get("flavour_id") if isinstance(p, PMap) else None
        if isinstance(fid, str):
            return fid
    for name, _t in _flavours.vnf_nodes(tt, reg, scope):
        p = tt["node_templates"][name].get("properties")
        fid = p.get("flavour_id") if isinstance(p, PMap) else None
        if isinstance(fid, str):
            return fid
    return None


_SOL001_INSTEAD = ("xfc reads TOSCA descriptors: ETSI SOL001 VNFDs/NSDs, as files or "
                   "SOL004 CSARs; write the descriptor in SOL001 (ETSI publishes both "
                   "models from one information model, IFA011/IFA014)")


def _other_format(data: PMap) -> tuple[str, str] | None:
    """A descriptor of another format that a user may mistake for TOSCA, by its top-level
    keys: OSM/ETSI SOL006 (YANG-modelled, ``vnfd:``/``nsd:`` or the module-qualified
    ``etsi-nfv-vnfd:vnfd``) and OSM's older information model (``vnfd:vnfd-catalog``)."""
    keys = [str(k) for k in data]
    for k in keys:
        module, _, node = k.rpartition(":")
        if module in ("etsi-nfv-vnfd", "etsi-nfv-nsd", "etsi-nfv-pnfd") and node:
            return (f"an ETSI SOL006 (YANG) descriptor ({k!r})", _SOL001_INSTEAD)
        if k in ("vnfd:vnfd-catalog", "nsd:nsd-catalog", "vnfd-catalog", "nsd-catalog"):
            return (f"an OSM information-model descriptor ({k!r}, pre-SOL006 OSM)",
                    _SOL001_INSTEAD)
    if keys and keys[0] in ("vnfd", "nsd", "pnfd") and len(keys) <= 2:
        return (f"an OSM SOL006 descriptor (top-level {keys[0]!r})", _SOL001_INSTEAD)
    return None


def _check_files(package: Package, diags: Diagnostics) -> str | None:
    """Check the version and the top-level keynames of every non-catalog file."""
    entry_version: str | None = None
    for i, sf in enumerate(package.files):
        data = sf.data
        if not isinstance(data, PMap) or sf.from_catalog:
            continue
        what = "the service template" if i == 0 else f"imported file {sf.display}"
        v = data.get("tosca_definitions_version")
        if "tosca_definitions_version" not in data:
            other = _other_format(data)
            if other is not None:
                diags.add("tosca-version", f"{what} is {other[0]}, not TOSCA", data.span,
                          hint=other[1])
            else:
                diags.add("tosca-version", f"{what} has no tosca_definitions_version",
                          data.span, hint="start it with: tosca_definitions_version: "
                          "tosca_simple_yaml_1_3")
            if i == 0:
                return None
            continue
        if v not in VERSIONS:
            diags.add("tosca-version", f"unknown tosca_definitions_version {v!r}",
                      data.value_span("tosca_definitions_version"),
                      hint=did_you_mean(str(v), list(VERSIONS)) or
                      "known: " + ", ".join(VERSIONS))
            if i == 0:
                return None
            continue
        if i == 0:
            entry_version = v
        allowed = _BASE_KEYS + (_NEW_KEYS if v in ("tosca_simple_yaml_1_2",
                                                   "tosca_simple_yaml_1_3") else ())
        for k in data:
            if k not in allowed:
                diags.add("tosca-unknown-field", f"a service template does not allow the "
                          f"keyname {k!r}", data.key_span(k), path=str(k),
                          hint=did_you_mean(str(k), list(allowed)) or "")
    return entry_version


def _check_topology_keys(tt: PMap, diags: Diagnostics, path: str) -> None:
    if "workflows" in tt:
        diags.add("tosca-unsupported", "workflows are accepted but not processed: xfc derives "
                  "the deployment order from requirements and wirings",
                  tt.key_span("workflows"), path=f"{path}.workflows")
    for k in tt:
        if k not in TOPOLOGY_KEYS:
            diags.add("tosca-unknown-field", f"topology_template does not allow the keyname "
                      f"{k!r}", tt.key_span(k), path=path,
                      hint=did_you_mean(str(k), list(TOPOLOGY_KEYS)) or
                      "allowed: " + ", ".join(TOPOLOGY_KEYS))


def _without(given: Mapping[str, Any], names: set[str]) -> Mapping[str, Any]:
    """``given`` less ``names``, keeping positions when ``given`` has them."""
    if not isinstance(given, PMap):
        return {k: v for k, v in given.items() if k not in names}
    out = PMap(span=given.span)
    for k, v in given.items():
        if k not in names:
            dict.__setitem__(out, k, v)
            out.key_spans[k] = given.key_span(k)
            out.value_spans[k] = given.value_span(k)
    return out
