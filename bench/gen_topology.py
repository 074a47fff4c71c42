#!/usr/bin/env python3
"""Generate a large SOL001 VNFD topology for benchmarks.

usage: python bench/gen_topology.py [--dense | --chain | --chain-group] N OUT_DIR

Writes OUT_DIR/vnfd.yaml (tosca_simple_yaml_1_3) with exactly N node templates, and
copies the ETSI SOL001 v2.6.1 common and VNFD type files it imports next to it from
the shared corpus (../shared/corpus/etsi-sol001-types/2.6.1, or $XFC_SHARED/corpus/...).

The topology repeats a unit of four nodes, a tosca.nodes.nfv.Vdu.Compute with a
tosca.nodes.nfv.Vdu.VirtualBlockStorage attached (requirement virtual_storage) and two
tosca.nodes.nfv.VduCp bound to it (virtual_binding) and linked (virtual_link) to one of
the tosca.nodes.nfv.VnfVirtualLink nodes (one per 40 nodes). Nodes left over after the
last whole unit are extra connection points. A placement group and a few policies
(anti-affinity, scaling aspects, initial deltas, instantiation levels) complete it.
The output is deterministic and accepted by tosca-parser 2.15.

With --dense it writes OUT_DIR/dense.yaml instead: N X-factor CNFs in one chain, each
wired to every later one (see dense()), the topology of the ONAP output-size test.
With --chain it writes OUT_DIR/chain.yaml: N X-factor CNFs in a line, each wired to the
next (see chain()), the long chain of the growth test; with --chain-group those N CNFs
are also the members of one xfactor.groups.Chain.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
TYPE_FILES = ("etsi_nfv_sol001_common_types.yaml", "etsi_nfv_sol001_vnfd_types.yaml")


def types_dir() -> Path:
    shared = Path(os.environ.get("XFC_SHARED", REPO.parent / "shared"))
    return shared / "corpus" / "etsi-sol001-types" / "2.6.1"


def _vdu(i: int, storage: str) -> str:
    return f"""
    vdu_{i}:
      type: tosca.nodes.nfv.Vdu.Compute
      properties:
        name: vdu_{i}
        description: generated VDU {i}
        vdu_profile:
          min_number_of_instances: 1
          max_number_of_instances: {1 + i % 3}
      capabilities:
        virtual_compute:
          properties:
            virtual_memory:
              virtual_mem_size: {512 * (1 + i % 4)} MB
            virtual_cpu:
              num_virtual_cpu: {1 + i % 2}
            virtual_local_storage:
              - size_of_storage: 1 GB
      requirements:
        - virtual_storage: {storage}
"""


def _storage(i: int) -> str:
    return f"""
    vdu_{i}_storage:
      type: tosca.nodes.nfv.Vdu.VirtualBlockStorage
      properties:
        virtual_block_storage_data:
          size_of_storage: {1 + i % 8} GB
          rdma_enabled: false
"""


def _cp(name: str, vdu: str, vl: str | None, order: int) -> str:
    link = f"\n        - virtual_link: {vl}" if vl else ""
    return f"""
    {name}:
      type: tosca.nodes.nfv.VduCp
      properties:
        layer_protocols: [ ipv4 ]
        order: {order}
        vnic_type: normal
      requirements:
        - virtual_binding: {vdu}{link}
"""


def _vl(j: int) -> str:
    return f"""
    vl_{j}:
      type: tosca.nodes.nfv.VnfVirtualLink
      properties:
        connectivity_type:
          layer_protocols: [ ipv4 ]
        description: generated internal VL {j}
        vl_profile:
          max_bitrate_requirements:
            root: 1000000
          min_bitrate_requirements:
            root: 100000
          virtual_link_protocol_data:
            - associated_layer_protocol: ipv4
              l3_protocol_data:
                ip_version: ipv4
                cidr: 10.{j // 256 % 256}.{j % 256}.0/24
"""


def topology(n: int) -> str:
    """The VNFD text with exactly ``n`` node templates (n >= 5)."""
    if n < 5:
        raise ValueError("need at least 5 node templates (one VL and one 4-node unit)")
    n_vl = max(1, n // 40)
    units = (n - n_vl) // 4
    extra = n - n_vl - 4 * units
    parts = [
        "tosca_definitions_version: tosca_simple_yaml_1_3\n",
        f"description: generated SOL001 VNFD benchmark topology with {n} node templates\n",
        "metadata:\n  template_name: xfc-bench\n  template_author: xfc\n  template_version: '1.0'\n",
        "imports:\n" + "".join(f"  - {f}\n" for f in TYPE_FILES),
        "\ntopology_template:\n  node_templates:\n",
    ]
    parts += [_vl(j) for j in range(n_vl)]
    for i in range(units):
        vl = f"vl_{i % n_vl}"
        parts.append(_vdu(i, f"vdu_{i}_storage"))
        parts.append(_storage(i))
        parts.append(_cp(f"vdu_{i}_cp_mgmt", f"vdu_{i}", None, 0))
        parts.append(_cp(f"vdu_{i}_cp_data", f"vdu_{i}", vl, 1))
    for k in range(extra):
        parts.append(_cp(f"vdu_0_cp_extra_{k}", "vdu_0", f"vl_{k % n_vl}", 2 + k))

    vdus = [f"vdu_{i}" for i in range(units)]
    scaled = vdus[: max(1, min(10, units))]
    members = "[ " + ", ".join(vdus[: min(50, units)]) + " ]"
    targets = "[ " + ", ".join(scaled) + " ]"
    parts.append(f"""
  groups:
    vdu_placement_group:
      type: tosca.groups.nfv.PlacementGroup
      members: {members}

  policies:
    - vdu_anti_affinity:
        type: tosca.policies.nfv.AntiAffinityRule
        targets: [ vdu_placement_group ]
        properties:
          scope: nfvi_node

    - scaling_aspects:
        type: tosca.policies.nfv.ScalingAspects
        properties:
          aspects:
            worker_aspect:
              name: worker_aspect
              description: scale the first VDUs together
              max_scale_level: 3
              step_deltas:
                - delta_1

    - initial_delta:
        type: tosca.policies.nfv.VduInitialDelta
        properties:
          initial_delta:
            number_of_instances: 1
        targets: {targets}

    - worker_scaling_deltas:
        type: tosca.policies.nfv.VduScalingAspectDeltas
        properties:
          aspect: worker_aspect
          deltas:
            delta_1:
              number_of_instances: 1
        targets: {targets}

    - instantiation_levels:
        type: tosca.policies.nfv.InstantiationLevels
        properties:
          levels:
            small:
              description: one step of workers
              scale_info:
                worker_aspect:
                  scale_level: 0
            large:
              description: all steps of workers
              scale_info:
                worker_aspect:
                  scale_level: 3
          default_level: small

    - vdu_instantiation_levels:
        type: tosca.policies.nfv.VduInstantiationLevels
        properties:
          levels:
            small:
              number_of_instances: 1
            large:
              number_of_instances: 3
        targets: {targets}
""")
    return "".join(parts)


def generate(n: int, out_dir: str | Path) -> Path:
    """Write OUT_DIR/vnfd.yaml and the two SOL001 type files; return the VNFD path."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    src = types_dir()
    for name in TYPE_FILES:
        if not (src / name).is_file():
            raise FileNotFoundError(f"SOL001 type file {src / name} not found (set XFC_SHARED)")
        shutil.copyfile(src / name, out / name)
    path = out / "vnfd.yaml"
    path.write_text(topology(n))
    return path


def dense(n: int) -> str:
    """An X-factor topology of N CNFs in one chain, each wired to every later one
    (N(N-1)/2 wirings), and one CNF outside it, every ladder ending with chain-wide steps: notify, then
    reinstantiate(scope=chain), then shutdown_chain.  The worst case for back ends that
    copy a chain's members into each wiring's policy (issue 12).  ``propagate`` is
    ``none``: with ``upstream`` each wiring's receivers are all the CNFs before it, a list
    per wiring that no back end can share (docs/performance.md)."""
    if n < 2:
        raise ValueError("a dense topology needs at least 2 CNFs")
    out = ["tosca_definitions_version: tosca_simple_yaml_1_3",
           f"description: {n} CNFs, each wired to every later one (generated)",
           "imports:", "  - xfactor/1.0/profile.yaml", "topology_template:", "  node_templates:"]
    for i in range(n):
        out += [f"    cnf{i}:", "      type: xfactor.nodes.CNF", "      properties:",
                f"        image: registry.example.net/dense/cnf{i}:1.0",
                "        ports:", "          - { name: http, port: 8080, protocol: TCP }",
                "        replicas: { min: 2, max: 4 }",
                "        process: { state: stateless }"]
    # one workload outside the chain, so that scope=chain is not the whole service
    out += ["    edge:", "      type: xfactor.nodes.CNF", "      properties:",
            "        image: registry.example.net/dense/edge:1.0",
            "        replicas: { min: 2, max: 4 }", "        process: { state: stateless }"]
    out += ["  groups:", "    mesh:", "      type: xfactor.groups.Chain",
            "      members: [ " + ", ".join(f"cnf{i}" for i in range(n)) + " ]", "  policies:"]
    for i in range(n):
        for j in range(i + 1, n):
            out += [f"    - w{i}-{j}:", "        type: xfactor.policies.Wiring",
                    "        properties:", f"          source: cnf{i}", f"          target: cnf{j}",
                    '          on_failure: [ "notify(via=event)", "reinstantiate(scope=chain)", '
                    "shutdown_chain ]",
                    "          propagate: none"]
    return "\n".join(out) + "\n"


def generate_dense(n: int, out_dir: str | Path) -> Path:
    """Write OUT_DIR/dense.yaml (see :func:`dense`); return its path."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    path = out / "dense.yaml"
    path.write_text(dense(n))
    return path


def chain(n: int, group: bool = False) -> str:
    """An X-factor topology of N CNFs in a line, cnf{i} wired to cnf{i+1} (N-1 wirings),
    every wiring reconnecting, then notifying, then reinstantiating its target, with
    failure context propagated upstream.  The long chain of the growth test
    (tests/hostile/test_scaling.py): each CNF is a workload, so every per-workload and
    per-wiring step of check, compile, graph and simulate runs N times.  With ``group``
    every CNF is also a member of one ``xfactor.groups.Chain`` named ``line``, so each
    wiring's upstream side is every CNF before it (n²/2 receivers in all: the long chain
    of docs/performance.md)."""
    if n < 2:
        raise ValueError("a chain needs at least 2 CNFs")
    out = ["tosca_definitions_version: tosca_simple_yaml_1_3",
           f"description: {n} CNFs in a line (generated)",
           "imports:", "  - xfactor/1.0/profile.yaml", "topology_template:", "  node_templates:"]
    for i in range(n):
        out += [f"    cnf{i}:", "      type: xfactor.nodes.CNF", "      properties:",
                f"        image: registry.example.net/chain/cnf{i}:1.0",
                "        ports:", "          - { name: http, port: 8080, protocol: TCP }",
                "        replicas: { min: 2, max: 4 }",
                "        process: { state: stateless }"]
    if group:
        out += ["  groups:", "    line:", "      type: xfactor.groups.Chain",
                "      members: [ " + ", ".join(f"cnf{i}" for i in range(n)) + " ]"]
    out += ["  policies:"]
    for i in range(n - 1):
        out += [f"    - w{i}:", "        type: xfactor.policies.Wiring",
                "        properties:", f"          source: cnf{i}", f"          target: cnf{i + 1}",
                '          on_failure: [ "reconnect(attempts=3, backoff=1s)", '
                '"notify(via=event)", "reinstantiate" ]',
                "          propagate: upstream"]
    return "\n".join(out) + "\n"


def generate_chain(n: int, out_dir: str | Path, group: bool = False) -> Path:
    """Write OUT_DIR/chain.yaml (see :func:`chain`); return its path."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    path = out / "chain.yaml"
    path.write_text(chain(n, group))
    return path


def main(argv: list[str]) -> int:
    make = generate
    makers = {"--dense": generate_dense, "--chain": generate_chain,
              "--chain-group": lambda n, out: generate_chain(n, out, group=True)}
    if len(argv) == 4 and argv[1] in makers:
        make, argv = makers[argv[1]], argv[1:]
    if len(argv) != 3 or not argv[1].isdigit():
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    try:
        path = make(int(argv[1]), argv[2])
    except (ValueError, OSError) as exc:
        print(f"gen_topology: {exc}", file=sys.stderr)
        return 1
    print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
