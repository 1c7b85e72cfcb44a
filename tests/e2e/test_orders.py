"""An order as the shop sees it, and cancelling it."""

import requests

from api_client import ApiClient
from conftest import random_batchref, random_orderid, random_sku


def test_an_order_posted_line_by_line_is_shown_with_each_lines_batch_and_eta(server):
    api = ApiClient(server.url)
    lamp, rug = random_sku("lamp"), random_sku("rug")
    lamps, rugs = random_batchref("lamps"), random_batchref("rugs")
    api.post_to_add_batch(lamps, lamp, 10, "2030-01-01")
    api.post_to_add_batch(rugs, rug, 10, None)
    orderid = random_orderid()
    api.post_to_allocate(orderid, lamp, 3)
    api.post_to_allocate(orderid, rug, 1)

    r = requests.get(f"{server.url}/orders/{orderid}")
    assert r.status_code == 200
    assert r.json() == {"orderid": orderid, "status": "allocated", "lines": [
        {"sku": lamp, "qty": 3, "batchref": lamps, "eta": "2030-01-01", "state": "allocated"},
        {"sku": rug, "qty": 1, "batchref": rugs, "eta": None, "state": "allocated"},
    ]}
    r = requests.get(f"{server.url}/orders/{random_orderid()}")
    assert r.status_code == 404
    assert r.json()["message"].startswith("Unknown order ")


def test_a_cancelled_order_returns_its_stock_and_stays_listed_as_cancelled(server):
    api = ApiClient(server.url)
    sku, batch = random_sku(), random_batchref()
    api.post_to_add_batch(batch, sku, 10, None)
    orderid, other = random_orderid(1), random_orderid(2)
    api.post_to_allocate(orderid, sku, 4)
    api.post_to_allocate(other, sku, 5)

    r = requests.post(f"{server.url}/orders/{orderid}/cancel")
    assert r.status_code == 200
    assert r.json() == {"orderid": orderid, "status": "cancelled", "lines": [
        {"sku": sku, "qty": 4, "batchref": None, "eta": None, "state": "cancelled"},
    ]}
    assert api.get_allocation(orderid).status_code == 404
    product = requests.get(f"{server.url}/products/{sku}").json()
    assert product["batches"][0]["available"] == 5
    assert requests.get(f"{server.url}/orders/{other}").json()["status"] == "allocated"

    again = requests.post(f"{server.url}/orders/{orderid}/cancel")
    assert again.status_code == 200
    assert again.json() == r.json()
    assert requests.get(f"{server.url}/products/{sku}").json() == product


def test_cancelling_some_skus_leaves_the_others_allocated(server):
    api = ApiClient(server.url)
    lamp, rug = random_sku("lamp"), random_sku("rug")
    api.post_to_add_batch(random_batchref(), lamp, 10, None)
    api.post_to_add_batch(random_batchref(), rug, 10, None)
    orderid = random_orderid()
    api.post_to_allocate(orderid, lamp, 3)
    api.post_to_allocate(orderid, rug, 1)

    r = requests.post(f"{server.url}/orders/{orderid}/cancel", json={"skus": [rug]})
    assert r.status_code == 200
    assert r.json()["status"] == "partial"
    assert [(line["sku"], line["state"]) for line in r.json()["lines"]] == [
        (lamp, "allocated"), (rug, "cancelled")]
    assert api.get_allocation(orderid).json() == [{"sku": lamp, "batchref": r.json()["lines"][0]["batchref"]}]


def test_a_line_that_loses_its_batch_with_nowhere_to_go_stays_on_its_order_unallocated(server):
    api = ApiClient(server.url)
    sku, batch = random_sku(), random_batchref()
    api.post_to_add_batch(batch, sku, 10, None)
    orderid = random_orderid()
    api.post_to_allocate(orderid, sku, 8)
    r = requests.post(f"{server.url}/change_batch_quantity", json={"ref": batch, "qty": 5})
    assert r.status_code == 200

    assert api.get_allocation(orderid).status_code == 404
    assert requests.get(f"{server.url}/orders/{orderid}").json() == {
        "orderid": orderid, "status": "unallocated", "lines": [
            {"sku": sku, "qty": 8, "batchref": None, "eta": None, "state": "unallocated"}]}


def test_a_cancel_with_a_bad_body_is_refused_and_changes_nothing(server):
    api = ApiClient(server.url)
    sku = random_sku()
    api.post_to_add_batch(random_batchref(), sku, 10, None)
    orderid = random_orderid()
    api.post_to_allocate(orderid, sku, 2)
    for body, message in [({"skus": []}, "field 'skus' must be a non-empty array of strings"),
                          ({"skus": [7]}, "field 'skus' must be a non-empty array of strings"),
                          ({"skus": [""]}, "each of field 'skus' must not be empty")]:
        r = requests.post(f"{server.url}/orders/{orderid}/cancel", json=body)
        assert r.status_code == 400
        assert r.json()["message"] == message
    r = requests.post(f"{server.url}/orders/{orderid}/cancel", data="not json")
    assert r.status_code == 400
    assert requests.get(f"{server.url}/orders/{orderid}").json()["status"] == "allocated"


def test_a_shipped_order_leaves_the_warehouse_and_is_listed_as_shipped(server):
    api = ApiClient(server.url)
    sku, batch = random_sku(), random_batchref()
    api.post_to_add_batch(batch, sku, 10, None)
    orderid, other = random_orderid(1), random_orderid(2)
    api.post_to_allocate(orderid, sku, 4)
    api.post_to_allocate(other, sku, 1)

    r = requests.post(f"{server.url}/orders/{orderid}/ship")
    assert r.status_code == 200
    assert r.json() == {"orderid": orderid, "status": "shipped", "lines": [
        {"sku": sku, "qty": 4, "batchref": batch, "eta": None, "state": "shipped"}]}
    assert requests.get(f"{server.url}/products/{sku}").json()["batches"] == [
        {"ref": batch, "eta": None, "purchased": 6, "allocated": 1, "held": 0, "available": 5}]
    assert api.get_allocation(orderid).status_code == 404
    assert requests.get(f"{server.url}/orders/{other}").json()["status"] == "allocated"


def test_an_order_with_a_line_still_in_transit_does_not_ship(server):
    api = ApiClient(server.url)
    lamp, rug = random_sku("lamp"), random_sku("rug")
    lamps, rugs = random_batchref("lamps"), random_batchref("rugs")
    api.post_to_add_batch(lamps, lamp, 10, None)
    api.post_to_add_batch(rugs, rug, 10, "2030-01-01")
    orderid = random_orderid()
    api.post_to_allocate(orderid, lamp, 2)
    api.post_to_allocate(orderid, rug, 1)

    r = requests.post(f"{server.url}/orders/{orderid}/ship")
    assert r.status_code == 409
    assert r.json()["message"] == (f"order {orderid} cannot ship: its line of {rug} is in batch "
                                   f"{rugs}, which has not arrived (ETA 2030-01-01)")
    assert requests.get(f"{server.url}/orders/{orderid}").json()["status"] == "allocated"

    assert requests.post(f"{server.url}/change_batch_eta", json={"ref": rugs, "eta": None}).ok
    r = requests.post(f"{server.url}/orders/{orderid}/ship")
    assert r.status_code == 200
    assert r.json()["status"] == "shipped"
