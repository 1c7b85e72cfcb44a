"""Malformed and smuggling-shaped HTTP: each gets a 400 (or the limit's status) and a closed
connection, never a crash and never a response out of step with the requests."""

import json
import socket

import pytest
import requests


def exchange(secured, raw):
    """Sends `raw`, then reads until the server closes; returns [(status, body)]."""
    with socket.create_connection(("127.0.0.1", secured.server.port), timeout=5) as s:
        s.sendall(raw)
        received = b""
        while True:
            try:
                chunk = s.recv(65536)
            except ConnectionResetError:
                break
            if not chunk:
                break
            received += chunk
    responses = []
    while received:
        head, separator, rest = received.partition(b"\r\n\r\n")
        assert separator, f"a response ends inside its header: {received!r}"
        lines = head.split(b"\r\n")
        assert lines[0].startswith(b"HTTP/1.1 "), f"not a status line: {lines[0]!r}"
        length = int(next(line.split(b":", 1)[1] for line in lines[1:]
                          if line.lower().startswith(b"content-length:")))
        assert len(rest) >= length, "a response ends inside its body"
        responses.append((int(lines[0].split()[1]), json.loads(rest[:length] or b"null")))
        received = rest[length:]
    return responses


def request(secured, head, body=b"", role="admin"):
    token = secured.tokens[role]
    return (head.replace(b"{auth}", f"Authorization: Bearer {token}".encode()) + body)


def assert_refused_and_closed(responses, status=400):
    assert len(responses) == 1
    assert responses[0][0] == status
    assert responses[0][1]["message"]


def test_bad_chunk_size_is_refused(secured):
    raw = request(secured, b"POST /allocate HTTP/1.1\r\nHost: x\r\n{auth}\r\n"
                           b"Transfer-Encoding: chunked\r\n\r\n", b"zz\r\n{}\r\n0\r\n\r\n")
    assert_refused_and_closed(exchange(secured, raw))


def test_chunk_longer_than_it_says_is_refused(secured):
    raw = request(secured, b"POST /allocate HTTP/1.1\r\nHost: x\r\n{auth}\r\n"
                           b"Transfer-Encoding: chunked\r\n\r\n",
                  b"2\r\n{\"orderid\":\"o1\"}\r\n0\r\n\r\n")
    assert_refused_and_closed(exchange(secured, raw))


def test_content_length_with_transfer_encoding_is_refused(secured):
    raw = request(secured, b"POST /add_batch HTTP/1.1\r\nHost: x\r\n{auth}\r\nContent-Length: 5\r\n"
                           b"Transfer-Encoding: chunked\r\n\r\n",
                  b"0\r\n\r\nGET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
    assert_refused_and_closed(exchange(secured, raw))


def test_conflicting_content_lengths_are_refused(secured):
    raw = request(secured, b"POST /add_batch HTTP/1.1\r\nHost: x\r\n{auth}\r\nContent-Length: 2\r\n"
                           b"Content-Length: 40\r\n\r\n", b"{}")
    assert_refused_and_closed(exchange(secured, raw))


def test_negative_content_length_is_refused(secured):
    raw = request(secured, b"POST /allocate HTTP/1.1\r\nHost: x\r\n{auth}\r\nContent-Length: -1\r\n\r\n")
    assert_refused_and_closed(exchange(secured, raw))


def test_overlong_request_line_is_refused(secured):
    raw = b"GET /" + b"a" * 10000 + b" HTTP/1.1\r\nHost: x\r\n\r\n"
    assert_refused_and_closed(exchange(secured, raw), status=431)


def test_overlong_header_line_is_refused(secured):
    raw = request(secured, b"GET /healthz HTTP/1.1\r\nHost: x\r\n{auth}\r\nX-Long: " +
                  b"b" * 10000 + b"\r\n\r\n")
    assert_refused_and_closed(exchange(secured, raw), status=431)


@pytest.mark.parametrize("header", [b"No-Colon-Here", b"Bad\x00Name: x", b"X-Nul: a\x00b",
                                    b"Bad Name: x"])
def test_malformed_header_is_refused(secured, header):
    raw = request(secured, b"GET /healthz HTTP/1.1\r\nHost: x\r\n{auth}\r\n" + header + b"\r\n\r\n")
    assert_refused_and_closed(exchange(secured, raw))


def test_pipelined_garbage_after_a_good_request_is_answered_in_step(secured):
    good = request(secured, b"GET /healthz HTTP/1.1\r\nHost: x\r\n{auth}\r\n\r\n", role="reader")
    responses = exchange(secured, good + good + b"\x16\x03\x01 NOT HTTP\r\n\r\n" + good)
    assert [status for status, _ in responses] == [200, 200, 400]


def test_a_smuggled_request_in_a_body_is_only_a_body(secured):
    smuggled = b"GET /products/S HTTP/1.1\r\nHost: x\r\n\r\n"
    body = json.dumps({"ref": "b1", "sku": "S", "qty": 5}).encode()
    raw = request(secured, b"POST /add_batch HTTP/1.1\r\nHost: x\r\n{auth}\r\nContent-Length: " +
                  str(len(body) + len(smuggled)).encode() + b"\r\n\r\n", body + smuggled)
    responses = exchange(secured, raw + request(
        secured, b"GET /healthz HTTP/1.1\r\nHost: x\r\n{auth}\r\nConnection: close\r\n\r\n"))
    assert [status for status, _ in responses] == [400, 200]


def test_the_server_keeps_serving_after_malformed_requests(secured):
    for raw in (b"\x00" * 100, b"GET\r\n\r\n", b"POST /allocate HTTP/9.9\r\n\r\n"):
        exchange(secured, raw)
    r = requests.get(f"{secured.url}/healthz", headers=secured.headers("reader"))
    assert r.status_code == 200
