"""The conversion matrix: which property of which input type becomes which Kubernetes field.

Phase: emit.
Input: the resolved :class:`compiler.model.Topology`.
Output: ``unsupported`` warnings, one per property that a template sets (it
appears in ``property_spans``) and that the Kubernetes back end drops, at the position of
the value; and one per property the descriptor writes that no table here knows (a type
the back end does not handle, or a key its row set lacks), so that no written fact is
dropped in silence (issue 9: "every fact maps or warns", proved over the corpus by
tests/integration/test_corpus_facts.py).  The same tables are the source of
``docs/conversion.md`` (a test checks that the document lists every key below), so the
document and the behaviour cannot drift apart.

A row is ``key: (kubernetes_field, None)`` when the key is mapped, or
``key: (None, reason)`` when it is dropped with a warning giving the reason.  Tables:
:data:`MATRIX` (node template properties), :data:`CAPABILITY_MATRIX` (capability
properties, keyed ``<capability>.<property>``), :data:`POLICY_MATRIX` and
:data:`GROUP_MATRIX`.
Codes: unsupported.
"""

from __future__ import annotations

from typing import Any, Iterator, Mapping

from ...diagnostics import Span
from ...model import Group, NodeTemplate, Policy, Topology
from ...model.frozen import written
from .common import Ctx, span_at
from ...unsupported import unsupported

Row = tuple[str | None, str | None]

# Rows that several types share: written once, so that the reasons cannot drift apart.
_DESCRIPTION: Row = ("annotation xfactor.io/description", None)
_SERVICE_DESCRIPTION: Row = ("annotation xfactor.io/description of the Service", None)
_CONFIGMAP: Row = ("ConfigMap <vdu>-config, envFrom", None)
_NFVI_CONSTRAINTS: Row = (None, "NFVI constraints have no portable Kubernetes field")
_NFVI_MAINTENANCE: Row = (None, "NFVI maintenance is an orchestrator concern")
_MONITORING: Row = (None, "monitoring parameters belong to the policies back end")
_CLUSTER_ADDRESSES: Row = (None, "Service addresses are allocated by the cluster")
_VNIC_REQUIREMENTS: Row = (None, "interface requirements (SR-IOV, DPDK) need a device plugin")
_VNFM: Row = (None, "VNF identification and LCM data are read by the VNFM, not by the cluster")
# the port properties that VduCp, VirtualCp and VnfExtCp all drop
_PORT: dict[str, Row] = {
    "layer_protocols": (None, "the pod network decides the layer protocols"),
    "role": (None, "Kubernetes has no root/leaf port role"),
    "trunk_mode": (None, "trunk ports need a CNI plugin xfc cannot choose"),
    "ip_stack_mode": (None, "dual stack is a cluster setting"),
}

# What real images need (docs/xfactor.md §6): the same rows on CNFs and backing services.
_IMAGE_NEEDS: dict[str, Row] = {
    "secret_env": ("containers[0].env[].valueFrom.secretKeyRef (and <SERVICE>_<VAR> of users)", None),
    "run_as": ("pod securityContext runAsUser, runAsGroup, fsGroup (default 65532)", None),
    "run_as_root": ("runAsNonRoot: false and no user ids (k8s-insecure)", None),
    "writable_paths": ("an emptyDir per path, mounted in every container", None),
    "bind_low_ports": (
        "pod securityContext.sysctls net.ipv4.ip_unprivileged_port_start (k8s-insecure)",
        None,
    ),
    "probes": (
        "containers[0].readinessProbe / livenessProbe httpGet {path: http_path, port} "
        "(port: the first TCP port by default) instead of tcpSocket",
        None,
    ),
}

MATRIX: dict[str, dict[str, Row]] = {
    "xfactor.nodes.CNF": {
        "image": ("spec.template.spec.containers[0].image", None),
        "command": ("containers[0].command", None),
        "args": ("containers[0].args", None),
        "ports": ("containers[0].ports, Service ports, tcpSocket probes", None),
        "env": ("containers[0].env (sorted by name)", None),
        "resources": ("containers[0].resources.requests and .limits (cpu, memory)", None),
        "replicas": ("spec.replicas = min; HorizontalPodAutoscaler when max > min", None),
        "volumes": (
            "emptyDir (persistent: false) or volumeClaimTemplates / PersistentVolumeClaim "
            "(persistent: true); containers[0].volumeMounts",
            None,
        ),
        "process": (
            "Deployment (stateless) or StatefulSet + headless Service (stateful); "
            "terminationGracePeriodSeconds; scratch -> emptyDir /tmp sizeLimit",
            None,
        ),
        **_IMAGE_NEEDS,
    },
    "xfactor.nodes.BackingService": {
        "image": ("StatefulSet + headless Service", None),
        "locator": ("Service type ExternalName (host name) and env <NAME>_LOCATOR of users", None),
        "kind": ("label app.kubernetes.io/component", None),
        "expiry": ("annotation xfactor.io/expiry", None),
        "command": ("containers[0].command", None),
        "args": ("containers[0].args", None),
        "ports": ("containers[0].ports, headless Service ports, tcpSocket probes", None),
        "env": ("containers[0].env (sorted by name)", None),
        "resources": ("containers[0].resources.requests and .limits (cpu, memory)", None),
        "volumes": (
            "volumeClaimTemplates (persistent: true) or emptyDir; containers[0].volumeMounts",
            None,
        ),
        **_IMAGE_NEEDS,
    },
    "tosca.nodes.nfv.Vdu.OsContainerDeployableUnit": {
        "name": ("annotation xfactor.io/vdu-name", None),
        "description": _DESCRIPTION,
        "vdu_profile": (
            "spec.replicas (min_number_of_instances, or the initial delta); "
            "HorizontalPodAutoscaler maxReplicas (max_number_of_instances)",
            None,
        ),
        "configurable_properties": _CONFIGMAP,
        "logical_node": (None, "node selection by logical node needs cluster labels xfc cannot know"),
        "requested_additional_capabilities": (
            None,
            "additional capabilities need a device plugin or node feature labels",
        ),
        "nfvi_constraints": _NFVI_CONSTRAINTS,
        "mcio_constraint_params": (None, "MCIO constraint parameters need cluster-specific labels"),
        "mcio_identification_data": (
            "name: metadata.name of the Deployment / StatefulSet (a DNS-1123 label); "
            "type: its kind, when the process state agrees (else the state's kind and a warning)",
            None,
        ),
    },
    "tosca.nodes.nfv.Vdu.OsContainer": {
        "name": ("containers[].name", None),
        "description": ("annotation xfactor.io/description of the workload", None),
        "requested_cpu_resources": ("containers[].resources.requests.cpu (milli-CPU)", None),
        "cpu_resource_limit": ("containers[].resources.limits.cpu (milli-CPU)", None),
        "requested_memory_resources": ("containers[].resources.requests.memory", None),
        "memory_resource_limit": ("containers[].resources.limits.memory", None),
        "requested_ephemeral_storage_resources": (
            "containers[].resources.requests.ephemeral-storage",
            None,
        ),
        "ephemeral_storage_resource_limit": (
            "containers[].resources.limits.ephemeral-storage",
            None,
        ),
        "extended_resource_requests": (
            None,
            "extended resources are named by device plugins of the cluster",
        ),
        "huge_pages_resources": (None, "huge pages need node configuration xfc cannot check"),
        "cpu_pinning_requirements": (
            None,
            "CPU pinning needs the kubelet static CPU manager policy",
        ),
    },
    "tosca.nodes.nfv.Vdu.Compute": {
        "name": ("metadata.name of the shipped Tacker object, else annotation xfactor.io/vdu-name", None),
        "description": _DESCRIPTION,
        "vdu_profile": ("spec.replicas; HorizontalPodAutoscaler maxReplicas", None),
        "sw_image_data": (
            "containers[0].image (name:version) when container_format is docker; the other "
            "keys describe the image file, which the registry holds",
            None,
        ),
        "configurable_properties": _CONFIGMAP,
        "boot_order": (None, "a container has no boot order"),
        "nfvi_constraints": _NFVI_CONSTRAINTS,
        "monitoring_parameters": (
            "annotation xfactor.io/monitoring-parameters of the workload (compact JSON)",
            None,
        ),
        "boot_data": (None, "a container is configured by env and ConfigMaps, not boot data"),
    },
    "tosca.nodes.Container.Application": {},
    "tosca.nodes.nfv.VduCp": {
        **_PORT,
        "order": ("interface name net<order> in k8s.v1.cni.cncf.io/networks", None),
        "protocol": (None, "IP addresses come from the NetworkAttachmentDefinition IPAM"),
        "description": (None, "connection points are not Kubernetes objects"),
        "bitrate_requirement": (None, "bandwidth needs the CNI bandwidth plugin"),
        "virtual_network_interface_requirements": _VNIC_REQUIREMENTS,
        "vnic_type": (None, "vNIC types need SR-IOV or a device plugin"),
    },
    "tosca.nodes.nfv.VirtualCp": {
        **_PORT,
        "additionalServiceData": ("Service <cp> ports (portData)", None),
        "address_pool_name_configurable": (None, "address pools are a cluster setting"),
        "protocol": _CLUSTER_ADDRESSES,
        "description": _SERVICE_DESCRIPTION,
    },
    "tosca.nodes.nfv.VnfExtCp": {
        **_PORT,
        "protocol": _CLUSTER_ADDRESSES,
        "description": _SERVICE_DESCRIPTION,
        "virtual_network_interface_requirements": _VNIC_REQUIREMENTS,
    },
    # network services (compiler/ns, issue 26): an NSD's links, joined by the VNFs' CPs
    "tosca.nodes.nfv.NsVirtualLink": {
        "vl_profile": (None, "an NS link's profile holds bitrates and QoS only, which "
                             "Kubernetes has no field for; the NetworkAttachmentDefinition "
                             "has no IPAM"),
        "connectivity_type": (None, "the CNI plugin decides the layer protocols"),
        "description": _DESCRIPTION,
        "test_access": (None, "test access is an orchestrator concern"),
    },
    "tosca.nodes.nfv.VnfVirtualLink": {
        "vl_profile": (
            "NetworkAttachmentDefinition spec.config ipam (l3_protocol_data: cidr, "
            "gateway_ip, ip_allocation_pools)",
            None,
        ),
        "connectivity_type": (None, "the CNI plugin decides the layer protocols"),
        "description": _DESCRIPTION,
        "test_access": (None, "test access is an orchestrator concern"),
        "monitoring_parameters": _MONITORING,
        "nfvi_maintenance_info": _NFVI_MAINTENANCE,
        "externally_managed": (None, "externally managed links are not emitted"),
    },
    "tosca.nodes.nfv.Vdu.VirtualBlockStorage": {
        "virtual_block_storage_data": (
            "volumeClaimTemplates / PersistentVolumeClaim resources.requests.storage "
            "(size_of_storage; rdma_enabled and vdu_storage_requirements warn)",
            None,
        ),
        "per_vnfc_instance": (
            "volumeClaimTemplates of a StatefulSet (true) or one shared PersistentVolumeClaim (false)",
            None,
        ),
        "sw_image_data": (None, "a claim cannot be pre-filled from a software image by a portable field"),
        "nfvi_maintenance_info": _NFVI_MAINTENANCE,
    },
    "tosca.nodes.nfv.Vdu.VirtualFileStorage": {
        "virtual_file_storage_data": (
            "PersistentVolumeClaim ReadWriteMany resources.requests.storage (size_of_storage; "
            "file_system_protocol warns: the StorageClass decides it)",
            None,
        ),
        "per_vnfc_instance": (
            "volumeClaimTemplates of a StatefulSet (true) or one shared PersistentVolumeClaim (false)",
            None,
        ),
        "nfvi_maintenance_info": _NFVI_MAINTENANCE,
    },
    "tosca.nodes.nfv.Vdu.VirtualObjectStorage": {
        "virtual_object_storage_data": (
            None,
            "object storage is a service reached over the network (S3, Swift), not a volume",
        ),
        "per_vnfc_instance": (None, "object storage is not mounted, so it is not per instance"),
        "nfvi_maintenance_info": _NFVI_MAINTENANCE,
    },
    "tosca.nodes.nfv.VNF": {
        "product_name": ("label app.kubernetes.io/part-of (when the template has no template_name)", None),
        "descriptor_id": ("annotation xfactor.io/vnfd-id of every workload", None),
        "descriptor_version": ("annotation xfactor.io/vnfd-version of every workload", None),
        "provider": ("annotation xfactor.io/vnf-provider of every workload", None),
        "software_version": ("annotation xfactor.io/vnf-software-version of every workload", None),
        "flavour_id": ("annotation xfactor.io/flavour of every workload", None),
        "ext_invariant_id": _VNFM,
        "product_info_name": ("annotation xfactor.io/vnf-product-info-name of every workload", None),
        "product_info_description": _VNFM,
        "vnfm_info": ("annotation xfactor.io/vnfm-info (comma-separated) of every workload", None),
        "localization_languages": _VNFM,
        "default_localization_language": _VNFM,
        "configurable_properties": (None, "VNF-level configurable properties are set by the VNFM through its LCM interface"),
        "modifiable_attributes": _VNFM,
        "lcm_operations_configuration": (None, "LCM operation parameters configure the VNFM, not the cluster"),
        "monitoring_parameters": (None, "VNF-level performance metrics are collected by the VNFM (SOL003 PM jobs), not by an object"),
        "flavour_description": ("annotation xfactor.io/flavour-description of every workload", None),
        "vnf_profile": (None, "the VNF profile (instance counts) is chosen by the NFVO"),
    },
}

# Capability properties, keyed ``<capability>.<property>`` (SOL001 §6.8.x).
CAPABILITY_MATRIX: dict[str, dict[str, Row]] = {
    "tosca.nodes.nfv.Vdu.Compute": {
        "virtual_compute.virtual_cpu": (
            "containers[0].resources requests = limits cpu (num_virtual_cpu); nodeSelector "
            "kubernetes.io/arch (cpu_architecture: x86_64 -> amd64, aarch64 -> arm64, ...); "
            "virtual_cpu_clock, oversubscription, pinning and vdu_cpu_requirements warn",
            None,
        ),
        "virtual_compute.virtual_memory": (
            "containers[0].resources requests = limits memory (virtual_mem_size); "
            "oversubscription, vdu_mem_requirements, numa_enabled: true and huge pages warn",
            None,
        ),
        "virtual_compute.virtual_local_storage": (
            "containers[0].resources requests = limits ephemeral-storage (the sum of "
            "size_of_storage)",
            None,
        ),
        "virtual_compute.logical_node": (None, "node selection by logical node needs cluster labels xfc cannot know"),
        "virtual_compute.requested_additional_capabilities": (
            None,
            "additional capabilities need a device plugin or node feature labels",
        ),
        "virtual_compute.compute_requirements": (None, "compute requirements are NFVI-specific"),
    },
}

# Groups (documented in docs/conversion.md like the node types).
GROUP_MATRIX: dict[str, dict[str, Row]] = {
    "xfactor.groups.Chain": {
        "fragile": ("FailurePolicy spec.chains[].fragile (policies back end)", None),
    },
    "tosca.groups.nfv.PlacementGroup": {
        "description": (None, "a placement group acts only through the affinity rules that target it"),
    },
}

# Policies and other inputs (documented in docs/conversion.md, checked there too).
POLICY_MATRIX: dict[str, dict[str, Row]] = {
    "tosca.policies.nfv.AffinityRule": {
        "scope": ("podAffinity topologyKey (nfvi_node: hostname, zone: zone, others: region)", None),
        "nfvi_maintenance_group_info": _NFVI_MAINTENANCE,
    },
    "tosca.policies.nfv.AntiAffinityRule": {
        "scope": ("podAntiAffinity topologyKey", None),
        "nfvi_maintenance_group_info": _NFVI_MAINTENANCE,
    },
    "tosca.policies.nfv.ScalingAspects": {
        "aspects": ("HorizontalPodAutoscaler maxReplicas (with the deltas)", None),
    },
    "tosca.policies.nfv.VduScalingAspectDeltas": {
        "aspect": ("HorizontalPodAutoscaler maxReplicas", None),
        "deltas": ("HorizontalPodAutoscaler maxReplicas", None),
    },
    "tosca.policies.nfv.VduInitialDelta": {
        "initial_delta": ("spec.replicas", None),
    },
    "tosca.policies.nfv.InstantiationLevels": {
        "default_level": ("selects the VduInstantiationLevels count for spec.replicas", None),
        "levels": (
            "the default level names the count for spec.replicas; the others are chosen by "
            "the VNFM at instantiation, with the same objects",
            None,
        ),
    },
    "tosca.policies.nfv.NsInstantiationLevels": {
        "ns_levels": ("the NS level (--ns-level) selects each VNF's instance count", None),
        "levels": ("the NS level (--ns-level) selects each VNF's instance count", None),
        "default_level": ("the NS level compiled when no --ns-level is given", None),
    },
    "tosca.policies.nfv.VnfToLevelMapping": {
        "number_of_instances": ("multiplies the replicas of the VNF's workloads at the NS "
                                "level", None),
        "levels": ("multiplies the replicas of the VNF's workloads at the NS level", None),
        "aspect": (None, "NS scaling aspects are scaled by the NFVO, not by the cluster"),
    },
    "tosca.policies.nfv.VduInstantiationLevels": {
        "levels": (
            "spec.replicas = the default level's number_of_instances (when no VduInitialDelta)",
            None,
        ),
    },
    "xfactor.policies.Process": {
        key: ("Deployment / StatefulSet, terminationGracePeriodSeconds, /tmp sizeLimit (process traits)", None)
        for key in ("state", "share_nothing", "scratch", "session", "graceful_shutdown")
    },
    "xfactor.policies.Wiring": {
        key: ("FailurePolicy spec.wirings (policies back end); Service of a reconnect target", None)
        for key in ("source", "target", "stickiness", "on_failure", "propagate", "chain")
    },
}


def most_specific(types: tuple[str, ...], table: Mapping[str, object]) -> str | None:
    """The first (most derived) of ``types`` that the table knows."""
    for t in types:
        if t in table:
            return t
    return None


TABLES: dict[str, Mapping[str, dict[str, Row]]] = {
    "node": MATRIX,
    "capability": CAPABILITY_MATRIX,
    "policy": POLICY_MATRIX,
    "group": GROUP_MATRIX,
}


Entity = NodeTemplate | Policy | Group  # what the tables judge the properties of


def row_for(entity: Entity, kind: str, key: str) -> Row | None:
    """The row for ``key`` of ``entity`` (kind: node, capability, policy, group), or None
    when no table knows it."""
    table = TABLES[kind]
    t = most_specific(entity.types, table)
    return table[t].get(key) if t is not None else None


def dropped(entity: Entity, table: Mapping[str, dict[str, Row]], topology: Topology | None = None
            ) -> Iterator[tuple[str, str]]:
    """(property, reason) for each property ``entity`` (a node template or a policy) sets,
    with a value, that ``table`` drops; in property-name order.  With ``topology``, only
    what the descriptor gives (:func:`descriptor_values`): a default the author did not
    write, of a type from a catalog profile, draws no warning (issue 21 item 7)."""
    key = most_specific(entity.types, table)
    if key is None:
        return
    props = descriptor_values(topology, entity) \
        if topology is not None and getattr(topology, "source_names", None) \
        else sorted(entity.property_spans)  # an IR built without files: every span counts
    for prop in props:
        row = table[key].get(prop)
        if row is None or row[0] is not None or entity.properties.get(prop) in (None, {}, []):
            continue
        if row[1] is not None:  # a dropped row always gives its reason
            yield prop, row[1]


def _empty(v: Any) -> bool:
    return v in (None, {}, [], "")


def _unknown(ctx: Ctx, entity: Entity, where: str, key: str, prop: str, span: Span) -> None:
    table_has_type = most_specific(entity.types, TABLES[where]) is not None
    why = ("xfc maps no other property of it" if table_has_type
           else "the Kubernetes back end has no mapping for this type")
    section = {"node": "node_templates", "capability": "node_templates",
               "policy": "policies", "group": "groups"}[where]
    unsupported(ctx.diags, "kubernetes",
        entity.name,
        f"'{prop}' of {entity.type} has no Kubernetes equivalent; {why}",
        span,
        path=f'topology_template.{section}["{entity.name}"].' + (
            f'capabilities["{key.split(".")[0]}"].properties["{prop}"]' if where == "capability"
            else f'properties["{prop}"]'),
    )


def descriptor_values(topology: Topology, entity: Entity) -> list[str]:
    """The properties of ``entity`` whose value the descriptor gives: written in the
    template (the keys its frozen property map holds positions for), or a default of a
    type the package itself defines (its span is in a package file, not in a catalog
    profile)."""
    own = topology.source_names  # the package's own files, by display name
    spans = getattr(entity, "property_spans", {}) or {}
    found = set(written(entity.properties))
    found.update(p for p, sp in spans.items() if sp is not None and sp.file in own)
    return sorted(found)


def _check_unknown(ctx: Ctx) -> None:
    """Warn at every property the descriptor gives a value that no table knows (never
    drop a fact in silence)."""
    for node in ctx.topology.nodes.values():
        for prop in descriptor_values(ctx.topology, node):
            if _empty(node.properties.get(prop)) or row_for(node, "node", prop) is not None:
                continue
            _unknown(ctx, node, "node", prop, prop, ctx.node_span(node, prop))
        for cname in sorted(node.capabilities):
            cap = node.capabilities[cname]
            for prop in written(cap.properties):
                key = f"{cname}.{prop}"
                row = row_for(node, "capability", key)
                if _empty(cap.properties.get(prop)) or (row is not None and row[0] is not None):
                    continue
                span = span_at(cap.properties, (prop,), cap.span)
                if row is None:
                    _unknown(ctx, node, "capability", key, prop, span)
                else:
                    unsupported(ctx.diags, "kubernetes",
                        node.name,
                        f"'{prop}' of capability {cname} has no Kubernetes "
                        f"equivalent; {row[1]}",
                        span,
                        path=f'topology_template.node_templates["{node.name}"].capabilities'
                        f'["{cname}"].properties["{prop}"]',
                    )
    for where, entities in (("policy", ctx.topology.policies), ("group", ctx.topology.groups)):
        for entity in entities.values():
            for prop in written(entity.properties):
                if _empty(entity.properties.get(prop)):
                    continue
                row = row_for(entity, where, prop)
                span = entity.property_spans.get(prop, entity.span)
                if row is None:
                    _unknown(ctx, entity, where, prop, prop, span)
                elif row[0] is None and where == "group":
                    unsupported(ctx.diags, "kubernetes",
                        entity.name,
                        f"'{prop}' of {entity.type} has no Kubernetes equivalent; {row[1]}",
                        span,
                        path=f'topology_template.groups["{entity.name}"].properties["{prop}"]',
                    )


# The parts of a VnfVirtualLink's vl_profile (SOL001 VlProfile) that reach no object: the
# NetworkAttachmentDefinition takes only l3_protocol_data's cidr, gateway_ip and first
# ip_allocation_pools entry (network.cni_config).  Each written part is warned at its
# value (issue 21 item 8: vl_profile bitrates were dropped in silence).
VL_PROFILE_DROPPED: dict[str, str] = {
    "max_bitrate_requirements": "Kubernetes has no link bandwidth limit (the CNI bandwidth "
    "plugin limits pods, not a network)",
    "min_bitrate_requirements": "Kubernetes has no guaranteed bandwidth",
    "qos": "link latency and packet delay variation have no Kubernetes field",
    "service_availability_level": "the availability of a network is the cluster's concern",
}
VL_PROTOCOL_DROPPED: dict[str, str] = {
    "associated_layer_protocol": "the CNI plugin decides the layer protocols",
    "l2_protocol_data": "L2 settings (network type, segmentation, MTU) belong to the "
    "cluster's CNI configuration",
}
L3_MAPPED = ("cidr", "gateway_ip", "ip_allocation_pools", "ip_version")  # the cidr says it


def _check_vl_profile(ctx: Ctx) -> None:
    for node in ctx.topology.nodes.values():
        if "tosca.nodes.nfv.VnfVirtualLink" not in node.types or \
                "vl_profile" not in written(node.properties):
            continue
        prof = node.properties.get("vl_profile")
        if not isinstance(prof, dict):
            continue
        lost: list[tuple[tuple[Any, ...], str, str]] = [
            (("vl_profile", k), k, why) for k, why in VL_PROFILE_DROPPED.items()
            if not _empty(prof.get(k))]
        data = prof.get("virtual_link_protocol_data")
        for i, entry in enumerate(data if isinstance(data, list) else []):
            if not isinstance(entry, dict):
                continue
            for k, why in VL_PROTOCOL_DROPPED.items():
                if not _empty(entry.get(k)):
                    lost.append((("vl_profile", "virtual_link_protocol_data", i, k),
                                 f"virtual_link_protocol_data[{i}].{k}", why))
            l3 = entry.get("l3_protocol_data")
            if not isinstance(l3, dict):
                l3 = {}
            for k in sorted(l3):
                if k not in L3_MAPPED and not _empty(l3[k]):
                    lost.append((("vl_profile", "virtual_link_protocol_data", i,
                                  "l3_protocol_data", k),
                                 f"virtual_link_protocol_data[{i}].l3_protocol_data.{k}",
                                 "the NetworkAttachmentDefinition's host-local IPAM takes "
                                 "only the subnet, gateway and range"))
            pools = l3.get("ip_allocation_pools") if isinstance(l3, dict) else None
            if isinstance(pools, list) and len(pools) > 1:
                lost.append((("vl_profile", "virtual_link_protocol_data", i,
                              "l3_protocol_data", "ip_allocation_pools", 1),
                             f"virtual_link_protocol_data[{i}].l3_protocol_data."
                             "ip_allocation_pools[1:]",
                             "host-local IPAM is given the first pool only"))
        for path, what, why in lost:
            unsupported(ctx.diags, "kubernetes",
                node.name,
                f"vl_profile {what} of {node.type} reaches no object; {why}",
                span_at(prof, path[1:], ctx.node_span(node, "vl_profile")),
                path=f'topology_template.node_templates["{node.name}"].properties'
                     '["vl_profile"]',
            )


def check_keys(ctx: Ctx) -> None:
    """Warn at every property set in the descriptor that the back end drops."""
    for node in ctx.topology.nodes.values():
        for prop, why in dropped(node, MATRIX, ctx.topology):
            ctx.not_expressible(node, prop, why)
    for policy in ctx.topology.policies.values():
        for prop, why in dropped(policy, POLICY_MATRIX, ctx.topology):
            unsupported(ctx.diags, "kubernetes",
                policy.name,
                f"'{prop}' of {policy.type} has no Kubernetes equivalent; {why}",
                policy.property_spans[prop],
                path=f'topology_template.policies["{policy.name}"].properties["{prop}"]',
            )
    _check_unknown(ctx)
    _check_vl_profile(ctx)
