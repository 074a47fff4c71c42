"""The service's admission (issue 22, item 8): one client's requests hold at most half of
the workers, so another client's request is served while they run; a client that
disconnects mid-upload is logged as such, without a traceback."""

from __future__ import annotations

import logging

import pytest

anyio = pytest.importorskip("anyio")
pytest.importorskip("starlette", reason="the 'serve' extra is not installed")

from compiler.service.admission import Admission  # noqa: E402
from compiler.service.app import Settings, create_app  # noqa: E402


def test_eight_requests_of_one_client_leave_a_worker_to_another():
    seen: dict = {}

    async def main() -> None:
        adm = Admission(2)
        release, b_in = anyio.Event(), anyio.Event()
        inside = {"hostile": 0, "valid": 0}

        async def job(client: str) -> None:
            async with adm.admit(client):
                inside[client] += 1
                if client == "valid":
                    seen["hostile_running_when_valid_ran"] = inside["hostile"]
                    b_in.set()
                    return
                await release.wait()

        async with anyio.create_task_group() as tg:
            for _ in range(8):
                tg.start_soon(job, "hostile")
            await anyio.sleep(0.05)
            seen["clients"] = adm.clients()
            tg.start_soon(job, "valid")
            with anyio.fail_after(10):  # without fairness it waits for release, for ever
                await b_in.wait()
            release.set()
        seen["hostile_total"] = inside["hostile"]
        seen["left"] = adm.clients()

    anyio.run(main)
    assert seen["clients"] == 1
    assert seen["hostile_running_when_valid_ran"] == 1  # one worker, not both
    assert seen["hostile_total"] == 8 and seen["left"] == 0


def test_one_client_alone_still_uses_every_worker_in_turn():
    peak = {"now": 0, "max": 0}

    async def main() -> None:
        adm = Admission(4)

        async def job() -> None:
            async with adm.admit("a"):
                peak["now"] += 1
                peak["max"] = max(peak["max"], peak["now"])
                await anyio.sleep(0.01)
                peak["now"] -= 1

        async with anyio.create_task_group() as tg:
            for _ in range(6):
                tg.start_soon(job)

    anyio.run(main)
    assert peak["max"] == 2  # half of 4 workers for one client


def test_a_client_that_disconnects_mid_upload_is_logged_without_a_traceback(caplog):
    app = create_app(Settings(workers=1))
    messages = [{"type": "http.request", "body": b"tosca_definitions_version: ", "more_body": True},
                {"type": "http.disconnect"}]
    sent: list = []

    async def receive():
        return messages.pop(0) if messages else {"type": "http.disconnect"}

    async def send(message):
        sent.append(message)

    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST",
             "scheme": "http", "path": "/v1/check", "raw_path": b"/v1/check", "query_string": b"",
             "root_path": "", "headers": [(b"content-length", b"100000")],
             "client": ("192.0.2.7", 5555), "server": ("127.0.0.1", 8080)}
    with caplog.at_level(logging.WARNING):
        anyio.run(app, scope, receive, send)
    assert any("192.0.2.7 disconnected before its upload ended" in r.getMessage()
               for r in caplog.records), caplog.text
    assert not any(r.exc_info for r in caplog.records), caplog.text
    assert "Traceback" not in caplog.text
