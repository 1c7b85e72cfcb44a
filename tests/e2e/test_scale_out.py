"""Several server processes on one PostgreSQL database, under contention."""

import os
import subprocess
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from conftest import Server, fresh_postgres_database, random_orderid


@pytest.fixture
def cluster(tmp_path):
    servers = []

    def start(count):
        url = fresh_postgres_database()
        for i in range(count):
            servers.append(Server(str(tmp_path / f"unused-{i}.db"), database_url=url).start())
        return servers

    yield start
    for server in servers:
        server.stop()


def allocate_everywhere(servers, requests_to_send, workers=32):
    def send(numbered):
        index, (orderid, sku) = numbered
        server = servers[index % len(servers)]
        r = requests.post(f"{server.url}/allocate", json={"orderid": orderid, "sku": sku, "qty": 1})
        return orderid, sku, r.status_code

    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(send, enumerate(requests_to_send)))


@pytest.mark.parametrize("processes", [2, 4])
def test_processes_on_one_hot_sku_never_oversell_and_never_fail(cluster, processes):
    servers = cluster(processes)
    stock = 150
    r = requests.post(f"{servers[0].url}/add_batch",
                      json={"ref": "hot-batch", "sku": "HOT", "qty": stock, "eta": None})
    assert r.status_code == 201
    orders = [(random_orderid(i), "HOT") for i in range(400)]

    results = allocate_everywhere(servers, orders)

    assert {code for _, _, code in results} == {202}
    allocated = [orderid for orderid, _, _ in results
                 if requests.get(f"{servers[-1].url}/allocations/{orderid}").status_code == 200]
    assert len(allocated) == stock
    product = requests.get(f"{servers[0].url}/products/HOT").json()
    assert product["batches"] == [
        {"ref": "hot-batch", "eta": None, "purchased": stock, "allocated": stock, "held": 0, "available": 0}]


def test_processes_on_many_skus_keep_every_acknowledged_allocation(cluster):
    servers = cluster(2)
    skus = [f"SKU-{i}" for i in range(20)]
    for i, sku in enumerate(skus):
        r = requests.post(f"{servers[i % 2].url}/add_batch",
                          json={"ref": f"batch-{sku}", "sku": sku, "qty": 1000, "eta": None})
        assert r.status_code == 201
    orders = [(random_orderid(i), skus[i % len(skus)]) for i in range(400)]

    results = allocate_everywhere(servers, orders)

    assert {code for _, _, code in results} == {202}
    for orderid, sku, _ in results:
        r = requests.get(f"{servers[0].url}/allocations/{orderid}")
        assert r.json() == [{"sku": sku, "batchref": f"batch-{sku}"}]
    for sku in skus:
        batch = requests.get(f"{servers[1].url}/products/{sku}").json()["batches"][0]
        assert batch["available"] == 1000 - 20


def test_a_quantity_change_on_one_process_is_seen_by_another(cluster):
    servers = cluster(2)
    first, second = servers
    requests.post(f"{first.url}/add_batch", json={"ref": "b1", "sku": "LAMP", "qty": 10})
    requests.post(f"{first.url}/add_batch",
                  json={"ref": "b2", "sku": "LAMP", "qty": 10, "eta": "2030-01-01"})
    assert requests.post(f"{first.url}/allocate",
                         json={"orderid": "o1", "sku": "LAMP", "qty": 8}).status_code == 202
    assert requests.post(f"{second.url}/change_batch_quantity",
                         json={"ref": "b1", "qty": 5}).status_code == 200
    # `first` holds LAMP in memory from before the change; it must see the change.
    assert requests.post(f"{first.url}/allocate",
                         json={"orderid": "o2", "sku": "LAMP", "qty": 5}).status_code == 202
    assert requests.get(f"{first.url}/allocations/o1").json() == [{"sku": "LAMP", "batchref": "b2"}]
    assert requests.get(f"{first.url}/allocations/o2").json() == [{"sku": "LAMP", "batchref": "b1"}]


def test_a_lost_database_connection_is_reestablished(cluster):
    (server,) = cluster(1)
    database = server.database_url.rsplit("/", 1)[1]
    requests.post(f"{server.url}/add_batch", json={"ref": "b1", "sku": "LAMP", "qty": 10})
    admin_url = os.environ["ALLOCATION_TEST_POSTGRES_URL"]
    subprocess.run(["psql", admin_url, "-qc",
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    f"WHERE datname = '{database}'"], check=True, capture_output=True)

    codes = [requests.post(f"{server.url}/allocate",
                           json={"orderid": f"o{i}", "sku": "LAMP", "qty": 1}).status_code
             for i in range(3)]

    assert codes == [202, 202, 202]
    for i in range(3):
        assert requests.get(f"{server.url}/allocations/o{i}").status_code == 200
