"""The registry of diagnostic codes: stable slugs, mypy style.

Every diagnostic xfc can emit has exactly one entry here, with its default severity and
a one-line summary (shown by ``xfc codes``).  A code is never renamed once released: a code merged into another stays as its
alias (``Code.aliases``, :data:`ALIASES`).
``tests/diagnostics/<code>/`` holds at least one failing input per code; a meta-test
checks that every code here has one.

Sections are owned by the phase that emits them; add new codes to your own section.

Phase: all (read by :meth:`compiler.diagnostics.Diagnostics.add` and ``xfc codes``).
Codes: defines every one; emits none.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum


class _Sev(IntEnum):  # mirrors diagnostics.Severity without an import cycle
    NOTE = 0
    WARNING = 1
    ERROR = 2


@dataclass(frozen=True, slots=True)
class Code:
    code: str
    severity: _Sev
    summary: str
    # earlier names of this code, kept so that a released code is never lost: a
    # diagnostic added under one is recorded under this code, ``xfc codes OLD`` finds it,
    # and its SARIF rule lists them as ``deprecatedIds``
    aliases: tuple[str, ...] = ()


CODES: dict[str, Code] = {}
# a retired code -> the code that replaced it (never emitted under its old name)
ALIASES: dict[str, str] = {}


def _reg(code: str, severity: str, summary: str, aliases: tuple[str, ...] = ()) -> None:
    if code in CODES or code in ALIASES:
        raise ValueError(f"duplicate diagnostic code {code}")
    for old in aliases:
        if old in CODES or old in ALIASES:
            raise ValueError(f"alias {old} of {code} is a code already")
        ALIASES[old] = code
    CODES[code] = Code(code, _Sev[severity.upper()], summary, aliases)


def canonical(code: str) -> str:
    """The registered code ``code`` names: itself, or the code an alias was retired into."""
    return ALIASES.get(code, code)


# --- command line / input files (compiler.loader) -------------------------------------
_reg("input-not-found", "error", "the path given does not exist or cannot be read")
_reg("input-too-large", "error", "a file exceeds the size limit")
_reg("input-encoding", "error", "a file is not valid UTF-8 text")
_reg("yaml-syntax", "error", "the YAML does not parse")
_reg("yaml-duplicate-key", "error", "a mapping has the same key twice")
_reg("yaml-too-deep", "error", "nesting exceeds the depth limit")
_reg("yaml-alias-limit", "error", "alias expansion exceeds the limit (billion laughs)")
_reg("yaml-scalar-too-large", "error", "a scalar exceeds the size limit")
_reg("yaml-multiple-documents", "error", "a descriptor file holds more than one YAML document")
_reg("yaml-not-mapping", "error", "the top level of a descriptor is not a mapping")
_reg("yaml-complex-key", "error", "a mapping key is not a scalar")
_reg("import-unresolved", "error", "an import cannot be resolved locally")
_reg("import-outside-root", "error", "an import points outside the package root")
_reg("import-network", "error", "an import names a URL that is not in the local catalog")
_reg("import-invalid", "error", "an import entry is malformed")
_reg("import-cycle", "note", "an import cycle was found and cut")
_reg("import-version", "note", "which SOL001 version a type file imported by bare name was read as, and why")
_reg("namespace-conflict", "error", "two imports define the same name differently")
_reg("limit-exceeded", "error", "an input exceeds a limit of compiler.limits (named in the message)")

# --- CSAR (compiler.loader.csar) ------------------------------------------------------
_reg("csar-meta-syntax", "error", "TOSCA.meta does not parse")
_reg("csar-meta-missing-key", "error", "TOSCA.meta lacks a required key")
_reg("csar-meta-unknown-key", "warning", "TOSCA.meta has a key no consumer reads")
_reg("csar-entry-missing", "error", "a file named by TOSCA.meta or the manifest is missing")
_reg("csar-no-entry", "error", "no entry definitions file can be determined")
_reg("csar-manifest-syntax", "error", "the SOL004 manifest does not parse")
_reg("csar-hash-mismatch", "error", "a file's digest differs from the one listed")
_reg("csar-hash-algorithm", "error", "a listed digest algorithm is not supported")
_reg("csar-zip-invalid", "error", "the archive is not a readable zip")
_reg("csar-zip-unsafe", "error", "a zip entry has an absolute path, '..', a link, or a duplicate name")
_reg("csar-zip-bomb", "error", "a zip entry inflates beyond the size limit")
_reg("csar-meta-misnamed", "warning", "a folder or file named almost TOSCA-Metadata/TOSCA.meta")
_reg("artifact-missing", "error", "an artifact file a descriptor of the package names is not in it")
_reg("artifact-outside-package", "error", "an artifact path is absolute or leaves the package")

# --- TOSCA semantics (compiler.resolve) -----------------------------------------------
_reg("tosca-version", "error", "tosca_definitions_version is missing or unknown")
_reg("tosca-image-conflict", "warning", "an image artifact's reference and sw_image_data name different images")
_reg("tosca-unknown-field", "error", "a key is not allowed here")
_reg("tosca-missing-field", "error", "a required key is missing")
_reg("tosca-wrong-type", "error", "a value has the wrong YAML type or TOSCA type")
_reg("tosca-unknown-type", "error", "a type name is not defined")
_reg("tosca-derivation-cycle", "error", "derived_from forms a cycle")
_reg("tosca-unknown-property", "error", "a property is not defined by the type")
_reg("tosca-missing-property", "error", "a required property has no value and no default")
_reg("tosca-constraint", "error", "a value violates a constraint")
_reg("tosca-unknown-template", "error", "a name refers to no template")
_reg("tosca-requirement", "error", "a requirement cannot be satisfied or is malformed")
_reg("tosca-unknown-input", "error", "get_input names no input")
_reg("tosca-missing-input", "error", "a required input has no value")
_reg("tosca-function", "error", "an intrinsic function is malformed or cannot be evaluated")
_reg("tosca-function-cycle", "error", "property or attribute references (get_property, get_attribute) form a cycle")
_reg("tosca-unknown-aspect", "error", "a scale_info key or a scaling-aspect delta names an aspect no ScalingAspects policy declares")
_reg("tosca-flavour", "error", "no deployment flavour can be selected")
_reg("tosca-substitution", "error", "substitution_mappings is malformed")
_reg("tosca-unsupported", "warning", "a construct is accepted but not processed")
_reg("tosca2-unsupported", "error", "a TOSCA 2.0 construct xfc does not read yet, whose meaning would be lost (the clause is named)")
_reg("tosca-quirk", "note", "a named leniency accepted a non-conforming construct (a warning for a quirk that drops what the author wrote or keeps a value its type forbids)")
_reg("tosca-parser-verdict", "warning", "tosca-parser (Tacker's parser) rejects the package")
_reg("tosca-parser-accepts", "note", "tosca-parser (Tacker's parser) accepts the package (--tosca-parser)")

# --- X-factor profile (compiler.normalize, compiler.checks.xfactor) — the spec's table, §4 ---
_reg("xf-missing-import", "error", "xfactor.* types are used without importing the profile")
_reg("xf-no-traits", "note", "a workload has no process traits and is treated as stateless")
_reg("xf-stateless-local-state", "error", "a stateless process has persistent local storage")
_reg("xf-scratch-lifetime", "error", "scratch.lifetime: process on a stateless process")
_reg("xf-sticky-session", "error", "session stickiness without an expiring session store")
_reg("xf-reconnect-stateful", "error", "reconnect towards a stateful target")
_reg("xf-reconnect-single", "warning", "reconnect towards a target with at most one replica")
_reg("xf-notify-no-endpoint", "error", "notify without the endpoint its channel needs")
_reg("xf-scope-unknown", "error", "a reinstantiate scope or chain is unknown or outside the chain")
_reg("xf-fragile-no-chain", "error", "shutdown_chain on a wiring in no chain")
_reg("xf-stateful-no-backing", "warning", "a stateful process has no backing service or storage")
_reg("xf-dependency-cycle", "error", "the deployment-order graph has a cycle")
_reg("xf-process-conflict", "error", "process traits given twice")
_reg("xf-wiring-conflict", "error", "a wiring given twice")
_reg("xf-step-syntax", "error", "an on_failure step does not parse or has a bad argument")
_reg("xf-wiring-endpoint", "error", "a wiring's source or target is not a workload template")
_reg("xf-process-target", "error", "process traits given to a template that is not a workload")

# --- back ends (compiler.emitters) ----------------------------------------------------
_reg("k8s-namespace-not-uniform", "error", "the objects written for Tacker name several namespaces (Tacker: NamespaceNotUniform)")
# one code for every back end and target (compiler.unsupported): the message names the
# target and the construct; the three codes it replaced stay as aliases
_reg("unsupported", "warning", "a back end or target cannot express a construct of the input "
     "(the message names the target and the construct; a note when it has nothing to write)",
     aliases=("k8s-not-expressible", "policy-not-expressible", "emit-unsupported"))
_reg("k8s-insecure", "warning", "the descriptor asks for a less safe pod setting")
_reg("k8s-latest-tag", "warning", "an image has no tag or the tag 'latest'")
_reg("k8s-no-image", "error", "a workload has no container image")
_reg("k8s-object-missing", "error", "a VDU names a Kubernetes object the package does not ship")
_reg("policy-missing-input", "error", "a policy target needs an input that was not given (tacker: vnf_instance_id)")
_reg("k8s-duplicate-object", "error", "two shipped objects of one kind and name, or two PodDisruptionBudgets over the same pods")
_reg("k8s-bad-namespace", "error", "a shipped manifest's metadata.namespace is not a DNS-1123 label")
_reg("k8s-name-collision", "error", "two source names become one Kubernetes object name")
_reg("k8s-env-name", "error", "an environment variable name Kubernetes does not accept")
_reg("plugin-error", "error", "a plugin the call names is unknown, cannot be loaded, or raised")
_reg("policy-name-collision", "error", "two wirings become one ONAP policy name")
_reg("value-out-of-range", "error", "a number is outside what the field a back end writes accepts (compiler.bounds)")
_reg("k8s-low-port", "warning", "a non-root workload declares a port below 1024 without bind_low_ports")
_reg("k8s-config-too-large", "error", "a ConfigMap or Secret holds more data than the API server accepts (1 MiB; compiler.bounds)")
_reg("k8s-object-too-large", "warning", "an object is larger than what client-side kubectl apply annotates (256 KiB; compiler.bounds)")
_reg("k8s-yaml-reread", "warning", "a shipped manifest's value that Kubernetes' YAML reader turns into another value (an unquoted date, a !!binary scalar)")
_reg("k8s-object-unstorable", "error", "an object is larger than what the API server stores (etcd's 1.5 MiB request limit; compiler.bounds)")

# --- network services (compiler.ns) ---------------------------------------------------
_reg("ns-vnf-unsubstituted", "error", "an NSD's VNF node is substituted by no VNFD (imports, --vnf)")
_reg("ns-vnf-ambiguous", "error", "an NSD's VNF node is substituted by two or more VNFDs")
_reg("ns-vnf-flavour", "error", "an NSD's VNF node names a flavour_id its VNFD does not have")
_reg("ns-level", "error", "the NS instantiation level is unknown, or gives a VNF no instance")
_reg("ns-namespace", "error", "with --ns-namespaces per-vnf, a VNF node's name gives no namespace of its own (not a DNS-1123 label, too long, or taken)")
_reg("ns-unsupported", "warning", "an NSD element xfc does not compile (a SAP, NS-level process traits)")
