"""``xfc serve``: run the HTTP service (docs/pipelines.md).

Phase: CLI.  Starts uvicorn on the Starlette application of :mod:`compiler.service`.
SIGTERM (or Ctrl-C) first marks the service not ready (``/readyz`` answers 503, so a
Kubernetes Service stops sending it work), then uvicorn stops accepting connections and
waits for the requests in flight to be answered, at most ``--drain-seconds``; then
uvicorn re-raises the signal, so the process ends with SIGTERM's status (143 in a shell)
as Kubernetes expects.  Exit 2 on misuse (a missing ``serve`` extra included).

Codes: none.
"""

from __future__ import annotations

import argparse
import os
from typing import TextIO

from .common import UsageError

# SIGTERM is uvicorn's to handle (drain, then re-raise): the CLI leaves it alone
OWN_SIGNALS = True

DESCRIPTION = """\
Run xfc as a stateless HTTP service: POST /v1/check, /v1/compile, /v1/bundle and
/v1/report (the HTML page of xfc report) take a descriptor or a package archive; /openapi.json describes the API; /healthz, /readyz and
/metrics (Prometheus) are for Kubernetes.  Each request runs in its own process with a
time and a memory limit, confined to its upload.  The query parameters are the options
of `xfc check`, `compile` and `bundle` under their own names (flavour, set, target,
param ...).  Needs the 'serve' extra: pip install 'xfc[serve]'.

examples:
  xfc serve --port 8080
  curl --data-binary @slice.yaml -H 'Content-Type: application/yaml' \\
       'http://127.0.0.1:8080/v1/check?name=slice.yaml&format=sarif'
  XFC_SERVE_TOKEN=s3cret xfc serve --host 0.0.0.0     # require a bearer token
"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default: %(default)s)")
    parser.add_argument("--port", type=int, default=8080, help="port (default: %(default)s)")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1,
                        help="requests compiled at once, each in its own process (default: cores)")
    parser.add_argument("--timeout", type=float, default=30.0,
                        help="wall-clock seconds one request may take (default: %(default)s)")
    parser.add_argument("--memory-mb", type=int, default=1024,
                        help="address-space limit of one request's process, MiB (default: %(default)s)")
    parser.add_argument("--max-body-mb", type=int, default=32,
                        help="largest upload accepted, MiB (default: %(default)s)")
    parser.add_argument("--drain-seconds", type=float, default=60.0,
                        help="on SIGTERM, how long to wait for requests in flight (default: %(default)s)")
    parser.add_argument("--token-file", metavar="FILE",
                        help="require 'Authorization: Bearer TOKEN' on /v1/*, TOKEN read from "
                             "FILE (or from the XFC_SERVE_TOKEN environment variable)")


def run(args: argparse.Namespace, out: TextIO) -> int:
    try:
        import uvicorn

        from ..service import Settings, create_app
        from ..service.worker import Limits
    except ModuleNotFoundError as exc:
        raise UsageError(f"xfc serve needs the 'serve' extra ({exc.name} is missing): "
                         "pip install 'xfc[serve]'") from None
    if args.workers < 1 or args.timeout <= 0 or args.memory_mb < 64 or args.max_body_mb < 1:
        raise UsageError("--workers and --max-body-mb must be at least 1, --timeout positive, "
                         "--memory-mb at least 64")
    token = os.environ.get("XFC_SERVE_TOKEN") or None
    if args.token_file:
        try:
            with open(args.token_file, encoding="utf-8") as fh:
                token = fh.read().strip()
        except OSError as exc:
            raise UsageError(f"cannot read --token-file: {exc.strerror or exc}") from None
        if not token:
            raise UsageError("--token-file is empty")
    settings = Settings(limits=Limits(args.timeout, args.memory_mb, args.max_body_mb),
                        workers=args.workers, token=token)
    app = create_app(settings)
    state = app.state.xfc

    class Server(uvicorn.Server):
        def handle_exit(self, sig, frame):  # noqa: ANN001 - uvicorn's signature
            state.draining.set()  # /readyz answers 503 from now on
            super().handle_exit(sig, frame)

    config = uvicorn.Config(app, host=args.host, port=args.port, log_level="warning",
                            timeout_graceful_shutdown=args.drain_seconds, access_log=False)
    out.write(f"xfc: serving on http://{args.host}:{args.port} ({args.workers} workers)\n")
    out.flush()
    Server(config).run()
    return 0
