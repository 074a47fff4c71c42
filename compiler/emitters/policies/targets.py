"""Orchestrator targets of the failure policies: one base class, one subclass per target.

Phase: emit.  Input: the :class:`Context` of one compilation.  Output: per target, the
documents it adds under ``policies/`` and, per step, a :class:`Realisation` (how the step
is carried out there and what is lost), which drives both the ``unsupported``
warnings and ``xfc explain``.

Like sqlglot's dialects, a target overrides only what differs from
:class:`PolicyTarget`: the portable FailurePolicy is written for every target by the
emitter; a target adds its own documents (:meth:`documents`), says how it realises each
step (:meth:`realise`), and checks what it needs from the caller (:meth:`check`).  The
built-ins are listed in :data:`compiler.plugins.BUILTIN_TARGETS`; a third party adds one
through the ``xfc.targets`` entry-point group (an instance or a subclass of
:class:`PolicyTarget`, whose ``name`` is its ``--target`` value).

Codes: ``policy-missing-input`` (Tacker without ``vnf_instance_id``), reported by
:meth:`TackerTarget.check`; ``policy-name-collision`` (two wirings, one ONAP policy name),
by :meth:`OnapTarget.check`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ...diagnostics import Diagnostics, InternalError, Span
from ...names import NameTable
from ...model.xfactor import ResolvedWiring
from . import onap, osm, prometheus
from ...target_api import Context, Realisation, TargetInput
from .common import INPUT_VNF_INSTANCE_ID


class PolicyTarget:
    """An orchestrator the failure policies are written for.  Override what differs."""

    name: str = ""
    title: str = ""
    # the SOL004 CSAR layout ``xfc bundle --format csar --target NAME`` asks of the CSAR
    # bundler, a layout's name (compiler.plugins.BUILTIN_LAYOUTS, compiler.bundlers.layouts:
    # "onap" adds the Helm chart artifact, "tacker" the manifests and the LCM definition
    # files); None: a plain SOL004 CSAR
    package_layout: str | None = None
    # whether this orchestrator deploys the Kubernetes manifests of the package itself
    # (Tacker's CNF infra driver): the Kubernetes back end then holds them to its rules
    # (one namespace, k8s-namespace-not-uniform; a VDU left without its object)
    deploys_manifests: bool = False
    # the gates (compiler.plugins.BUILTIN_GATES) ``xfc bundle --verify`` runs on a package
    # laid out for this target (package_layout), after those of the bundle format
    gates: tuple[str, ...] = ()

    def realise(self, ctx: Context, rw: ResolvedWiring, index: int) -> Realisation:
        """How step ``index`` of ``rw`` is carried out on this target; by default the
        target runs nothing itself (the portable FailurePolicy is all it gets)."""
        return Realisation(how=f"{self.title or self.name} reads the portable FailurePolicy",
                           lost=f"{self.title or self.name} does not run this step itself")

    def documents(self, ctx: Context) -> dict[str, tuple[object, str]]:
        """``policies/...`` path -> (plain data, header line) of this target's files."""
        return {}

    def check(self, unit: TargetInput, ctx: Context, diags: Diagnostics) -> None:
        """Report what this target needs and was not given (inputs, parameters)."""

    # whether the PrometheusRule's alerts carry labels of this target (alert_labels)
    labels_alerts: bool = False

    def alert_labels(self, ctx: Context, rw: ResolvedWiring,
                     index: int) -> tuple[dict[str, str], dict[str, str]]:
        """The labels and annotations this target adds to the alert of step ``index`` of
        ``rw`` in the PrometheusRule (:func:`prometheus.rule`); by default none."""
        return {}, {}


class KubernetesTarget(PolicyTarget):
    name = "kubernetes"
    title = "Kubernetes (xfc operator on the FailurePolicy, PrometheusRule)"

    def realise(self, ctx: Context, rw: ResolvedWiring, index: int) -> Realisation:
        return prometheus.realise_kubernetes(ctx, rw, index)

    def documents(self, ctx: Context) -> dict[str, tuple[object, str]]:
        # one PrometheusRule (in parts on a dense service) serves kubernetes and tacker
        # (which adds its labels): built once when both are chosen
        parts = ctx.made.get("prometheus")
        if parts is None:
            parts = ctx.made.setdefault("prometheus", prometheus.build(ctx))
        return {prometheus.file_name(n): (doc, f"PrometheusRule of service {ctx.service}"
                                          + (f", part {n} of {len(parts)}" if len(parts) > 1 else ""))
                for n, doc in enumerate(parts, start=1)}


class TackerTarget(KubernetesTarget):
    name = "tacker"
    title = "Tacker (Prometheus plugin)"
    package_layout = "tacker"
    deploys_manifests = True
    gates = ("tacker", "tacker-code")  # the offline rules, then Tacker's own code

    def realise(self, ctx: Context, rw: ResolvedWiring, index: int) -> Realisation:
        return prometheus.realise_tacker(ctx, rw, index)

    labels_alerts = True

    def alert_labels(self, ctx: Context, rw: ResolvedWiring,
                     index: int) -> tuple[dict[str, str], dict[str, str]]:
        """The labels Tacker's Prometheus plugin routes an alert by (formats.md §4), and
        for a fault-management alert the fault's annotations."""
        step = rw.steps[index]
        terminal = index == len(rw.steps) - 1
        vnf_id = ctx.input(INPUT_VNF_INSTANCE_ID)
        labels = {
            "receiver_type": "tacker",
            "vnf_instance_id": "" if vnf_id is None else str(vnf_id),
        }
        annotations: dict[str, str] = {}
        if step.action == "reinstantiate":
            labels["function_type"] = "auto_heal"
            # Tacker's VNFC id is "<VDU id>-<pod name>" (formats.md §4, direct auto-heal).
            labels["vnfc_info_id"] = f"{rw.wiring.target}-{{{{ $labels.pod }}}}"
        else:
            labels["function_type"] = "vnffm"
            labels["perceived_severity"] = "CRITICAL" if terminal else "WARNING"
            labels["event_type"] = "COMMUNICATIONS_ALARM"
            w = rw.wiring
            annotations["probable_cause"] = f"wiring {w.name} to {w.target} lost"
            annotations["fault_type"] = "Wiring failure"
            annotations["fault_details"] = f"{w.source}->{w.target}: {step.action}"
        return labels, annotations

    def check(self, unit: TargetInput, ctx: Context, diags: Diagnostics) -> None:
        if ctx.input(INPUT_VNF_INSTANCE_ID) not in (None, ""):
            return
        diags.add(
            "policy-missing-input",
            f"--target tacker needs {INPUT_VNF_INSTANCE_ID} (the id Tacker gave "
            "the VNF instance) for the alerts' vnf_instance_id label",
            _missing_input_span(unit, ctx),
            hint=f"pass --param {INPUT_VNF_INSTANCE_ID}=<id> (or declare the input and --set it)",
        )


class OnapTarget(PolicyTarget):
    name = "onap"
    title = "ONAP (Drools operational policy)"
    package_layout = "onap"

    def realise(self, ctx: Context, rw: ResolvedWiring, index: int) -> Realisation:
        return onap.realise(ctx, rw, index)

    def check(self, unit: TargetInput, ctx: Context, diags: Diagnostics) -> None:
        """Two wirings whose names clean to one ONAP policy name (``a b``, ``a-b``), or a
        wiring whose policy name is that of a shared chain policy, would be one policy to
        ONAP's policy API: an error at the (later) wiring."""
        table: NameTable[str] = NameTable()
        chain_of: dict[str, str | None] = {}  # shared policy name -> its chain
        for rw in ctx.wirings:  # the shared chain policies first: a wiring collides with them
            shared = onap.shared_name(ctx, rw)
            if shared is None:
                continue
            first_chain = chain_of.setdefault(shared, rw.chain)
            if first_chain != rw.chain:  # two chain names that clean to one (`c d`, `c-d`)
                diags.add(
                    "policy-name-collision",
                    f"chains {first_chain!r} and {rw.chain!r} both share ONAP policy "
                    f"{shared!r} (wiring {rw.wiring.name!r}); ONAP would keep one",
                    rw.wiring.span,
                    hint="rename one chain so that the names differ in letters, digits, "
                         "'.', '_' or '-'",
                )
        for rw in ctx.wirings:  # sorted by name
            if onap.policy(ctx, rw) is None:
                continue  # nothing for ONAP to run: no policy, no name
            name = onap.policy_name(ctx, rw)
            first = table.claim("onap", name, rw.wiring.name)
            if name in chain_of:
                whose = f"the shared policy of chain {chain_of[name]!r} and wiring {rw.wiring.name!r}"
            elif first is not None:
                whose = f"wirings {first!r} and {rw.wiring.name!r}"
            else:
                continue
            diags.add(
                "policy-name-collision",
                f"{whose} both become ONAP policy {name!r}; ONAP would keep one",
                rw.wiring.span,
                hint="rename one wiring so that the names differ in letters, digits, "
                     "'.', '_' or '-'",
            )

    def documents(self, ctx: Context) -> dict[str, tuple[object, str]]:
        out: dict[str, tuple[object, str]] = {}
        for stem, doc in onap.build(ctx).items():
            problems = onap.check_operational_policy(doc)
            if problems:
                raise InternalError(f"ONAP policy {stem}: {problems[0]}")
            out[f"policies/onap/{stem}.yaml"] = (
                doc, f"ONAP operational policies of service {ctx.service}")
        return out


class OsmTarget(PolicyTarget):
    name = "osm"
    title = "OSM (healing-aspect)"

    def realise(self, ctx: Context, rw: ResolvedWiring, index: int) -> Realisation:
        return osm.realise(ctx, rw, index)

    def documents(self, ctx: Context) -> dict[str, tuple[object, str]]:
        return {f"policies/osm/{ctx.service}_vnfd.yaml": (
            osm.build(ctx), f"OSM VNFD of service {ctx.service} (healing-aspect)")}


def _missing_input_span(unit: TargetInput, ctx: Context) -> Span:
    """Where a missing ``vnf_instance_id`` is reported: its declaration when the topology
    declares it (without a value), else the first wiring (the first alert needing it)."""
    param = (getattr(unit.topology, "inputs", None) or {}).get(INPUT_VNF_INSTANCE_ID)
    span = getattr(param, "span", None)
    if isinstance(span, Span) and span.line:
        return span
    for rw in ctx.wirings:
        if rw.wiring.span.line:
            return rw.wiring.span
    return Span(ctx.source_file)


KUBERNETES = KubernetesTarget()
TACKER = TackerTarget()
ONAP = OnapTarget()
OSM = OsmTarget()

if TYPE_CHECKING:  # mypy (strict here): every built-in is a compiler.plugins.Target
    from ...plugins import Target

    _BUILTINS: tuple[Target, ...] = (KUBERNETES, TACKER, ONAP, OSM)

__all__ = ["KUBERNETES", "ONAP", "OSM", "TACKER", "KubernetesTarget", "OnapTarget", "OsmTarget",
           "PolicyTarget", "TackerTarget"]
