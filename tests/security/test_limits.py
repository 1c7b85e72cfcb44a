"""Each limit is crossed by an attacker, who gets the limit's error, while other clients are
still served."""

import json
import socket
import time

import pytest
import requests

from conftest import Server, create_token


class LimitedServer:
    def __init__(self, server, tokens):
        self.server = server
        self.url = server.url
        self.port = server.port
        self.tokens = tokens

    def headers(self, role="admin"):
        return {"Authorization": f"Bearer {self.tokens[role]}"}

    def connect(self):
        return socket.create_connection(("127.0.0.1", self.port), timeout=5)

    def request_bytes(self, method, path, body=b"", role="admin", extra=b""):
        return (f"{method} {path} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
                f"{self.tokens[role]}\r\nContent-Type: application/json\r\n"
                f"Content-Length: {len(body)}\r\n").encode() + extra + b"\r\n" + body

    def assert_others_served(self):
        r = requests.get(f"{self.url}/healthz", headers=self.headers("reader"), timeout=5)
        assert r.status_code == 200


@pytest.fixture
def limited(tmp_path):
    """Starts a server with authentication on and the given ALLOCATION_* limits."""
    started = []

    def start(**limits):
        url = f"sqlite:///{tmp_path / 'allocation.db'}"
        tokens = {role: create_token(url, role, f"{role}-{len(started)}")
                  for role in ("reader", "allocator", "admin")}
        env = {"ALLOCATION_AUTH": "on", **{f"ALLOCATION_{k.upper()}": str(v)
                                           for k, v in limits.items()}}
        server = Server(str(tmp_path / "allocation.db"), database_url=url, extra_env=env,
                        health_headers={"Authorization": f"Bearer {tokens['reader']}"}).start()
        started.append(server)
        return LimitedServer(server, tokens)

    yield start
    for server in started:
        server.stop()


def read_response(sock):
    """One whole response (status, headers, JSON body) or b"" when the server closed."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            return data
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = int(next(line.split(b":")[1] for line in head.split(b"\r\n")
                      if line.lower().startswith(b"content-length")))
    while len(body) < length:
        body += sock.recv(65536)
    return head + b"\r\n\r\n" + body


def status_and_message(response):
    head, _, body = response.partition(b"\r\n\r\n")
    return int(head.split()[1]), json.loads(body)["message"]


def closed_by_server(sock, within):
    sock.settimeout(within)
    try:
        return sock.recv(4096) == b""
    except (ConnectionResetError, socket.timeout):
        return False


def test_oversized_header_gets_431(limited):
    server = limited(header_bytes_max=1024)
    with server.connect() as s:
        s.sendall(server.request_bytes("GET", "/healthz", extra=b"X-Pad: " + b"a" * 2000 + b"\r\n"))
        status, message = status_and_message(read_response(s))
    assert (status, message) == (431, "request header is larger than 1024 bytes")
    server.assert_others_served()


def test_oversized_body_gets_413(limited):
    server = limited(body_bytes_max=512)
    r = requests.post(f"{server.url}/add_batch", headers=server.headers(),
                      data=json.dumps({"ref": "b" * 600, "sku": "S", "qty": 1}))
    assert r.status_code == 413
    assert r.json()["message"] == "request body is larger than 512 bytes"
    server.assert_others_served()


def test_overlong_url_gets_414(limited):
    server = limited(url_bytes_max=64)
    r = requests.get(f"{server.url}/allocations/{'o' * 100}", headers=server.headers("reader"))
    assert r.status_code == 414
    assert r.json()["message"] == "request URL is longer than 64 bytes"
    server.assert_others_served()


def test_deeply_nested_json_is_refused(limited):
    server = limited(json_depth_max=4)
    body = '{"ref":"b1","sku":"S","qty":1,"eta":null,"x":[[[[[1]]]]]}'
    r = requests.post(f"{server.url}/add_batch", headers=server.headers(), data=body)
    assert r.status_code == 400
    assert r.json()["message"].startswith("request body is not valid JSON")
    server.assert_others_served()


def test_json_with_too_many_elements_is_refused(limited):
    server = limited(json_elements_max=16)
    body = json.dumps({"ref": "b1", "sku": "S", "qty": 1, "padding": list(range(50))})
    r = requests.post(f"{server.url}/add_batch", headers=server.headers(), data=body)
    assert r.status_code == 400
    assert r.json()["message"] == "request body has more than 16 JSON values"
    server.assert_others_served()


def test_an_import_request_of_too_many_batches_is_refused_whole(limited):
    server = limited(batches_max=3, json_elements_max=4)
    batches = [{"ref": f"b{i}", "sku": "S", "qty": 1} for i in range(4)]
    r = requests.post(f"{server.url}/batches", headers=server.headers(), json={"batches": batches})
    assert r.status_code == 400
    assert r.json()["message"] == "field 'batches' must be an array of 1 to 3 values"
    padded = [dict(batch, padding=list(range(50))) for batch in batches[:3]]
    r = requests.post(f"{server.url}/batches", headers=server.headers(), json={"batches": padded})
    assert r.status_code == 400
    assert r.json()["message"] == "request body has more than 19 JSON values"
    r = requests.post(f"{server.url}/batches", headers=server.headers(),
                      json={"batches": batches[:3]})
    assert (r.status_code, r.json()["created"]) == (200, 3)
    server.assert_others_served()


def test_overlong_identifier_is_refused(limited):
    server = limited(identifier_bytes_max=8)
    r = requests.post(f"{server.url}/add_batch", headers=server.headers(),
                      json={"ref": "b" * 9, "sku": "S", "qty": 1})
    assert r.status_code == 400
    assert r.json()["message"] == "field 'ref' must be at most 8 bytes"
    server.assert_others_served()


@pytest.mark.parametrize("sku", ["S\u0000", "S\nX-Injected: 1", "S\u001b[31m", "S\u007f"])
def test_identifier_with_control_characters_is_refused(limited, sku):
    server = limited()
    r = requests.post(f"{server.url}/add_batch", headers=server.headers(),
                      json={"ref": "b1", "sku": sku, "qty": 1})
    assert r.status_code == 400
    assert r.json()["message"] == "field 'sku' must not contain control characters"
    server.assert_others_served()


def test_connections_beyond_the_limit_get_503_and_are_closed(limited):
    server = limited(connections_max=3)
    held = [server.connect() for _ in range(3)]
    try:
        time.sleep(0.2)
        with server.connect() as extra:
            extra.sendall(server.request_bytes("GET", "/healthz", role="reader"))
            response = read_response(extra)
            assert closed_by_server(extra, within=5)
        status, message = status_and_message(response)
        assert status == 503
        assert b"Retry-After: 1" in response
        assert message == "the server has 3 connections open, its limit; try again later"
        held[0].sendall(server.request_bytes("GET", "/healthz", role="reader"))
        assert read_response(held[0]).startswith(b"HTTP/1.1 200")
        held.pop().close()
        for _ in range(50):  # until the server has seen the close
            r = requests.get(f"{server.url}/healthz", headers=server.headers("reader"))
            if r.status_code == 200:
                break
            time.sleep(0.1)
        assert r.status_code == 200
    finally:
        for sock in held:
            sock.close()


def test_a_connection_is_closed_after_its_last_allowed_request(limited):
    server = limited(requests_per_connection_max=3)
    with server.connect() as s:
        for number in range(1, 4):
            s.sendall(server.request_bytes("GET", "/healthz", role="reader"))
            response = read_response(s)
            assert response.startswith(b"HTTP/1.1 200")
            assert (b"Connection: close" in response) == (number == 3)
        assert closed_by_server(s, within=5)
    server.assert_others_served()


@pytest.mark.parametrize("limit,partial_request", [
    ("header_timeout_ms", lambda server: b"GET /healthz HTTP/1.1\r\nHost: x\r\n"),
    ("body_timeout_ms",
     lambda server: server.request_bytes("POST", "/add_batch", body=b"{" * 100)[:-99]),
], ids=["slowloris_header", "slow_body"])
def test_a_request_sent_too_slowly_is_cut_off(limited, limit, partial_request):
    server = limited(**{limit: 300})
    with server.connect() as s:
        s.sendall(partial_request(server))
        server.assert_others_served()
        started = time.monotonic()
        assert closed_by_server(s, within=5)
        assert time.monotonic() - started < 2


def test_an_idle_connection_is_closed(limited):
    server = limited(idle_timeout_ms=300)
    with server.connect() as silent, server.connect() as done:
        done.sendall(server.request_bytes("GET", "/healthz", role="reader"))
        assert read_response(done).startswith(b"HTTP/1.1 200")
        server.assert_others_served()
        assert closed_by_server(silent, within=5)
        assert closed_by_server(done, within=5)


def test_a_token_over_its_rate_gets_429_with_retry_after(limited):
    server = limited(token_requests_per_second_max=2)
    session = requests.Session()
    started = time.monotonic()
    answers = [session.get(f"{server.url}/products/S", headers=server.headers("allocator"))
               for _ in range(40)]
    elapsed = time.monotonic() - started
    refused = [r for r in answers if r.status_code == 429]
    # At most the burst of 2 and 2 a second after it got through.
    assert len(refused) >= 40 - 2 - 2 * (elapsed + 1)
    assert all(r.status_code in (404, 429) for r in answers)
    assert all(int(r.headers["Retry-After"]) >= 1 for r in refused)
    assert refused[0].json()["message"] == (
        "token allocator-0 is over its limit of 2 requests a second; retry after 1 s")
    server.assert_others_served()
