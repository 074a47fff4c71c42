"""The Tacker gate's child: OpenStack Tacker's own code judges one CSAR, offline.

Runs INSIDE the Tacker venv (``.ci/tacker.sh``: PyPI ``tacker`` in
``${XFC_TOOLS_CACHE:-~/.cache/xfc-tools}/tacker-<version>``) as a process of its own,
started by :mod:`compiler.bundlers.tacker_gate`; xfc never imports this file, and this
file imports nothing of xfc (the venv does not hold xfc).  Input: one JSON object on
stdin ``{"csar": <.csar/.zip path>, "request": <the instantiate request> | null,
"workdir": <an empty scratch folder>}``.  Output: one JSON object on stdout::

    {"tacker": "<version>", "ok": bool, "stage": <the stage that refused, or "">,
     "error": "<ExceptionClass>: <Tacker's message>", "warnings": [...], "stages": [...]}

The stages, each Tacker's own entry point, in the order a Tacker server runs them:

1. ``onboard``: ``tacker.common.csar_utils.load_csar_data`` (extraction with Tacker's
   disk check, tosca-parser with Tacker's local type definitions, VNF node and flavour
   data, software image checks, artifact hashes of TOSCA.meta and the manifest);
2. ``request``: the v2 ``InstantiateVnfRequest_V200`` schema through Tacker's
   ``SolSchemaValidator``, then ``InstantiateVnfRequest.from_dict``;
3. ``grant``: ``Vnfd.init_from_csar_dir`` and ``VnfLcmDriverV2.instantiate_grant`` (the
   flavour exists, the VDUs' instance numbers, the grant's resources);
4. ``post-grant``: ``VnfLcmDriverV2.instantiate_post_grant`` (the Kubernetes VIM's
   parameters, ``lcm-kubernetes-def-files`` given);
5. ``infra``: the Kubernetes infra driver's ``_setup_k8s_reses`` (files listed in the
   package, manifests read, namespace uniform: ``NamespaceNotUniform``) and
   ``_select_vdu_reses``, up to the first Kubernetes API call (``is_exists``).

What is stubbed, because it needs a database, a message bus or a network, and only that:
the request context (``None``: no stage reached reads it); the VIM, given in the request's
``vimConnectionInfo`` as a Kubernetes VIM with an endpoint and a token (a server reads a
registered VIM from its database); the NFVO's grant answer (an empty ``GrantV1`` for the
request, as Tacker's own NFVO grants without changes); the VNF instance and LCM operation
objects (built, never stored); the Kubernetes API client (a ``kubernetes.client.ApiClient``
that is never called).  Sockets are refused: a VNFD that imports a URL fails here as it
fails on an offline Tacker.

Warnings (Tacker accepts, silently): a VDU with no workload among the deployed objects
(Tacker leaves it empty), a kind Tacker has no class for (``Not support kind``: ignored).
"""

from __future__ import annotations

import json
import os
import socket
import sys
import traceback
import uuid

STAGES = ("onboard", "request", "grant", "post-grant", "infra")
VIM = {"vimType": "ETSINFV.KUBERNETES.V_1", "vimId": "00000000-0000-4000-8000-000000000001",
       "interfaceInfo": {"endpoint": "https://127.0.0.1:6443"},
       "accessInfo": {"bearer_token": "offline-gate"}}


def _no_network(*_a, **_k):
    raise OSError("the Tacker gate runs offline: no network")


def _offline() -> None:
    socket.socket.connect = _no_network  # type: ignore[method-assign]
    socket.create_connection = _no_network  # type: ignore[assignment]
    socket.getaddrinfo = _no_network  # type: ignore[assignment]


def _error(exc: BaseException) -> str:
    msg = getattr(exc, "detail", None) or getattr(exc, "msg", None) or str(exc)
    return f"{type(exc).__name__}: {' '.join(str(msg).split())[:2000]}"


def run(csar: str, request: dict | None, workdir: str) -> dict:
    import importlib.metadata

    from oslo_config import cfg

    import tacker.conf  # noqa: F401  (registers Tacker's options)
    from tacker.common import csar_utils

    out: dict = {"tacker": importlib.metadata.version("tacker"), "ok": False, "stage": "",
                 "error": "", "warnings": [], "stages": []}
    CONF = cfg.CONF
    CONF([], project="tacker", default_config_files=[])
    CONF.set_override("vnf_package_csar_path", workdir, group="vnf_package")
    pkg_id = str(uuid.uuid4())
    stage = "onboard"
    try:
        vnf_data, flavours, _artifacts = csar_utils.load_csar_data(None, pkg_id, csar)
        out["stages"].append(stage)
        if request is None:
            out["ok"] = True
            return out
        csar_dir = os.path.join(workdir, pkg_id)

        stage = "request"
        from tacker.sol_refactored.api import validator
        from tacker.sol_refactored.api.schemas import vnflcm_v2 as schemas
        from tacker.sol_refactored import objects
        from tacker.sol_refactored.objects.v2 import fields as v2fields

        objects.register_all()
        body = dict(request)
        body.setdefault("vimConnectionInfo", {"vim1": VIM})
        validator.SolSchemaValidator(schemas.InstantiateVnfRequest_V200).validate(body)
        req = objects.InstantiateVnfRequest.from_dict(body)
        out["stages"].append(stage)

        stage = "grant"
        from tacker.sol_refactored.common import vnfd_utils
        from tacker.sol_refactored.conductor import vnflcm_driver_v2

        vnfd_id = str(vnf_data.get("descriptor_id") or uuid.uuid4())
        vnfd = vnfd_utils.Vnfd(vnfd_id)
        vnfd.init_from_csar_dir(csar_dir)
        inst = objects.VnfInstanceV2(id=str(uuid.uuid4()), vnfdId=vnfd_id,
                                     instantiationState="NOT_INSTANTIATED")
        lcmocc = objects.VnfLcmOpOccV2(
            id=str(uuid.uuid4()), vnfInstanceId=inst.id,
            operation=v2fields.LcmOperationType.INSTANTIATE,
            operationState=v2fields.LcmOperationStateType.STARTING,
            isAutomaticInvocation=False, operationParams=req)
        driver = vnflcm_driver_v2.VnfLcmDriverV2.__new__(vnflcm_driver_v2.VnfLcmDriverV2)
        grant_req = objects.GrantRequestV1(vnfInstanceId=inst.id, vnfLcmOpOccId=lcmocc.id,
                                           vnfdId=vnfd_id, operation=lcmocc.operation,
                                           isAutomaticInvocation=False)
        driver.instantiate_grant(grant_req, req, inst, vnfd)
        grant = objects.GrantV1(id=str(uuid.uuid4()), vnfInstanceId=inst.id,
                                vnfLcmOpOccId=lcmocc.id)
        out["stages"].append(stage)

        stage = "post-grant"
        driver.instantiate_post_grant(None, lcmocc, inst, grant_req, grant, vnfd)
        out["stages"].append(stage)

        stage = "infra"
        from kubernetes import client as k8s_client

        from tacker.sol_refactored.infra_drivers.kubernetes import kubernetes, \
            kubernetes_resource

        k8s = kubernetes.Kubernetes()
        files = req.additionalParams["lcm-kubernetes-def-files"]
        reses, namespace = k8s._setup_k8s_reses(
            vnfd, files, k8s_client.ApiClient(), req.additionalParams.get("namespace"), inst.id)
        vdus_num = k8s._get_vdus_num_from_grant_req_res_defs(
            grant_req.addResources if grant_req.obj_attr_is_set("addResources") else [])
        vdu_reses = k8s._select_vdu_reses(vnfd, req.flavourId, reses)
        for name in sorted(set(vdus_num) - set(vdu_reses)):
            out["warnings"].append(f"VDU {name}: no Deployment, StatefulSet, DaemonSet, "
                                   "ReplicaSet or Pod of its properties.name among the "
                                   "deployed files: Tacker leaves it empty")
        import yaml

        for path in files:
            with open(os.path.join(csar_dir, path), "rb") as fh:
                for doc in yaml.safe_load_all(fh.read()):
                    kind = (doc or {}).get("kind")
                    if kind and not hasattr(kubernetes_resource, kind):
                        out["warnings"].append(f"{path}: kind {kind} is not supported by "
                                               "Tacker's Kubernetes driver: ignored")
        out["namespace"] = namespace
        out["vdus"] = {k: v.name for k, v in sorted(vdu_reses.items())}
        out["stages"].append(stage)
        out["ok"] = True
    except Exception as exc:  # noqa: BLE001 - Tacker's refusal is the answer
        out["stage"] = stage
        out["error"] = _error(exc)
        if os.environ.get("XFC_TACKER_GATE_DEBUG"):
            out["traceback"] = traceback.format_exc()
    return out


def main() -> int:
    req = json.loads(sys.stdin.read())
    _offline()
    import logging

    logging.disable(logging.CRITICAL)  # Tacker logs its refusals too; the JSON says it
    real = sys.stdout
    sys.stdout = sys.stderr  # nothing but the verdict on stdout
    try:
        verdict = run(req["csar"], req.get("request"), req["workdir"])
    finally:
        sys.stdout = real
    real.write(json.dumps(verdict, sort_keys=True) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
