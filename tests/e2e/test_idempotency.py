"""Safe retries: requests sent again with their Idempotency-Key, on both engines."""

import sqlite3
import subprocess
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from conftest import Server, fresh_postgres_database, random_batchref, random_orderid, random_sku

IN_FLIGHT = "a request with this Idempotency-Key is still being handled; retry later"


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request, tmp_path):
    """A fresh database of each engine, for servers started (and restarted) by the test."""
    path = str(tmp_path / "allocation.db")
    url = fresh_postgres_database() if request.param == "postgresql" else f"sqlite:///{path}"
    return request.param, path, url


@pytest.fixture
def servers(database):
    started = []

    def start(port=None, **kwargs):
        _, path, url = database
        server = Server(path, database_url=url, port=port, **kwargs).start()
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


def post(server, path, body, key=None):
    headers = {"Idempotency-Key": key} if key else {}
    return requests.post(f"{server.url}{path}", json=body, headers=headers, timeout=30)


def add_stock(server, qty, sku=None):
    sku = sku or random_sku()
    ref = random_batchref()
    assert post(server, "/add_batch", {"ref": ref, "sku": sku, "qty": qty, "eta": None}).status_code == 201
    return ref, sku


def batch_of(server, sku):
    return requests.get(f"{server.url}/products/{sku}").json()["batches"][0]


def test_a_keyed_request_sent_again_gets_the_same_reply_and_changes_nothing(servers):
    server = servers()
    ref, sku = random_batchref(), random_sku()
    batch = {"ref": ref, "sku": sku, "qty": 10, "eta": None}
    first = post(server, "/add_batch", batch, key="batch-1")
    assert first.status_code == 201
    assert "Idempotent-Replayed" not in first.headers
    again = post(server, "/add_batch", dict(reversed(list(batch.items()))), key="batch-1")
    assert (again.status_code, again.text, again.headers["Idempotent-Replayed"]) == (201, first.text, "true")

    order = {"orderid": random_orderid(), "lines": [{"sku": sku, "qty": 3}], "hold_seconds": 600}
    placed = post(server, "/orders", order, key="order-1")
    assert placed.status_code == 201
    assert requests.get(f"{server.url}/orders/{order['orderid']}").json() == placed.json()
    replayed = post(server, "/orders", order, key="order-1")
    assert (replayed.status_code, replayed.json()) == (201, placed.json())
    assert replayed.headers["Idempotent-Replayed"] == "true"
    assert replayed.headers["Content-Type"] == "application/json"
    assert batch_of(server, sku)["held"] == 3


def test_the_same_key_with_another_request_is_unprocessable(servers):
    server = servers()
    _, sku = add_stock(server, 10)
    line = {"orderid": random_orderid(), "sku": sku, "qty": 1}
    assert post(server, "/allocate", line, key="k").status_code == 202
    changed = post(server, "/allocate", dict(line, qty=2), key="k")
    assert changed.status_code == 422
    assert changed.json() == {"message": "this Idempotency-Key was used for a different request"}
    assert post(server, "/orders/x/cancel", {}, key="k").status_code == 422
    assert batch_of(server, sku)["allocated"] == 1


def test_a_refused_order_stays_refused_on_retry_after_restock(servers):
    server = servers()
    ref, sku = add_stock(server, 1)
    order = {"orderid": random_orderid(), "lines": [{"sku": sku, "qty": 5}]}
    refused = post(server, "/orders", order, key="order")
    assert refused.status_code == 409
    assert refused.json()["unavailable"] == [{"sku": sku, "requested": 5, "available": 1}]
    assert post(server, "/change_batch_quantity", {"ref": ref, "qty": 50}).status_code == 200
    retried = post(server, "/orders", order, key="order")
    assert (retried.status_code, retried.json()) == (409, refused.json())
    assert retried.headers["Idempotent-Replayed"] == "true"
    assert post(server, "/orders", order, key="a-new-attempt").status_code == 201


def test_input_refused_before_it_runs_is_not_kept(servers):
    server = servers()
    _, sku = add_stock(server, 5)
    order = {"orderid": random_orderid(), "lines": [{"sku": sku, "qty": 1}]}
    assert post(server, "/orders", dict(order, ttl=900), key="k").status_code == 400
    assert post(server, "/orders", order, key="k").status_code == 201


@pytest.fixture
def storage_lock(database):
    """Holds the database's write lock from outside, so that a request waits in flight."""
    engine, path, url = database
    holders = []

    def hold():
        if engine == "sqlite":
            connection = sqlite3.connect(path, isolation_level=None, timeout=10)
            connection.execute("BEGIN IMMEDIATE")
            holders.append(lambda: (connection.execute("COMMIT"), connection.close()))
            return
        psql = subprocess.Popen(["psql", "-q", "-v", "ON_ERROR_STOP=1", url],
                                stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)
        psql.stdin.write("BEGIN; LOCK TABLE products IN EXCLUSIVE MODE;\n")
        psql.stdin.flush()
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            locks = subprocess.run(
                ["psql", "-At", url, "-c",
                 "SELECT count(*) FROM pg_locks WHERE relation = 'products'::regclass "
                 "AND mode = 'ExclusiveLock' AND granted"],
                capture_output=True, text=True, check=True).stdout.strip()
            if locks == "1":
                break
            time.sleep(0.05)

        def release():
            psql.stdin.write("COMMIT;\n")
            psql.stdin.close()
            psql.wait(timeout=10)
        holders.append(release)

    def release():
        holders.pop()()

    yield hold, release
    while holders:
        holders.pop()()


def test_the_same_key_while_the_first_request_is_in_flight_is_a_conflict(servers, storage_lock):
    server = servers()
    _, sku = add_stock(server, 10)
    hold, release = storage_lock
    line = {"orderid": random_orderid(), "sku": sku, "qty": 1}
    hold()
    first = {}
    sender = threading.Thread(target=lambda: first.update(response=post(server, "/allocate", line, key="slow")))
    sender.start()
    try:
        time.sleep(0.5)  # for the first request to reach the writer, which waits for the lock
        meanwhile = post(server, "/allocate", line, key="slow")
        assert meanwhile.status_code == 409
        assert meanwhile.json() == {"message": IN_FLIGHT}
        assert meanwhile.headers["Retry-After"] == "1"
    finally:
        release()
        sender.join(timeout=30)
    assert first["response"].status_code == 202
    later = post(server, "/allocate", line, key="slow")
    assert (later.status_code, later.headers["Idempotent-Replayed"]) == (202, "true")
    assert batch_of(server, sku)["allocated"] == 1


def test_sigkill_right_after_a_201_then_the_retry_is_a_replay_and_the_change_exists_once(servers):
    first = servers()
    ref, sku = random_batchref(), random_sku()
    batch = {"ref": ref, "sku": sku, "qty": 10, "eta": None}
    order = {"orderid": random_orderid(), "lines": [{"sku": sku, "qty": 4}]}
    assert post(first, "/add_batch", batch, key="batch").status_code == 201
    placed = post(first, "/orders", order, key="order")
    assert placed.status_code == 201
    first.kill()

    second = servers(port=first.port)
    retried_batch = post(second, "/add_batch", batch, key="batch")
    assert (retried_batch.status_code, retried_batch.headers["Idempotent-Replayed"]) == (201, "true")
    retried_order = post(second, "/orders", order, key="order")
    assert (retried_order.status_code, retried_order.json()) == (201, placed.json())
    assert retried_order.headers["Idempotent-Replayed"] == "true"
    product = requests.get(f"{second.url}/products/{sku}").json()
    assert product["batches"] == [{"ref": ref, "eta": None, "purchased": 10, "allocated": 4,
                                   "held": 0, "available": 6}]


def test_fifty_identical_requests_with_one_key_at_once_make_one_change(servers):
    server = servers()
    _, sku = add_stock(server, 100)
    order = {"orderid": random_orderid(), "lines": [{"sku": sku, "qty": 1}]}
    start = threading.Barrier(50)

    def send(_):
        with requests.Session() as session:
            start.wait()
            return session.post(f"{server.url}/orders", json=order,
                                headers={"Idempotency-Key": "the-one"}, timeout=30)

    with ThreadPoolExecutor(max_workers=50) as pool:
        responses = list(pool.map(send, range(50)))
    fresh = [r for r in responses if r.status_code == 201 and "Idempotent-Replayed" not in r.headers]
    replayed = [r for r in responses if r.headers.get("Idempotent-Replayed") == "true"]
    in_flight = [r for r in responses if r.status_code == 409 and r.json() == {"message": IN_FLIGHT}]
    assert len(fresh) == 1
    assert len(fresh) + len(replayed) + len(in_flight) == 50
    assert all(r.status_code == 201 and r.json() == fresh[0].json() for r in replayed)
    assert batch_of(server, sku)["allocated"] == 1


def test_a_key_is_forgotten_after_its_retention(servers):
    server = servers(extra_env={"ALLOCATION_IDEMPOTENCY_RETENTION_S": "1"})
    _, sku = add_stock(server, 10)
    assert post(server, "/allocate", {"orderid": "o1", "sku": sku, "qty": 1}, key="k").status_code == 202
    time.sleep(1.2)
    later = post(server, "/allocate", {"orderid": "o2", "sku": sku, "qty": 1}, key="k")
    assert later.status_code == 202
    assert "Idempotent-Replayed" not in later.headers
    assert batch_of(server, sku)["allocated"] == 2


def test_a_quantity_change_with_a_stale_expected_qty_changes_nothing(servers):
    server = servers()
    ref, sku = add_stock(server, 10)
    stale = post(server, "/change_batch_quantity", {"ref": ref, "qty": 3, "expected_qty": 12})
    assert stale.status_code == 409
    assert stale.json()["current_qty"] == 10
    assert stale.json()["message"] == f"batch {ref} has qty 10, not the expected 12; nothing was changed"
    assert batch_of(server, sku)["purchased"] == 10
    assert post(server, "/change_batch_quantity", {"ref": ref, "qty": 3, "expected_qty": 10}).status_code == 200
    assert batch_of(server, sku)["purchased"] == 3


def test_a_retry_on_another_instance_over_the_same_postgresql_is_a_replay(tmp_path):
    url = fresh_postgres_database()
    instances = [Server(str(tmp_path / f"unused-{i}.db"), database_url=url).start() for i in range(2)]
    try:
        one, other = instances
        _, sku = add_stock(one, 10)
        order = {"orderid": random_orderid(), "lines": [{"sku": sku, "qty": 2}]}
        placed = post(one, "/orders", order, key="k")
        assert placed.status_code == 201
        retried = post(other, "/orders", order, key="k")
        assert (retried.status_code, retried.json()) == (201, placed.json())
        assert retried.headers["Idempotent-Replayed"] == "true"
        assert post(other, "/orders", dict(order, orderid="else"), key="k").status_code == 422
        assert batch_of(other, sku)["allocated"] == 2
    finally:
        for instance in instances:
            instance.stop()
