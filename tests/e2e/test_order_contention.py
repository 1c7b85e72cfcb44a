"""200 clients at once over 5 SKUs of scarce stock: whole orders and holds, some cancelled,
some confirmed, some left to expire. Nothing is oversold, every order is whole or absent,
and no request fails with a 5xx."""

import random
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import requests

from api_client import ApiClient
from conftest import random_batchref, random_orderid, random_sku

CLIENTS = 200
HOLD_TO_EXPIRE_S = 2


def check_no_batch_overcommitted(url, skus):
    for sku in skus:
        for batch in requests.get(f"{url}/products/{sku}").json()["batches"]:
            assert batch["allocated"] + batch["held"] <= batch["purchased"], batch
            assert batch["available"] == batch["purchased"] - batch["allocated"] - batch["held"]
            assert batch["available"] >= 0, batch


def test_contended_orders_and_holds_never_oversell_and_stay_whole(server):
    api = ApiClient(server.url)
    skus = [random_sku(f"scarce{i}") for i in range(5)]
    for sku in skus:
        api.post_to_add_batch(random_batchref("stock"), sku, 20, None)
        api.post_to_add_batch(random_batchref("ship"), sku, 10, "2030-01-01")
    rng = random.Random(13)
    plans = []
    for client in range(CLIENTS):
        lines = [{"sku": sku, "qty": rng.randint(1, 3), "split": rng.random() < 0.3}
                 for sku in rng.sample(skus, 3)]
        plans.append((random_orderid(f"c{client}"), lines, ["keep", "cancel", "confirm",
                                                             "expire"][client % 4]))
    statuses = []
    statuses_lock = threading.Lock()
    stop_sampling = threading.Event()

    def record(response):
        with statuses_lock:
            statuses.append(response.status_code)
        return response

    def client(plan):
        orderid, lines, fate = plan
        body = {"orderid": orderid, "lines": lines}
        if fate == "expire":
            body["hold_seconds"] = HOLD_TO_EXPIRE_S
        elif fate == "confirm":
            body["hold_seconds"] = 600
        with requests.Session() as session:
            placed = record(session.post(f"{server.url}/orders", json=body))
            assert placed.status_code in (201, 409), placed.text
            if placed.status_code == 409:
                assert {line["sku"] for line in placed.json()["unavailable"]} <= set(skus)
                return orderid, False
            if fate == "cancel":
                assert record(session.post(f"{server.url}/orders/{orderid}/cancel")).ok
            if fate == "confirm":
                assert record(session.post(f"{server.url}/orders/{orderid}/confirm")).ok
        return orderid, True

    def sample():
        while not stop_sampling.is_set():
            check_no_batch_overcommitted(server.url, skus)
            time.sleep(0.05)

    sampler = threading.Thread(target=sample)
    sampler.start()
    started = time.monotonic()
    try:
        with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
            outcomes = list(pool.map(client, plans))
    finally:
        stop_sampling.set()
        sampler.join()
    assert all(status < 500 for status in statuses)
    assert any(placed for _, placed in outcomes)
    assert not all(placed for _, placed in outcomes), "the stock was meant to be scarce"

    time.sleep(max(0.0, started + HOLD_TO_EXPIRE_S + 0.2 - time.monotonic()))
    check_no_batch_overcommitted(server.url, skus)
    allocated_by_batch = {}
    expected_state = {"keep": "allocated", "cancel": "cancelled", "confirm": "allocated",
                      "expire": "expired"}
    for (orderid, lines, fate), (_, placed) in zip(plans, outcomes):
        r = requests.get(f"{server.url}/orders/{orderid}")
        if not placed:
            assert r.status_code == 404
            continue
        order = r.json()
        assert order["status"] == expected_state[fate], order
        shown = {}
        for line in order["lines"]:
            shown[line["sku"]] = shown.get(line["sku"], 0) + line["qty"]
            if line["state"] == "allocated":
                allocated_by_batch[line["batchref"]] = (
                    allocated_by_batch.get(line["batchref"], 0) + line["qty"])
        assert shown == {line["sku"]: line["qty"] for line in lines}, order
    for sku in skus:
        for batch in requests.get(f"{server.url}/products/{sku}").json()["batches"]:
            assert batch["held"] == 0
            assert batch["allocated"] == allocated_by_batch.get(batch["ref"], 0), batch
