"""The client of a running server (the real binary), waited on and awaited: the same answers
as the embedded service, errors as exceptions, retries that reuse their Idempotency-Key."""

import asyncio
import http.client
import http.server
import subprocess
import threading
from datetime import date

import pytest

import allocation
from allocation import errors, results
from conftest import BINARY, RunningServer


def test_the_client_answers_as_the_service_does(server):
    with allocation.Client(server.url) as client:
        client.add_batch("b-later", "LAMP", 10, eta=date(2030, 1, 1))
        client.add_batch("b-now", "LAMP", 10)
        assert client.allocate("o1", "LAMP", 4) == "b-now"
        assert client.allocate("o2", "LAMP", 50) is None
        assert client.allocations("o1") == (results.Allocation("LAMP", "b-now"),)
        assert [b.available for b in client.product("LAMP").batches] == [6, 10]
        held = client.place_order("o3", [("LAMP", 2)], hold_seconds=60)
        assert held.status == "held" and held.created
        assert client.confirm_order("o3").status == "allocated"
        assert client.cancel_order("o3").status == "cancelled"
        with pytest.raises(errors.InvalidRequest) as invalid:
            client.allocate("o4", "NOPE", 1)
        assert (invalid.value.status, invalid.value.message) == (400, "Invalid sku NOPE")
        with pytest.raises(errors.NotFound):
            client.order("nobody")


def test_tokens_are_presented_and_refusals_say_why(tmp_path):
    running = RunningServer(tmp_path / "auth.db", "--auth", "on")
    try:
        token = subprocess.run(
            [BINARY, "token", "create", "--database", running.database_url, "--role", "reader",
             "--name", "shop"], check=True, capture_output=True, text=True).stdout.split()[-1]
        with allocation.Client(running.url) as anonymous:
            with pytest.raises(errors.Unauthorized) as refused:
                anonymous.products()
            assert refused.value.status == 401
        with allocation.Client(running.url, token=token) as reader:
            assert reader.products().products == ()
            with pytest.raises(errors.Forbidden):
                reader.add_batch("b1", "LAMP", 1)
    finally:
        running.stop()


class FlakyFront(http.server.ThreadingHTTPServer):
    """Before the real server: answers the first `failures` requests with 503, or drops
    their connection, and records every request's Idempotency-Key."""

    def __init__(self, upstream, failures, drop):
        self.upstream, self.failures, self.drop, self.keys = upstream, failures, drop, []
        super().__init__(("127.0.0.1", 0), FlakyHandler)
        threading.Thread(target=self.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server_address[1]}"


class FlakyHandler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def do_POST(self):
        front = self.server
        body = self.rfile.read(int(self.headers["Content-Length"]))
        front.keys.append(self.headers["Idempotency-Key"])
        if len(front.keys) <= front.failures:
            if front.drop:
                self.close_connection = True
                return
            self.send_response(503)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", "27")
            self.end_headers()
            self.wfile.write(b'{"message":"overloaded..."}')
            return
        upstream = http.client.HTTPConnection(front.upstream.removeprefix("http://"))
        upstream.request("POST", self.path, body, dict(self.headers))
        answer = upstream.getresponse()
        data = answer.read()
        self.send_response(answer.status)
        self.send_header("Content-Type", answer.headers["Content-Type"])
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


@pytest.mark.parametrize("drop", [False, True], ids=["503", "connection-dropped"])
def test_a_call_is_retried_with_the_same_key(server, drop):
    front = FlakyFront(server.url, failures=2, drop=drop)
    try:
        with allocation.Client(front.url) as client:
            client.add_batch("b1", "LAMP", 10)
            assert len(front.keys) == 3 and len(set(front.keys)) == 1
            client.add_batch("b2", "LAMP", 10)
            assert len(set(front.keys)) == 2
        front.failures, front.keys = 10, []
        with allocation.Client(front.url, retries=2) as client:
            expected = errors.ConnectionFailed if drop else errors.ServiceUnavailable
            with pytest.raises(expected):
                client.allocate("o1", "LAMP", 1)
            assert len(front.keys) == 3
    finally:
        front.shutdown()


def test_an_unreachable_server_is_a_connection_failure():
    with allocation.Client("http://127.0.0.1:1", retries=1) as client:
        with pytest.raises(errors.ConnectionFailed) as failed:
            client.products()
        assert failed.value.status == 0


def test_the_async_client_shares_its_connections(server):
    async def main():
        async with allocation.AsyncClient(server.url) as client:
            await client.add_batch("b1", "LAMP", 1000)
            answers = await asyncio.gather(*(client.allocate(f"o{n}", "LAMP", 1)
                                             for n in range(200)))
            assert answers == ["b1"] * 200
            assert (await client.product("LAMP")).batches[0].allocated == 200
            assert len(client._idle) <= 200
            with pytest.raises(errors.NotFound):
                await client.order("nobody")

    asyncio.run(main())


def test_a_bad_address_is_refused_at_once():
    with pytest.raises(ValueError, match="http://HOST:PORT"):
        allocation.Client("localhost:5005")
