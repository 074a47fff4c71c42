"""The HTTP application of ``xfc serve`` (Starlette; run by uvicorn).

Phase: service.  Input: HTTP requests.  Output: HTTP responses.  Routes:

  POST /v1/check     the body is a descriptor (YAML) or a package archive (CSAR / zip);
                     answers the diagnostics, as ``xfc check --format json|sarif`` prints
                     them: 200 when there is no error, 422 when there are errors
  POST /v1/compile   the same body; 200 with the outputs as a zip (``output=zip``, with
                     ``diagnostics.json`` or ``diagnostics.sarif`` beside ``kubernetes/``
                     and ``policies/``) or as the multi-document YAML ``xfc compile
                     --stdout`` prints (``output=yaml``); 422 with the diagnostics on errors
  POST /v1/bundle    the same body; 200 with a zip of the files ``xfc bundle --format F
                     -o OUT`` writes (with ``diagnostics.json`` or ``.sarif``); 422 with
                     the diagnostics on errors, or an error when a package cannot be built
  POST /v1/report    the same body; the page ``xfc report`` writes (text/html): 200, or 422
                     when the descriptor has errors (the page then shows them)
  GET  /openapi.json the OpenAPI 3 document, from the routes' docstrings
  GET  /healthz      200 while the process runs
  GET  /readyz       200 while it accepts work; 503 once draining (SIGTERM)
  GET  /metrics      Prometheus text format (prometheus-client)

Query parameters: ``name`` (the file name the upload is saved and reported under) and,
for compile, ``output`` (zip, yaml) are the service's own; every other one is an option
of ``xfc VERB`` under its own name (``flavour``, ``param``, ``target``, ``emit``, ``set``,
``namespace``, ``quirk``, ``no-network-policies`` ...; for bundle ``format`` names the
package formats, as ``xfc bundle --format`` does, and ``diagnostics-format`` the
diagnostics'), derived from the CLI's parsers by :mod:`compiler.service.options`, which
also says why the few that are not offered are not (they read server files, start
programs, or shape text output).  The diagnostics are json (default) or sarif.

Stateless: nothing is kept between requests but counters; each request runs in a process
of its own (:mod:`compiler.service.worker`) with its time and memory limits, at most
``workers`` at once (the others wait their turn), and at most half of them for one client
(:mod:`compiler.service.admission`: one client's slow compiles cannot hold every worker).
A client that disconnects before its upload ends is logged as such, without a traceback.  An upload above the size limit is
refused with 413 before it is read in full.  A worker that dies without an answer (killed
from outside) is a 503 with ``Retry-After``: the request is safe to send again, because
nothing was kept.  With a token configured, /v1/* need ``Authorization: Bearer TOKEN``.

Codes: none of its own (answers carry the CLI's diagnostics).
"""

from __future__ import annotations

import hmac
import io
import logging
import re
import threading
import zipfile
from dataclasses import dataclass, field

import anyio
from prometheus_client import (CollectorRegistry, Counter, Gauge, Histogram, ProcessCollector,
                               generate_latest)
from prometheus_client.exposition import CONTENT_TYPE_LATEST
from starlette.applications import Starlette
from starlette.requests import ClientDisconnect
from starlette.requests import Request as HTTPRequest
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.schemas import SchemaGenerator

from . import options, worker
from .admission import Admission

_log = logging.getLogger("uvicorn.error")

ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}\Z")
_FORMATS = {"json": "application/json", "sarif": "application/sarif+json"}
_ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)


@dataclass
class Settings:
    limits: worker.Limits = field(default_factory=worker.Limits)
    workers: int = 2
    token: str | None = None


class State:
    """What one server process holds: its settings, counters and the draining flag."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.draining = threading.Event()
        self.admission = Admission(settings.workers)
        self.slots = self.admission.slots
        self.ctx = worker.context()
        self.registry = CollectorRegistry()
        ProcessCollector(registry=self.registry)  # the server process's CPU, memory, fds
        self.requests = Counter("xfc_requests", "HTTP requests answered",
                                ["endpoint", "code"], registry=self.registry)
        self.seconds = Histogram("xfc_request_seconds", "time to answer a request",
                                 ["endpoint"], registry=self.registry,
                                 buckets=(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60))
        self.in_flight = Gauge("xfc_requests_in_flight", "requests being compiled or waiting",
                               registry=self.registry)
        self.limit_hits = Counter("xfc_limit_exceeded", "requests ended by a limit",
                                  ["limit"], registry=self.registry)


class _Refusal(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def _error(status: int, message: str, **headers: str) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status, headers=headers or None)


def _client(request: HTTPRequest) -> str:
    """The key a request is admitted under: its peer address (compiler.service.admission)."""
    return request.client.host if request.client else "?"


def _authorised(state: State, request: HTTPRequest) -> bool:
    if not state.settings.token:
        return True
    got = request.headers.get("authorization", "")
    return hmac.compare_digest(got.encode(), f"Bearer {state.settings.token}".encode())


async def _body(state: State, request: HTTPRequest) -> bytes:
    cap = state.settings.limits.body_mb * 1024 * 1024
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > cap:
        raise _Refusal(413, f"the upload exceeds {state.settings.limits.body_mb} MiB")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > cap:
            raise _Refusal(413, f"the upload exceeds {state.settings.limits.body_mb} MiB")
        chunks.append(chunk)
    body = b"".join(chunks)
    if not body:
        raise _Refusal(400, "the request has no body: send a descriptor or a package archive")
    return body


# the service's own query parameters; every other one is a CLI option (options.py)
_OWN = {"check": {"name"}, "compile": {"name", "output"}, "bundle": {"name"}, "report": {"name"}}


def _job(verb: str, request: HTTPRequest, body: bytes) -> worker.Request:
    q = request.query_params
    try:
        # FLAG=VALUE, never FLAG VALUE: a value that starts with '-' stays a value and can
        # never become another flag (--root, --inputs …)
        argv = options.to_argv(verb, q, _OWN[verb])
    except options.QueryError as exc:
        raise _Refusal(400, str(exc)) from None
    archive = body.startswith(ZIP_MAGIC)
    name = q.get("name") or ("package.csar" if archive else "descriptor.yaml")
    if not _NAME.match(name) or not name.lower().endswith((".yaml", ".yml", ".csar", ".zip")):
        raise _Refusal(400, "name must be a plain file name ending in .yaml, .yml, .csar or .zip")
    output = q.get("output", "zip")
    if verb == "compile" and output not in ("zip", "yaml"):
        raise _Refusal(400, "output must be zip or yaml")
    return worker.Request(verb, name, body, tuple(argv), output)


def _zip(files: dict[str, bytes], diagnostics: tuple[str, bytes]) -> bytes:
    """A deterministic zip: sorted names, fixed timestamps and permissions."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in sorted({**files, diagnostics[0]: diagnostics[1]}.items()):
            info = zipfile.ZipInfo(name, _ZIP_EPOCH)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            z.writestr(info, data)
    return buf.getvalue()


def _answer(job: worker.Request, reply: worker.Reply, state: State) -> Response:
    if reply.status == "timeout":
        state.limit_hits.labels("time").inc()
        return _error(422, reply.detail)
    if reply.status == "memory":
        state.limit_hits.labels("memory").inc()
        return _error(422, reply.detail)
    if reply.status == "died":
        return _error(503, f"{reply.detail}; send the request again", **{"Retry-After": "1"})
    fmt = job.argv[0].split("=", 1)[1]
    headers = {"X-Xfc-Exit-Code": str(reply.exit_code)}
    if reply.exit_code == 2:
        return _error(400, reply.stderr.strip().removeprefix("xfc: error: "))
    if reply.exit_code not in (0, 1):
        return _error(500, reply.stderr.strip() or "internal error")
    if job.verb == "check":
        return Response(reply.stdout, 200 if reply.exit_code == 0 else 422,
                        media_type=_FORMATS[fmt], headers=headers)
    if job.verb == "report":  # the page, also for a descriptor with errors (it shows them)
        page = reply.files.get("report.html")
        if page is None:
            return _error(500, reply.stderr.strip() or "no page was written")
        return Response(page, 200 if reply.exit_code == 0 else 422,
                        media_type="text/html; charset=utf-8", headers=headers)
    diagnostics = reply.stdout if job.output == "zip" else reply.stderr
    if reply.exit_code == 1:
        if job.verb == "bundle" and reply.stderr.strip():
            # the descriptor compiled, but a package could not be built (BundleError)
            return _error(422, reply.stderr.strip().removeprefix("xfc: error: "))
        return Response(diagnostics, 422, media_type=_FORMATS[fmt], headers=headers)
    if job.output == "yaml":
        return Response(reply.stdout, 200, media_type="application/yaml", headers=headers)
    ext = "sarif" if fmt == "sarif" else "json"
    body = _zip(reply.files, (f"diagnostics.{ext}", diagnostics.encode("utf-8")))
    return Response(body, 200, media_type="application/zip", headers=headers)


async def _run(verb: str, request: HTTPRequest) -> Response:
    state: State = request.app.state.xfc
    endpoint = f"/v1/{verb}"
    with state.seconds.labels(endpoint).time():
        state.in_flight.inc()
        try:
            if not _authorised(state, request):
                response: Response = _error(401, "a bearer token is required",
                                            **{"WWW-Authenticate": "Bearer"})
            else:
                try:
                    job = _job(verb, request, await _body(state, request))
                    async with state.admission.admit(_client(request)):
                        reply = await anyio.to_thread.run_sync(
                            worker.run, job, state.settings.limits, state.ctx)
                    response = _answer(job, reply, state)
                except _Refusal as exc:
                    response = _error(exc.status, str(exc))
                except ClientDisconnect:
                    # the client went away before its upload ended: nothing to answer,
                    # and no traceback (it is not the server's fault)
                    _log.warning("%s %s: the client %s disconnected before its upload ended",
                                 request.method, endpoint, _client(request))
                    response = _error(400, "the client disconnected before its upload ended")
        finally:
            state.in_flight.dec()
    state.requests.labels(endpoint, str(response.status_code)).inc()
    return response


async def check(request: HTTPRequest) -> Response:
    """
    summary: Check a descriptor or package; the diagnostics as `xfc check` prints them
    requestBody:
      required: true
      content:
        application/yaml: {schema: {type: string, format: binary}}
        application/zip: {schema: {type: string, format: binary}}
    responses:
      200: {description: no errors; the diagnostics (warnings, notes)}
      422: {description: the descriptor has errors, or the request exceeded a limit}
      400: {description: a wrong query parameter or an empty body}
      401: {description: a bearer token is required}
      413: {description: the upload exceeds the size limit}
      503: {description: the worker died; send the request again}
    """
    return await _run("check", request)


async def compile_(request: HTTPRequest) -> Response:
    """
    summary: Compile a descriptor or package; the outputs as a zip or multi-document YAML
    requestBody:
      required: true
      content:
        application/yaml: {schema: {type: string, format: binary}}
        application/zip: {schema: {type: string, format: binary}}
    responses:
      200: {description: "the outputs: application/zip (with diagnostics.json) or application/yaml"}
      422: {description: the descriptor has errors (the diagnostics), or the request exceeded a limit}
      400: {description: a wrong query parameter or an empty body}
      401: {description: a bearer token is required}
      413: {description: the upload exceeds the size limit}
      503: {description: the worker died; send the request again}
    """
    return await _run("compile", request)


async def bundle(request: HTTPRequest) -> Response:
    """
    summary: Bundle a descriptor or package; a zip of the files `xfc bundle` writes
    requestBody:
      required: true
      content:
        application/yaml: {schema: {type: string, format: binary}}
        application/zip: {schema: {type: string, format: binary}}
    responses:
      200: {description: "application/zip: the bundle files as xfc bundle -o writes them, with diagnostics.json (or .sarif)"}
      422: {description: "the descriptor has errors (the diagnostics), a package could not be built, or the request exceeded a limit"}
      400: {description: a wrong query parameter or an empty body}
      401: {description: a bearer token is required}
      413: {description: the upload exceeds the size limit}
      503: {description: the worker died; send the request again}
    """
    return await _run("bundle", request)


async def report(request: HTTPRequest) -> Response:
    """
    summary: The HTML page `xfc report` writes for a descriptor or package
    requestBody:
      required: true
      content:
        application/yaml: {schema: {type: string, format: binary}}
        application/zip: {schema: {type: string, format: binary}}
    responses:
      200: {description: "text/html: the self-contained report page"}
      422: {description: "text/html: the page of a descriptor with errors (it shows them), or a JSON error when the request exceeded a limit"}
      400: {description: a wrong query parameter or an empty body}
      401: {description: a bearer token is required}
      413: {description: the upload exceeds the size limit}
      503: {description: the worker died; send the request again}
    """
    return await _run("report", request)


async def healthz(request: HTTPRequest) -> Response:
    """
    summary: Liveness
    responses: {200: {description: the process runs}}
    """
    return JSONResponse({"status": "ok"})


async def readyz(request: HTTPRequest) -> Response:
    """
    summary: Readiness (503 once SIGTERM has started draining)
    responses: {200: {description: accepting work}, 503: {description: draining}}
    """
    if request.app.state.xfc.draining.is_set():
        return JSONResponse({"status": "draining"}, status_code=503)
    return JSONResponse({"status": "ready"})


async def metrics(request: HTTPRequest) -> Response:
    """
    summary: Prometheus metrics
    responses: {200: {description: text exposition format}}
    """
    return Response(generate_latest(request.app.state.xfc.registry), media_type=CONTENT_TYPE_LATEST)


SCHEMAS = SchemaGenerator({"openapi": "3.0.3", "info": {
    "title": "xfc", "version": "1",
    "description": "Check and compile TOSCA / ETSI SOL001 descriptors and SOL004 CSARs "
                   "with X-factor properties (see docs/pipelines.md)."}})


_OWN_PARAMETERS = {
    "name": {"name": "name", "in": "query", "schema": {"type": "string"},
             "description": "the file name the upload is saved and reported under "
                            "(descriptor.yaml or package.csar by default)"},
    "output": {"name": "output", "in": "query",
               "schema": {"type": "string", "enum": ["zip", "yaml"], "default": "zip"},
               "description": "zip: the files and the diagnostics; yaml: the documents "
                              "`xfc compile --stdout` prints"},
}


async def openapi(request: HTTPRequest) -> Response:
    """
    summary: This OpenAPI document
    responses: {200: {description: OpenAPI 3 document}}
    """
    doc = SCHEMAS.get_schema(routes=request.app.routes)
    for verb, own in _OWN.items():  # the query parameters, from the one table (options.py)
        post = doc.get("paths", {}).get(f"/v1/{verb}", {}).get("post")
        if post is not None:
            post["parameters"] = [_OWN_PARAMETERS[n] for n in sorted(own)] \
                + options.openapi_parameters(verb)
    return JSONResponse(doc)


def create_app(settings: Settings | None = None) -> Starlette:
    app = Starlette(routes=[
        Route("/v1/check", check, methods=["POST"]),
        Route("/v1/compile", compile_, methods=["POST"]),
        Route("/v1/bundle", bundle, methods=["POST"]),
        Route("/v1/report", report, methods=["POST"]),
        Route("/openapi.json", openapi, methods=["GET"], include_in_schema=False),
        Route("/healthz", healthz, methods=["GET"]),
        Route("/readyz", readyz, methods=["GET"]),
        Route("/metrics", metrics, methods=["GET"]),
    ])
    app.state.xfc = State(settings or Settings())
    return app


__all__ = ["create_app", "Settings", "State"]
