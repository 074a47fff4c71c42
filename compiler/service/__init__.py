"""``xfc serve``: the compiler as a stateless HTTP service (Starlette on uvicorn).

Phase: service.  :mod:`.app` holds the routes (check, compile, bundle, OpenAPI, health,
readiness, Prometheus metrics), :mod:`.worker` runs each request in a process of its own
with time and memory limits, confined to its upload, :mod:`.warm` fills the read-only
caches of the fork server those processes come from.  Needs the ``serve`` extra
(``pip install 'xfc[serve]'``).

Codes: none of its own.
"""

from __future__ import annotations

from .app import Settings, create_app

__all__ = ["create_app", "Settings"]
