"""Faults a hostile world brings: a crash under load, a database that cannot grow or turns
read-only. Nothing acknowledged is lost, nothing is oversold or duplicated, and the server
recovers by itself once the fault is gone."""

import os
import resource
import subprocess
import threading
import time
import urllib.parse

import pytest
import requests

from conftest import Server, create_token, e2e_support


def start_server(tmp_path, url, **env):
    tokens = {role: create_token(url, role, f"{role}-token") for role in ("reader", "admin")}
    settings = {"ALLOCATION_AUTH": "on", "ALLOCATION_TOKEN_REQUESTS_PER_SECOND_MAX": "1000000",
                **env}
    server = Server(str(tmp_path / "allocation.db"), database_url=url, extra_env=settings,
                    health_headers={"Authorization": f"Bearer {tokens['reader']}"}).start()
    return server, {role: {"Authorization": f"Bearer {token}"} for role, token in tokens.items()}


def allocate(server, headers, orderid, sku, qty, session=requests):
    return session.post(f"{server.url}/allocate", headers=headers, timeout=10,
                        json={"orderid": orderid, "sku": sku, "qty": qty})


def assert_recovers(server, headers):
    """Allocates one line as soon as the server can store it again, within five seconds."""
    for _ in range(50):
        if allocate(server, headers["admin"], "after-recovery", "S", 1).status_code == 202:
            return
        time.sleep(0.1)
    pytest.fail("the server did not recover once the fault was gone")


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path):
    if request.param == "postgresql":
        return e2e_support.fresh_postgres_database()
    return f"sqlite:///{tmp_path / 'allocation.db'}"


def test_sigkill_under_concurrent_load_loses_no_acknowledged_allocation_and_duplicates_none(
        tmp_path, database_url):
    server, headers = start_server(tmp_path, database_url)
    batches = {"hot-stock": None, "hot-soon": "2030-01-01", "hot-later": "2030-02-01"}
    for ref, eta in batches.items():
        r = requests.post(f"{server.url}/add_batch", headers=headers["admin"],
                          json={"ref": ref, "sku": "HOT", "qty": 10_000, "eta": eta})
        assert r.status_code == 201
    # Stock enough for every request: each 202 ("OK") is then an allocation.
    acknowledged = set()
    sent = {}
    lock = threading.Lock()

    def shop(number):
        with requests.Session() as session:
            for i in range(1000):
                orderid, qty = f"o-{number}-{i}", 1 + (number + i) % 3
                with lock:
                    sent[orderid] = qty
                try:
                    r = allocate(server, headers["admin"], orderid, "HOT", qty, session)
                except requests.RequestException:
                    return
                if r.status_code == 202:
                    with lock:
                        acknowledged.add(orderid)

    shops = [threading.Thread(target=shop, args=(n,)) for n in range(8)]
    for thread in shops:
        thread.start()
    time.sleep(1.5)
    server.kill()
    for thread in shops:
        thread.join()
    assert len(acknowledged) > 50

    server.start()
    allocated_to = {}
    for orderid in sent:
        rows = requests.get(f"{server.url}/allocations/{orderid}", headers=headers["reader"])
        if orderid in acknowledged:
            assert rows.status_code == 200, orderid
        if rows.status_code == 200:
            [row] = rows.json()
            assert row["sku"] == "HOT"
            allocated_to[orderid] = row["batchref"]
    product = requests.get(f"{server.url}/products/HOT", headers=headers["reader"]).json()
    for batch in product["batches"]:
        assert batch["available"] >= 0
        held = sum(sent[o] for o, ref in allocated_to.items() if ref == batch["ref"])
        assert batch["purchased"] - batch["available"] == held, batch["ref"]
    server.stop()


def test_a_database_that_cannot_grow_gets_503_and_the_server_recovers(tmp_path):
    """SQLite on a file system that refuses to extend files, as when the disk is full."""
    server, headers = start_server(tmp_path, f"sqlite:///{tmp_path / 'allocation.db'}")
    r = requests.post(f"{server.url}/add_batch", headers=headers["admin"],
                      json={"ref": "big", "sku": "S", "qty": 10_000_000})
    assert r.status_code == 201
    acknowledged = []
    files = [tmp_path / name for name in ("allocation.db", "allocation.db-wal")]
    resource.prlimit(server.process.pid, resource.RLIMIT_FSIZE,
                     (max(os.path.getsize(f) for f in files), resource.RLIM_INFINITY))
    refused = None
    for i in range(3000):
        r = allocate(server, headers["admin"], f"order-{i:04d}-" + "x" * 200, "S", 1)
        if r.status_code != 202:
            refused = r
            break
        acknowledged.append(i)
    assert refused is not None and refused.status_code == 503
    assert "storage" in refused.json()["message"]
    assert requests.get(f"{server.url}/products/S", headers=headers["reader"]).status_code == 200

    resource.prlimit(server.process.pid, resource.RLIMIT_FSIZE,
                     (resource.RLIM_INFINITY, resource.RLIM_INFINITY))
    assert_recovers(server, headers)
    server.kill()
    server.start()
    product = requests.get(f"{server.url}/products/S", headers=headers["reader"]).json()
    assert product["batches"][0]["available"] == 10_000_000 - len(acknowledged) - 1
    server.stop()


def psql(server_url, sql):
    parsed = urllib.parse.urlparse(server_url)
    subprocess.run(["psql", "-q", "-v", "ON_ERROR_STOP=1", "-h", parsed.hostname,
                    "-p", str(parsed.port), "-U", parsed.username, "-d", "postgres", "-c", sql],
                   check=True, capture_output=True)


def test_a_read_only_database_gets_503_and_the_server_recovers(tmp_path):
    url = e2e_support.fresh_postgres_database()
    name = url.rsplit("/", 1)[1]
    server, headers = start_server(tmp_path, url)
    assert requests.post(f"{server.url}/add_batch", headers=headers["admin"],
                         json={"ref": "b1", "sku": "S", "qty": 100}).status_code == 201
    drop_sessions = (f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                     f"WHERE datname = '{name}'")
    superuser = e2e_support.postgres_superuser_url(url)
    psql(superuser, f"ALTER DATABASE {name} SET default_transaction_read_only = on")
    try:
        psql(superuser, drop_sessions)
        answers = [allocate(server, headers["admin"], f"o{i}", "S", 1) for i in range(5)]
        assert {r.status_code for r in answers} == {503}
        assert all(r.json()["message"] for r in answers)
        assert requests.get(f"{server.url}/products/S", headers=headers["reader"]).json()[
            "batches"][0]["available"] == 100
        unready = requests.get(f"{server.url}/readyz")
        assert unready.status_code == 503
        assert unready.json()["status"] == "not ready"
        assert unready.json()["problems"][0].startswith("storage does not accept writes: ")
    finally:
        psql(superuser, f"ALTER DATABASE {name} RESET default_transaction_read_only")
    psql(superuser, drop_sessions)
    assert_recovers(server, headers)
    assert requests.get(f"{server.url}/readyz").json() == {"status": "ready"}
    product = requests.get(f"{server.url}/products/S", headers=headers["reader"]).json()
    assert product["batches"][0]["available"] == 99
    server.stop()
