"""Warm the compiler's read-only caches once, in the fork server of ``xfc serve``.

Phase: service.  Imported by the fork server (:func:`compiler.service.worker.context`),
so that every request's process starts from a copy of a process that has already loaded
the profiles, grammars and templates: the first compile in a fresh process costs seconds
(parsing the type profiles), a warm one a fraction of that.  Input: a small built-in
descriptor that uses the X-factor profile and every back end.  Output: nothing (the
caches); a failure here only leaves the caches cold.

Codes: none.
"""

from __future__ import annotations

import os
import tempfile

_DESCRIPTOR = """\
tosca_definitions_version: tosca_simple_yaml_1_3
imports:
  - xfactor/1.0/profile.yaml
topology_template:
  node_templates:
    store:
      type: xfactor.nodes.BackingService
      properties: { kind: session_store, expiry: true, image: "redis:7.4" }
    api:
      type: xfactor.nodes.CNF
      properties:
        image: "example/api:1.0"
        ports: [ { name: http, port: 8080, protocol: TCP } ]
        process: { state: stateless, session: { store: store, ttl: 30 m } }
      requirements:
        - backing_service: store
    web:
      type: xfactor.nodes.CNF
      properties:
        image: "example/web:1.0"
        process: { state: stateless }
      requirements:
        - wiring:
            node: api
            relationship:
              type: xfactor.relationships.Wiring
              properties: { on_failure: [ "reconnect(attempts=2, backoff=100ms)" ] }
"""


def warm() -> None:
    from compiler import api
    from compiler.api.support import BUILTIN_BUNDLERS, BUILTIN_TARGETS

    with tempfile.TemporaryDirectory(prefix="xfc-warm-") as d:
        path = os.path.join(d, "warm.yaml")
        with open(path, "w", encoding="utf-8") as fh:
            fh.write(_DESCRIPTOR)
        # /v1/compile and /v1/bundle: the back ends and every built-in bundler (Helm,
        # Kustomize, CSAR …) and every built-in target (the plugin table) imported and run
        # once, through the application layer; vnf_instance_id is what tacker needs
        options = api.Options(targets=tuple(BUILTIN_TARGETS),
                              params={"vnf_instance_id": "warm"})
        api.bundle(api.BundleRequest(path=path, options=options,
                                     formats=tuple(BUILTIN_BUNDLERS)))


try:
    warm()
except Exception:  # noqa: BLE001 - cold caches are slower, never wrong
    pass
