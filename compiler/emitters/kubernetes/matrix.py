"""The conversion matrix: which property of which input type becomes which Kubernetes field.

Phase: emit.
Input: the resolved :class:`compiler.model.Topology`.
Output: ``k8s-not-expressible`` warnings, one per property that a template sets (it
appears in ``property_spans``) and that the Kubernetes back end drops, at the position of
the value.  The same table is the source of ``docs/conversion.md`` (a test checks that the
document lists every key below), so the document and the behaviour cannot drift apart.

A row is ``key: (kubernetes_field, None)`` when the key is mapped, or
``key: (None, reason)`` when it is dropped with a warning giving the reason.
Codes: k8s-not-expressible.
"""

from __future__ import annotations

from typing import Iterator, Mapping

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
# the port properties that VduCp, VirtualCp and VnfExtCp all drop
_PORT: dict[str, Row] = {
    "layer_protocols": (None, "the pod network decides the layer protocols"),
    "role": (None, "Kubernetes has no root/leaf port role"),
    "trunk_mode": (None, "trunk ports need a CNI plugin xfc cannot choose"),
    "ip_stack_mode": (None, "dual stack is a cluster setting"),
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
    },
    "xfactor.nodes.BackingService": {
        "image": ("StatefulSet + headless Service", None),
        "locator": ("Service type ExternalName (host name) and env <NAME>_LOCATOR of users", None),
        "kind": ("label app.kubernetes.io/component", None),
        "expiry": ("annotation xfactor.io/expiry", None),
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
        "sw_image_data": ("containers[0].image when container_format is docker", None),
        "configurable_properties": _CONFIGMAP,
        "boot_order": (None, "a container has no boot order"),
        "nfvi_constraints": _NFVI_CONSTRAINTS,
        "monitoring_parameters": _MONITORING,
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
            "(size_of_storage)",
            None,
        ),
        "per_vnfc_instance": ("volumeClaimTemplates (true) or a shared PVC (false)", None),
        "nfvi_maintenance_info": _NFVI_MAINTENANCE,
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
}


def most_specific(types: tuple[str, ...], table: Mapping[str, dict]) -> str | None:
    """The first (most derived) of ``types`` that the table knows."""
    for t in types:
        if t in table:
            return t
    return None


def dropped(entity, table: Mapping[str, dict[str, Row]]) -> Iterator[tuple[str, str]]:
    """(property, reason) for each property ``entity`` (a node template or a policy) sets,
    with a value, that ``table`` drops; in property-name order."""
    key = most_specific(entity.types, table)
    if key is None:
        return
    for prop in sorted(entity.property_spans):
        row = table[key].get(prop)
        if row is None or row[0] is not None or entity.properties.get(prop) in (None, {}, []):
            continue
        yield prop, row[1]


def check_keys(ctx) -> None:
    """Warn at every property set in the descriptor that the back end drops."""
    for node in ctx.topology.nodes.values():
        for prop, why in dropped(node, MATRIX):
            ctx.not_expressible(node, prop, why)
    for policy in ctx.topology.policies.values():
        for prop, why in dropped(policy, POLICY_MATRIX):
            ctx.diags.add(
                "k8s-not-expressible",
                f"{policy.name}: '{prop}' of {policy.type} has no Kubernetes equivalent; {why}",
                policy.property_spans[prop],
                path=f'topology_template.policies["{policy.name}"].properties["{prop}"]',
            )
