"""Stock at a glance: every SKU with its totals, a page at a time."""

import requests

from api_client import ApiClient
from conftest import random_batchref, random_orderid, random_suffix


def test_each_sku_is_listed_with_what_was_purchased_allocated_held_and_is_available(server):
    api = ApiClient(server.url)
    suffix = random_suffix()
    lamp, rug = f"lamp-{suffix}", f"rug-{suffix}"
    api.post_to_add_batch(random_batchref(), lamp, 10, None)
    api.post_to_add_batch(random_batchref(), lamp, 5, "2030-01-01")
    api.post_to_add_batch(random_batchref(), rug, 7, None)
    api.post_to_allocate(random_orderid(), lamp, 3)
    api.post_to_allocate(random_orderid(), lamp, 4)
    r = requests.post(f"{server.url}/orders", json={
        "orderid": random_orderid(), "lines": [{"sku": rug, "qty": 2}], "hold_seconds": 600})
    assert r.status_code == 201

    r = requests.get(f"{server.url}/products")
    assert r.status_code == 200
    assert r.json() == {"products": [
        {"sku": lamp, "purchased": 15, "allocated": 7, "held": 0, "available": 8},
        {"sku": rug, "purchased": 7, "allocated": 0, "held": 2, "available": 5},
    ], "next": None}


def test_the_list_comes_in_pages_in_byte_order_each_sku_once(server):
    api = ApiClient(server.url)
    skus = ["A-1", "B-2", "Z-3", "a-4", "b-5"]  # byte order: capitals first
    for sku in reversed(skus):
        api.post_to_add_batch(random_batchref(), sku, 1, None)

    seen, after, pages = [], None, 0
    while True:
        params = {"limit": 2} if after is None else {"limit": 2, "after": after}
        r = requests.get(f"{server.url}/products", params=params)
        assert r.status_code == 200
        body = r.json()
        assert len(body["products"]) <= 2
        seen += [product["sku"] for product in body["products"]]
        pages += 1
        after = body["next"]
        if after is None:
            break
        assert after == seen[-1]
    assert seen == skus
    assert pages == 3

    r = requests.get(f"{server.url}/products", params={"after": "Z-3"})
    assert [product["sku"] for product in r.json()["products"]] == ["a-4", "b-5"]


def test_a_page_asked_for_wrongly_is_a_400_that_says_what_to_ask(server):
    for query, says in [("limit=0", "limit must be a whole number from 1 to 1000"),
                        ("limit=1001", "limit must be a whole number from 1 to 1000"),
                        ("limit=ten", "limit must be a whole number from 1 to 1000"),
                        ("limit=", "limit must be a whole number from 1 to 1000"),
                        ("limit=1&limit=2", "limit is given twice"),
                        ("page=2", "unknown query parameter page; use after and limit"),
                        ("after=" + "x" * 256, "after")]:
        r = requests.get(f"{server.url}/products?{query}")
        assert r.status_code == 400, query
        assert says in r.json()["message"], query


def test_no_products_is_an_empty_list(server):
    r = requests.get(f"{server.url}/products")
    assert r.status_code == 200
    assert r.json() == {"products": [], "next": None}
