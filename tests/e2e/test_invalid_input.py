"""Every kind of invalid input gets a 4xx JSON message, changes nothing, and the server
keeps serving."""

import socket

import pytest
import requests

from conftest import random_batchref, random_orderid, random_sku

LONG = "x" * 256

ADD_BATCH_CASES = [
    ("not json", "request body is not valid JSON"),
    ("[1, 2]", "request body must be a JSON object"),
    ('{"sku": "S", "qty": 1}', "missing field 'ref'"),
    ('{"ref": "R", "qty": 1}', "missing field 'sku'"),
    ('{"ref": "R", "sku": "S"}', "missing field 'qty'"),
    ('{"ref": 5, "sku": "S", "qty": 1}', "field 'ref' must be a string"),
    ('{"ref": "", "sku": "S", "qty": 1}', "field 'ref' must not be empty"),
    ('{"ref": "R", "sku": "' + LONG + '", "qty": 1}', "field 'sku' must be at most 255 bytes"),
    ('{"ref": "R", "sku": "a\\u0000b", "qty": 1}', "field 'sku' must not contain control characters"),
    ('{"ref": "R", "sku": "S", "qty": -1}', "field 'qty' must be a positive integer"),
    ('{"ref": "R", "sku": "S", "qty": 0}', "field 'qty' must be a positive integer"),
    ('{"ref": "R", "sku": "S", "qty": 1.5}', "field 'qty' must be a positive integer"),
    ('{"ref": "R", "sku": "S", "qty": 10.0}', "field 'qty' must be a positive integer"),
    ('{"ref": "R", "sku": "S", "qty": 1e400}', "field 'qty' must be a positive integer"),
    ('{"ref": "R", "sku": "S", "qty": "3"}', "field 'qty' must be a positive integer"),
    ('{"ref": "R", "sku": "S", "qty": true}', "field 'qty' must be a positive integer"),
    ('{"ref": "R", "sku": "S", "qty": 2147483648}', "field 'qty' must be a positive integer"),
    ('{"ref": "R", "sku": "S", "qty": 99999999999999999999999}', "field 'qty' must be a positive integer"),
    ('{"ref": "R", "sku": "S", "qty": 1, "eta": "tomorrow"}', "field 'eta' must be an ISO date"),
    ('{"ref": "R", "sku": "S", "qty": 1, "eta": "2026-02-30"}', "field 'eta' must be an ISO date"),
    ('{"ref": "R", "sku": "S", "qty": 1, "eta": 20260101}', "field 'eta' must be an ISO date"),
    ("[" * 100 + "]" * 100, "request body is not valid JSON"),
]

ALLOCATE_CASES = [
    ('{"sku": "S", "qty": 1}', "missing field 'orderid'"),
    ('{"orderid": "O", "qty": 1}', "missing field 'sku'"),
    ('{"orderid": "O", "sku": "S"}', "missing field 'qty'"),
    ('{"orderid": null, "sku": "S", "qty": 1}', "field 'orderid' must be a string"),
    ('{"orderid": "O", "sku": "S", "qty": -5}', "field 'qty' must be a positive integer"),
    ('{"orderid": "O", "sku": "S", "qty": 0.5}', "field 'qty' must be a positive integer"),
    ("", "request body is not valid JSON"),
]


def assert_nothing_changed(server, sku, batch):
    product = requests.get(f"{server.url}/products/{sku}").json()
    assert product["batches"] == [{"ref": batch, "eta": None, "purchased": 10, "allocated": 0, "held": 0, "available": 10}]


@pytest.fixture
def stocked(server):
    sku, batch = random_sku(), random_batchref()
    r = requests.post(f"{server.url}/add_batch", json={"ref": batch, "sku": sku, "qty": 10})
    assert r.status_code == 201
    return server, sku, batch


@pytest.mark.parametrize("body,message", ADD_BATCH_CASES)
def test_invalid_add_batch_is_400_with_a_message(stocked, body, message):
    server, sku, batch = stocked
    r = requests.post(f"{server.url}/add_batch", data=body.replace('"S"', f'"{sku}"'),
                      headers={"Content-Type": "application/json"})
    assert r.status_code == 400
    assert r.headers["Content-Type"] == "application/json"
    assert r.json()["message"].startswith(message)
    assert_nothing_changed(server, sku, batch)


@pytest.mark.parametrize("body,message", ALLOCATE_CASES)
def test_invalid_allocate_is_400_with_a_message(stocked, body, message):
    server, sku, batch = stocked
    r = requests.post(f"{server.url}/allocate", data=body.replace('"S"', f'"{sku}"'),
                      headers={"Content-Type": "application/json"})
    assert r.status_code == 400
    assert r.json()["message"].startswith(message)
    assert_nothing_changed(server, sku, batch)


def test_invalid_change_batch_quantity_is_400(stocked):
    server, sku, batch = stocked
    r = requests.post(f"{server.url}/change_batch_quantity", json={"ref": batch, "qty": -1})
    assert r.status_code == 400
    assert r.json()["message"].startswith("field 'qty' must be a non-negative integer")
    assert_nothing_changed(server, sku, batch)


def test_body_over_the_limit_is_413(stocked):
    server, sku, batch = stocked
    body = '{"orderid": "' + "o" * 70000 + f'", "sku": "{sku}", "qty": 1}}'
    r = requests.post(f"{server.url}/allocate", data=body)
    assert r.status_code == 413
    assert "larger than" in r.json()["message"]
    assert_nothing_changed(server, sku, batch)


def test_unknown_route_is_404_json(server):
    r = requests.get(f"{server.url}/no/such/route")
    assert r.status_code == 404
    assert r.json()["message"] == "no route for GET /no/such/route"


def test_wrong_method_is_405_json(server):
    r = requests.get(f"{server.url}/allocate")
    assert r.status_code == 405
    assert r.headers["Allow"] == "POST"
    assert "not allowed" in r.json()["message"]
    r = requests.post(f"{server.url}/allocations/some-order")
    assert r.status_code == 405


def test_over_long_order_id_in_the_path_is_400(server):
    r = requests.get(f"{server.url}/allocations/{'o' * 300}")
    assert r.status_code == 400
    assert r.json()["message"] == "field 'orderid' must be at most 255 bytes"


def test_malformed_http_gets_400_and_the_server_keeps_serving(server):
    with socket.create_connection(("127.0.0.1", server.port), timeout=5) as s:
        s.sendall(b"THIS IS NOT HTTP\r\n\r\n")
        reply = s.recv(4096)
    assert reply.startswith(b"HTTP/1.1 400")
    assert b'"message"' in reply
    assert requests.get(f"{server.url}/healthz").status_code == 200


def test_a_half_sent_request_does_not_stop_others(server):
    with socket.create_connection(("127.0.0.1", server.port), timeout=5) as s:
        s.sendall(b"POST /allocate HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{")
        assert requests.get(f"{server.url}/healthz", timeout=2).status_code == 200



# Every POST route, with a body it takes: each must refuse a key given twice and a field it
# does not know, naming the key.
POST_ROUTES = [
    ("/add_batch", '{"ref": "R", "sku": "S", "qty": 1, "eta": null'),
    ("/allocate", '{"orderid": "O", "sku": "S", "qty": 1'),
    ("/change_batch_quantity", '{"ref": "R", "qty": 1'),
    ("/change_batch_eta", '{"ref": "R", "eta": null'),
    ("/orders", '{"orderid": "O", "lines": [{"sku": "S", "qty": 1}]'),
    ("/orders/O/confirm", '{"lines": [{"sku": "S", "qty": 1}]'),
    ("/orders/O/cancel", '{"skus": ["S"]'),
    ("/orders/O/ship", '{"skus": ["S"]'),
]


@pytest.mark.parametrize("path,body", POST_ROUTES)
def test_a_key_given_twice_is_refused_on_every_route(server, path, body):
    first_key = body.split('"')[1]
    twice = body + f', "{first_key}": "again"}}'
    r = requests.post(f"{server.url}{path}", data=twice, headers={"Content-Type": "application/json"})
    assert r.status_code == 400
    assert r.json() == {"message": f"request body has the key '{first_key}' more than once"}


@pytest.mark.parametrize("path,body", POST_ROUTES)
def test_an_unknown_field_is_refused_on_every_route(server, path, body):
    r = requests.post(f"{server.url}{path}", data=body + ', "ttl": 900}',
                      headers={"Content-Type": "application/json"})
    assert r.status_code == 400
    assert r.json() == {"message": "unknown field 'ttl'"}


def test_a_duplicate_quantity_never_allocates_the_last_one(stocked):
    server, sku, batch = stocked
    r = requests.post(f"{server.url}/allocate", data=f'{{"orderid": "o1", "sku": "{sku}", "qty": 1, "qty": 1000}}')
    assert r.status_code == 400
    assert_nothing_changed(server, sku, batch)


def test_a_body_that_is_not_utf8_says_so(stocked):
    server, sku, batch = stocked
    body = b'{"orderid": "caf\xe9", "sku": "' + sku.encode() + b'", "qty": 1}'
    r = requests.post(f"{server.url}/allocate", data=body)
    assert r.status_code == 400
    assert r.json() == {"message": "request body is not valid UTF-8 (at byte 16)"}
    assert_nothing_changed(server, sku, batch)


def test_expect_100_continue_is_answered_before_the_body_is_sent(stocked):
    server, sku, _ = stocked
    body = f'{{"orderid": "o1", "sku": "{sku}", "qty": 1}}'.encode()
    with socket.create_connection(("127.0.0.1", server.port), timeout=5) as connection:
        connection.sendall(b"POST /allocate HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\n"
                           b"Expect: 100-continue\r\nContent-Length: " + str(len(body)).encode() + b"\r\n\r\n")
        interim = connection.recv(4096)
        assert interim.startswith(b"HTTP/1.1 100 Continue\r\n")
        connection.sendall(body)
        final = b""
        while b"\r\n\r\nOK" not in final:
            chunk = connection.recv(4096)
            assert chunk, final
            final += chunk
    assert final.startswith(b"HTTP/1.1 202 Accepted\r\n")
