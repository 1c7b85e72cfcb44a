"""What the server acknowledged survives SIGKILL and restarts."""

import socket
import time
from concurrent.futures import ThreadPoolExecutor

import requests

from api_client import ApiClient
from conftest import random_batchref, random_orderid, random_sku


def test_sigkill_right_after_acknowledged_allocations_loses_none(server_factory):
    first = server_factory().start()
    api = ApiClient(first.url)
    sku, batch = random_sku(), random_batchref()
    api.post_to_add_batch(batch, sku, 1000, None)
    orders = [random_orderid(i) for i in range(200)]

    def allocate(orderid):
        with requests.Session() as session:
            r = session.post(f"{first.url}/allocate", json={"orderid": orderid, "sku": sku, "qty": 1})
            return r.status_code

    with ThreadPoolExecutor(max_workers=16) as pool:
        codes = list(pool.map(allocate, orders))
    assert codes == [202] * len(orders)
    first.kill()

    second = server_factory(port=first.port).start()
    api = ApiClient(second.url)
    for orderid in orders:
        assert api.get_allocation(orderid).json() == [{"sku": sku, "batchref": batch}]
    product = requests.get(f"{second.url}/products/{sku}").json()
    assert product["batches"][0]["available"] == 1000 - len(orders)


def test_restart_keeps_all_state_and_allocation_continues(server_factory):
    first = server_factory().start()
    api = ApiClient(first.url)
    sku, early, late = random_sku(), random_batchref("early"), random_batchref("late")
    api.post_to_add_batch(early, sku, 10, "2030-01-01")
    api.post_to_add_batch(late, sku, 10, "2030-02-01")
    api.post_to_allocate("o1", sku, 8)
    assert first.terminate() == 0

    second = server_factory(port=first.port).start()
    api = ApiClient(second.url)
    assert api.get_allocation("o1").json() == [{"sku": sku, "batchref": early}]
    api.post_to_allocate("o2", sku, 5)
    assert api.get_allocation("o2").json() == [{"sku": sku, "batchref": late}]
    r = requests.post(f"{second.url}/add_batch", json={"ref": early, "sku": sku, "qty": 1})
    assert r.status_code == 409


def test_concurrent_allocations_on_one_sku_never_oversell_and_never_fail(server):
    api = ApiClient(server.url)
    sku, batch = random_sku(), random_batchref()
    api.post_to_add_batch(batch, sku, 100, None)
    orders = [random_orderid(i) for i in range(300)]

    def allocate(orderid):
        return requests.post(f"{server.url}/allocate",
                             json={"orderid": orderid, "sku": sku, "qty": 1}).status_code

    with ThreadPoolExecutor(max_workers=32) as pool:
        codes = list(pool.map(allocate, orders))
    assert set(codes) == {202}
    allocated = [o for o in orders if api.get_allocation(o).status_code == 200]
    assert len(allocated) == 100
    product = requests.get(f"{server.url}/products/{sku}").json()
    assert product["batches"][0]["available"] == 0


def test_sigterm_under_load_answers_in_flight_requests_and_keeps_what_it_acknowledged(
        server_factory):
    first = server_factory().start()
    api = ApiClient(first.url)
    sku, batch = random_sku(), random_batchref()
    api.post_to_add_batch(batch, sku, 10_000, None)
    orders = [random_orderid(i) for i in range(400)]

    def allocate(orderid):
        try:
            return orderid, requests.post(
                f"{first.url}/allocate", json={"orderid": orderid, "sku": sku, "qty": 1},
                timeout=10).status_code
        except requests.ConnectionError:
            return orderid, None

    with ThreadPoolExecutor(max_workers=16) as pool:
        results = pool.map(allocate, orders)
        time.sleep(0.2)
        assert first.terminate() == 0
        results = list(results)
    assert 'msg="stopped"' in first.logs()
    codes = {code for _, code in results}
    assert codes <= {202, None}, codes
    acknowledged = [orderid for orderid, code in results if code == 202]
    assert acknowledged

    second = server_factory(port=first.port).start()
    api = ApiClient(second.url)
    for orderid in acknowledged:
        assert api.get_allocation(orderid).status_code == 200


def test_an_idle_keep_alive_connection_does_not_hold_up_shutdown(server_factory):
    server = server_factory().start()
    with socket.create_connection(("127.0.0.1", server.port)) as idle:
        idle.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        assert idle.recv(4096).startswith(b"HTTP/1.1 200")
        started = time.monotonic()
        assert server.terminate() == 0
        assert time.monotonic() - started < 5
