"""Whole orders, holds that expire, confirmation, dry runs: POST /orders and its sequels."""

import json
import time
from datetime import datetime, timezone

import requests

from api_client import ApiClient
from conftest import random_batchref, random_orderid, random_sku
from test_events import redis_client, server_with_events, wait_for  # noqa: F401


def stock(server, *batches):
    api = ApiClient(server.url)
    for ref, sku, qty, eta in batches:
        api.post_to_add_batch(ref, sku, qty, eta)


def place(server, body):
    return requests.post(f"{server.url}/orders", json=body)


def test_a_whole_order_is_allocated_and_shown_with_each_lines_batch(server):
    lamp, rug = random_sku("lamp"), random_sku("rug")
    lamps, rugs = random_batchref("lamps"), random_batchref("rugs")
    stock(server, (lamps, lamp, 10, "2030-01-01"), (rugs, rug, 10, None))
    orderid = random_orderid()
    body = {"orderid": orderid, "lines": [{"sku": lamp, "qty": 3}, {"sku": rug, "qty": 1}]}

    r = place(server, body)
    assert r.status_code == 201
    order = {"orderid": orderid, "status": "allocated", "lines": [
        {"sku": lamp, "qty": 3, "batchref": lamps, "eta": "2030-01-01", "state": "allocated"},
        {"sku": rug, "qty": 1, "batchref": rugs, "eta": None, "state": "allocated"},
    ]}
    assert r.json() == order
    assert requests.get(f"{server.url}/orders/{orderid}").json() == order
    assert requests.get(f"{server.url}/allocations/{orderid}").json() == [
        {"sku": lamp, "batchref": lamps}, {"sku": rug, "batchref": rugs}]

    again = place(server, body)
    assert again.status_code == 200
    assert again.json() == order
    other = place(server, {"orderid": orderid, "lines": [{"sku": lamp, "qty": 4}]})
    assert other.status_code == 409
    assert "already exists" in other.json()["message"]


def test_an_order_that_cannot_be_whole_changes_nothing_and_lists_every_short_line(server):
    lamp, rug, chair = random_sku("lamp"), random_sku("rug"), random_sku("chair")
    stock(server, (random_batchref(), lamp, 10, None), (random_batchref(), rug, 2, None),
          (random_batchref(), chair, 1, None))
    orderid = random_orderid()
    r = place(server, {"orderid": orderid, "lines": [
        {"sku": lamp, "qty": 3}, {"sku": rug, "qty": 2}, {"sku": rug, "qty": 1},
        {"sku": chair, "qty": 5}]})
    assert r.status_code == 409
    assert r.json()["unavailable"] == [
        {"sku": rug, "requested": 3, "available": 2},
        {"sku": chair, "requested": 5, "available": 1}]
    assert r.json()["message"]
    assert requests.get(f"{server.url}/orders/{orderid}").status_code == 404
    lamps = requests.get(f"{server.url}/products/{lamp}").json()["batches"][0]
    assert lamps["available"] == 10 and lamps["allocated"] == 0

    unknown = random_sku("nosuch")
    r = place(server, {"orderid": orderid, "lines": [{"sku": unknown, "qty": 1}]})
    assert r.status_code == 400
    assert r.json() == {"message": f"Invalid sku {unknown}"}


def test_a_split_line_takes_several_batches_in_preference_order(server):
    sku = random_sku()
    early, late = random_batchref("early"), random_batchref("late")
    stock(server, (early, sku, 4, None), (late, sku, 10, "2030-01-01"))
    whole = place(server, {"orderid": random_orderid(), "lines": [{"sku": sku, "qty": 6}]})
    assert whole.status_code == 201
    assert [line["batchref"] for line in whole.json()["lines"]] == [late]

    orderid = random_orderid()
    r = place(server, {"orderid": orderid, "lines": [{"sku": sku, "qty": 7, "split": True}]})
    assert r.status_code == 201
    assert r.json()["lines"] == [
        {"sku": sku, "qty": 4, "batchref": early, "eta": None, "state": "allocated"},
        {"sku": sku, "qty": 3, "batchref": late, "eta": "2030-01-01", "state": "allocated"}]
    # The answer is the order as it is stored.
    assert requests.get(f"{server.url}/orders/{orderid}").json() == r.json()


def test_a_dry_run_says_what_would_happen_and_stores_nothing(server):
    sku, batch = random_sku(), random_batchref()
    stock(server, (batch, sku, 5, None))
    orderid = random_orderid()
    r = place(server, {"orderid": orderid, "lines": [{"sku": sku, "qty": 2}], "dry_run": True})
    assert r.status_code == 200
    assert r.json() == {"orderid": orderid, "status": "allocated", "lines": [
        {"sku": sku, "qty": 2, "batchref": batch, "eta": None, "state": "allocated"}]}
    assert requests.get(f"{server.url}/orders/{orderid}").status_code == 404
    refused = place(server, {"orderid": orderid, "lines": [{"sku": sku, "qty": 9}],
                             "dry_run": True})
    assert refused.status_code == 409
    assert refused.json()["unavailable"] == [{"sku": sku, "requested": 9, "available": 5}]


def test_a_hold_sets_stock_aside_until_confirmed_with_less(server):
    sku, batch = random_sku(), random_batchref()
    stock(server, (batch, sku, 10, None))
    orderid = random_orderid()
    before = datetime.now(timezone.utc)
    r = place(server, {"orderid": orderid, "lines": [{"sku": sku, "qty": 4}],
                       "hold_seconds": 600})
    assert r.status_code == 201
    held = r.json()
    assert held["status"] == "held"
    assert held["lines"] == [
        {"sku": sku, "qty": 4, "batchref": batch, "eta": None, "state": "held"}]
    expires_at = datetime.fromisoformat(held["expires_at"].replace("Z", "+00:00"))
    assert 590 <= (expires_at - before).total_seconds() <= 610
    assert held["expires_at"].endswith("Z")
    product = requests.get(f"{server.url}/products/{sku}").json()["batches"][0]
    assert product == {"ref": batch, "eta": None, "purchased": 10, "allocated": 0, "held": 4,
                       "available": 6}
    assert requests.post(f"{server.url}/orders/{orderid}/ship").status_code == 409

    too_much = requests.post(f"{server.url}/orders/{orderid}/confirm",
                             json={"lines": [{"sku": sku, "qty": 5}]})
    assert too_much.status_code == 409
    confirmed = requests.post(f"{server.url}/orders/{orderid}/confirm",
                              json={"lines": [{"sku": sku, "qty": 3}]})
    assert confirmed.status_code == 200
    assert confirmed.json()["status"] == "allocated"
    assert confirmed.json()["lines"] == [
        {"sku": sku, "qty": 3, "batchref": batch, "eta": None, "state": "allocated"}]
    product = requests.get(f"{server.url}/products/{sku}").json()["batches"][0]
    assert (product["allocated"], product["held"], product["available"]) == (3, 0, 7)
    again = requests.post(f"{server.url}/orders/{orderid}/confirm")
    assert again.status_code == 409
    assert requests.post(f"{server.url}/orders/{random_orderid()}/confirm").status_code == 404


def test_a_cancelled_hold_returns_its_stock(server):
    sku = random_sku()
    stock(server, (random_batchref(), sku, 10, None))
    orderid = random_orderid()
    place(server, {"orderid": orderid, "lines": [{"sku": sku, "qty": 4}], "hold_seconds": 600})
    r = requests.post(f"{server.url}/orders/{orderid}/cancel")
    assert r.status_code == 200
    assert r.json()["status"] == "cancelled"
    assert requests.get(f"{server.url}/products/{sku}").json()["batches"][0]["available"] == 10
    assert requests.post(f"{server.url}/orders/{orderid}/confirm").status_code == 409


def test_an_expired_holds_stock_goes_to_the_next_request_and_its_expiry_is_announced_after(
        server_with_events):
    server = server_with_events
    sku, batch = random_sku(), random_batchref()
    stock(server, (batch, sku, 5, None))
    held = random_orderid("held")
    subscription = redis_client().pubsub(ignore_subscribe_messages=True)
    subscription.subscribe("order_held", "hold_released")
    r = place(server, {"orderid": held, "lines": [{"sku": sku, "qty": 5}], "hold_seconds": 1})
    assert r.status_code == 201
    expires_at = r.json()["expires_at"]
    short = place(server, {"orderid": random_orderid(), "lines": [{"sku": sku, "qty": 1}]})
    assert short.status_code == 409

    deadline = datetime.fromisoformat(expires_at.replace("Z", "+00:00"))
    time.sleep(max(0.0, (deadline - datetime.now(timezone.utc)).total_seconds()) + 0.05)
    taker = random_orderid("taker")
    taken = place(server, {"orderid": taker, "lines": [{"sku": sku, "qty": 5}]})
    assert taken.status_code == 201
    assert requests.get(f"{server.url}/orders/{held}").json()["status"] == "expired"
    assert requests.post(f"{server.url}/orders/{held}/confirm").status_code == 409

    messages = []

    def released():
        message = subscription.get_message(timeout=0.2)
        if message:
            messages.append((message["channel"], json.loads(message["data"])))
        return any(channel == "hold_released" for channel, _ in messages)

    wait_for(released)
    assert messages[0] == ("order_held", {"orderid": held, "sku": sku, "qty": 5,
                                          "batchref": batch, "expires_at": expires_at})
    assert messages[-1] == ("hold_released", {"orderid": held, "sku": sku, "qty": 5,
                                              "batchref": batch, "reason": "expired"})
    product = requests.get(f"{server.url}/products/{sku}").json()["batches"][0]
    assert (product["allocated"], product["held"], product["available"]) == (5, 0, 0)


def test_invalid_orders_are_refused_naming_the_field(server):
    sku = random_sku()
    cases = [
        ({"lines": [{"sku": sku, "qty": 1}]}, "missing field 'orderid'"),
        ({"orderid": "o", "lines": []}, "field 'lines' must be an array of 1 to 100 lines"),
        ({"orderid": "o", "lines": [{"sku": sku, "qty": 0}]}, "in lines[0]"),
        ({"orderid": "o", "lines": [{"sku": sku, "qty": 1}], "hold_seconds": 0},
         "field 'hold_seconds' must be an integer from 1 to 86400"),
        ({"orderid": "o", "lines": [{"sku": sku, "qty": 1}], "hold_seconds": 86401},
         "field 'hold_seconds' must be an integer from 1 to 86400"),
        ({"orderid": "o", "lines": [{"sku": sku, "qty": 1, "split": "yes"}]},
         "field 'split' must be true or false in lines[0]"),
    ]
    for body, message in cases:
        r = place(server, body)
        assert r.status_code == 400, body
        assert message in r.json()["message"], (body, r.json())


def test_a_confirmation_is_published_with_what_returned_to_stock(server_with_events):
    server = server_with_events
    sku, batch, orderid = random_sku(), random_batchref(), random_orderid()
    stock(server, (batch, sku, 10, None))
    subscription = redis_client().pubsub(ignore_subscribe_messages=True)
    subscription.subscribe("hold_confirmed")
    place(server, {"orderid": orderid, "lines": [{"sku": sku, "qty": 4}], "hold_seconds": 600})
    r = requests.post(f"{server.url}/orders/{orderid}/confirm",
                      json={"lines": [{"sku": sku, "qty": 3}]})
    assert r.status_code == 200

    def announced():
        message = subscription.get_message(timeout=0.2)
        return json.loads(message["data"]) if message else None

    assert wait_for(announced) == {"orderid": orderid, "sku": sku, "qty": 3, "batchref": batch,
                                   "released": 1}
