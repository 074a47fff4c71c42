"""vl_profile facts that reach no object are warned at their lines (issue 21 item 8)."""

from __future__ import annotations

from compiler import compile as compile_
from compiler.pipeline import Options

VNFD = """\
tosca_definitions_version: tosca_simple_yaml_1_3
imports:
  - https://forge.etsi.org/rep/nfv/SOL001/raw/v2.6.1/etsi_nfv_sol001_common_types.yaml
  - https://forge.etsi.org/rep/nfv/SOL001/raw/v2.6.1/etsi_nfv_sol001_vnfd_types.yaml
topology_template:
  node_templates:
    backhaul:
      type: tosca.nodes.nfv.VnfVirtualLink
      properties:
        connectivity_type: { layer_protocols: [ ipv4 ] }
        vl_profile:
          max_bitrate_requirements: { root: 2000000000 }
          min_bitrate_requirements: { root: 500000000 }
          qos: { latency: 5 ms, packet_delay_variation: 1 ms }
          virtual_link_protocol_data:
            - associated_layer_protocol: ipv4
              l2_protocol_data: { network_type: vlan, mtu: 9000 }
              l3_protocol_data:
                ip_version: ipv4
                cidr: 10.20.0.0/16
                dhcp_enabled: true
                ip_allocation_pools:
                  - { start_ip_address: 10.20.0.10, end_ip_address: 10.20.0.99 }
                  - { start_ip_address: 10.20.1.10, end_ip_address: 10.20.1.99 }
"""


def test_every_unmapped_vl_profile_part_is_warned_at_its_line(tmp_path):
    path = tmp_path / "vnfd.yaml"
    path.write_text(VNFD, encoding="utf-8")
    unit = compile_(str(path), Options(emitters=("kubernetes",)))
    assert unit.ok, unit.diagnostics.render_text()
    lost = sorted((d.span.line, d.message.split(" of tosca")[0].split("vl_profile ")[1])
                  for d in unit.diagnostics
                  if d.code == "unsupported" and "vl_profile" in d.message)
    assert lost == [
        (12, "max_bitrate_requirements"),
        (13, "min_bitrate_requirements"),
        (14, "qos"),
        (16, "virtual_link_protocol_data[0].associated_layer_protocol"),
        (17, "virtual_link_protocol_data[0].l2_protocol_data"),
        (21, "virtual_link_protocol_data[0].l3_protocol_data.dhcp_enabled"),
        (24, "virtual_link_protocol_data[0].l3_protocol_data.ip_allocation_pools[1:]"),
    ]
    # what is mapped is not warned: the subnet and the first range reach the NAD
    nad = next(f.content for f in unit.outputs if "networkattachmentdefinition" in f.path)
    nad = nad.decode() if isinstance(nad, bytes) else nad
    assert "10.20.0.0/16" in nad and "10.20.0.10" in nad
