"""Named leniencies ("quirks", after Puccini): real descriptors that break the letter of
TOSCA/SOL001 in well-known ways are accepted only through one of these, and each
acceptance is reported as a ``tosca-quirk`` note naming it.

Phase: load and resolve (it lives with the loader, which applies quirks too and never
imports the resolver; the resolver imports it from here).  Input: the quirk names enabled in ``Options.quirks`` (``"all"`` enables
every one; ``"none"`` none; a name prefixed with ``-`` disables it).  Output: notes
(warnings for the quirks that drop or keep something the author should see, ``warns``).
docs/quirks.md documents each entry of :data:`QUIRKS`; a unit test keeps them in step.

Codes: tosca-quirk.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

from ..diagnostics import Diagnostics, Severity, Span


@dataclass(frozen=True, slots=True, kw_only=True)
class Quirk:
    name: str
    accepts: str  # what the quirk lets through
    note: str  # the note text shown when it fires
    # not part of "all": on only when named, for a leniency tosca-parser does not share
    opt_in: bool = False
    # reported as a warning, not a note: accepting the construct drops or keeps something
    # against the letter of the spec that the author should see (the note says what)
    warns: bool = False


QUIRKS: dict[str, Quirk] = {
    q.name: q
    for q in (
        Quirk(
            name="operation.list",
            accepts="an interface operation written as a YAML list (Tacker's SOL001 samples "
            "write `instantiate: []` for Vnflcm operations)",
            note="operation written as a list, read as an operation with no implementation",
        ),
        Quirk(
            name="substitution.requirement-list",
            accepts="a substitution_mappings requirement mapped to an empty list (Tacker: "
            "`virtual_link_external: []`), meaning 'left for the NS level'",
            note="requirement mapping given as an empty list, read as left open",
        ),
        Quirk(
            name="substitution.undefined-name",
            accepts="a substitution_mappings entry for a requirement that the substituted "
            "VNF node type (a tosca.nodes.nfv.VNF) does not define (Tacker's samples map "
            "`virtual_link_external`, which tosca.nodes.nfv.VNF does not define)",
            note="mapping of a name the substituted node type does not define",
        ),
        Quirk(
            name="substitution.missing-node",
            accepts="a substitution_mappings requirement of a VNF (a tosca.nodes.nfv.VNF) "
            "mapped to a node template the flavour does not define (Tacker's samples: "
            "v2_sample7 maps `VDU2_CP1`, free5gc maps `free5gc_amf_CP`; Tacker 16.0.0 "
            "onboards v2_sample7); the mapping is dropped",
            note="the mapping names no node template of the flavour (TOSCA 1.3 §3.8.13); "
            "it is dropped: nothing is built from it",
            warns=True,
        ),
        Quirk(
            name="substitution.missing-requirement",
            accepts="a substitution_mappings requirement of a VNF (a tosca.nodes.nfv.VNF) "
            "mapped to a requirement the named node template does not have (Tacker's "
            "practical_vnf_package maps `external_virtual_link` of a VduCp, which has "
            "`virtual_link` and `virtual_binding`; Tacker 16.0.0 onboards it); the mapping "
            "is dropped",
            note="the node template has no such requirement (TOSCA 1.3 §3.8.13); the "
            "mapping is dropped: nothing is built from it",
            warns=True,
        ),
        Quirk(
            name="substitution.flavour-id-valid-values",
            accepts="a deployment flavour's `flavour_id` in substitution_mappings.properties "
            "outside the `valid_values` of the VNF node type's `flavour_id` (Tacker's test_cnf "
            "sample: `vdumap` where the type lists only `simple`; Tacker 16.0.0 onboards it "
            "and deploys the flavour by that id); the flavour keeps the id written",
            note="flavour_id outside the VNF type's valid_values (TOSCA 1.3 §3.6.3, "
            "§3.8.13); the flavour keeps the id written",
            warns=True,
        ),
        Quirk(
            name="substitution.filter-wrapper",
            accepts="a substitution_filter whose only key is `node_filter` wrapping the "
            "filter (tosca-parser's reading; TOSCA 1.3 §3.8.13 makes substitution_filter "
            "the node filter itself)",
            note="substitution_filter wrapped in node_filter, unwrapped",
        ),
        Quirk(
            name="substitution.mapping-list",
            accepts="substitution_mappings requirements/capabilities written as a list of "
            "one-entry mappings, so that one requirement can be mapped several times (the "
            "SOL001 v3 examples; TOSCA 1.3 §3.8.13 has a mapping)",
            note="mappings written as a list; a name mapped twice keeps every target",
        ),
        Quirk(
            name="policy.targets-unknown-to-type",
            accepts="a policy whose target's type is not among the policy type's targets "
            "(ETSI examples target VDUs with scaling policies defined for VNF-level types)",
            note="policy target outside the policy type's declared targets",
        ),
        Quirk(
            name="group.members-unknown-to-type",
            accepts="a group member whose type is not among the group type's members",
            note="group member outside the group type's declared members",
        ),
        Quirk(
            name="requirements.map",
            accepts="node template requirements written as a mapping instead of a list of "
            "one-entry mappings",
            note="requirements written as a mapping, read as a list in key order",
        ),
        Quirk(
            name="policies.map",
            accepts="topology_template.policies written as a mapping (the TOSCA 2.0 form) in "
            "a TOSCA 1.x template, where it is a list of one-entry mappings",
            note="policies written as a mapping, read as a list in key order",
        ),
        Quirk(
            name="group.required-property",
            accepts="a group without a property its type requires (Tacker's samples omit "
            "the required `description` of tosca.groups.nfv.PlacementGroup; tosca-parser "
            "does not check group properties)",
            note="group lacks a required property",
        ),
        Quirk(
            name="requirement.node-type",
            accepts="a requirement bound to a node template that is not of the node type the "
            "requirement definition names (tosca-parser's examples host a WebApplication "
            "on a Compute)",
            note="requirement target is not of the required node type",
        ),
        Quirk(
            name="requirement.capability-supertype",
            accepts="a requirement bound to a node whose matching capability is of a parent "
            "of the required capability type (tosca.capabilities.Container offered where "
            "tosca.capabilities.Container.Docker is required)",
            note="target capability is of a parent of the required capability type",
        ),
        Quirk(
            name="operation.undefined",
            accepts="an operation that the SOL001 Vnflcm interface type does not define (Tacker's v2 samples use "
            "the SOL001 3.x Vnflcm *_rollback_start operations with the 2.6.1 types)",
            note="operation not defined by the interface type",
        ),
        Quirk(
            name="import.ancestor-relative",
            accepts="a relative import that is not beside the importing file but is found "
            "relative to an enclosing directory inside the package root (tosca-parser also "
            "tries the entry file's directory and the working directory; its test data "
            "imports `custom_types/x.yaml` from inside custom_types/)",
            note="import found relative to an enclosing directory, not the importing file",
        ),
        Quirk(
            name="value.number-as-string",
            accepts="a YAML integer or float given to a `string` property of a template, "
            "read as its decimal text (tosca-parser's test data: `root_password: "
            "123456789`, a `string` port fed `8080`); YAML 1.2 makes them numbers, and a "
            "string property cannot hold one, so no valid descriptor changes meaning",
            note="number given for a string, read as its decimal text",
        ),
        Quirk(
            name="value.number-from-function",
            accepts="a number that a function gives to a `string` property or field, at any "
            "nesting (ONAP SDC passes an `integer` input through `get_input` into a `map` of "
            "`string`, `meta_data`), read as its canonical decimal text, as ONAP and "
            "tosca-parser accept it; the author wrote no literal to quote",
            note="number given by a function for a string, read as its decimal text",
        ),
        Quirk(
            name="value.number-as-string-in-data",
            accepts="a YAML integer or float given to a `string` field of a data-type value, "
            "at any nesting (ONAP SDC output writes `port: 8080` into string fields), read "
            "as its decimal text; tosca-parser rejects these (\"is not a string\"), so "
            "this one is opt-in: not part of `all`",
            note="number given for a string field of a data-type value, read as its "
            "decimal text",
            opt_in=True,
        ),
        Quirk(
            name="artifact.swimage-undefined",
            accepts="an artifact of type `tosca.artifacts.nfv.SwImage` without properties "
            "in a package that neither defines nor imports that SOL001 type (Tacker's "
            "single-file VNFDs paste the SOL001 types but leave out artifact_types), read "
            "as SOL001 2.x defines it: derived from tosca.artifacts.Deployment.Image, no "
            "properties of its own",
            note="SOL001 artifact type used without its definition, read as SOL001 2.x's",
        ),
        Quirk(
            name="profile.simple-alias",
            accepts="a TOSCA 2.0 profile import of `org.oasis-open.tosca.simple:2.0`, a "
            "name some producers write for the simple profile `org.oasis-open.simple:2.0` "
            "(TOSCA 2.0 §6.7.2)",
            note="profile name read as the TOSCA simple profile's",
        ),
        Quirk(
            name="capability.occurrences-in-template",
            accepts="`occurrences` written in a capability assignment (ONAP SDC output)",
            note="occurrences in a capability assignment ignored",
        ),
    )
}


def enabled(options_quirks: Iterable[str], name: str) -> bool:
    """Whether quirk ``name`` is on under the ``--quirk`` selection (an opt-in quirk
    only when named)."""
    sel = tuple(options_quirks)
    if f"-{name}" in sel:
        return False
    if name in sel:
        return True
    quirk = QUIRKS.get(name)
    if quirk is not None and quirk.opt_in:
        return False
    return "all" in sel and "none" not in sel


class QuirkReporter:
    """Tests and reports quirks for one resolution."""

    def __init__(self, options_quirks: Iterable[str], diags: Diagnostics) -> None:
        self.selection = tuple(options_quirks)
        self.diags = diags

    def allow(self, name: str, span: Span, detail: str = "", path: str = "") -> bool:
        """True (and a note) when quirk ``name`` is enabled; False when the caller must
        report the construct as the error it is."""
        quirk = QUIRKS[name]  # KeyError: a quirk used but not in the table, a bug in xfc
        if not enabled(self.selection, name):
            return False
        msg = f"quirk {name}: {quirk.note}"
        if detail:
            msg += f" ({detail})"
        self.diags.add("tosca-quirk", msg, span, path=path, hint="disable with --quirk=-" + name,
                       severity=Severity.WARNING if quirk.warns else None)
        return True
