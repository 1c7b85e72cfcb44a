import requests

from api_client import ApiClient
from conftest import random_batchref, random_orderid, random_sku


def test_happy_path_returns_202_and_batch_is_allocated(server):
    api = ApiClient(server.url)
    orderid = random_orderid()
    sku, othersku = random_sku(), random_sku("other")
    earlybatch, laterbatch, otherbatch = random_batchref(1), random_batchref(2), random_batchref(3)
    api.post_to_add_batch(laterbatch, sku, 100, "2011-01-02")
    api.post_to_add_batch(earlybatch, sku, 100, "2011-01-01")
    api.post_to_add_batch(otherbatch, othersku, 100, None)

    r = api.post_to_allocate(orderid, sku, qty=3)
    assert r.status_code == 202
    assert r.text == "OK"

    r = api.get_allocation(orderid)
    assert r.ok
    assert r.json() == [{"sku": sku, "batchref": earlybatch}]


def test_unhappy_path_returns_400_and_error_message(server):
    api = ApiClient(server.url)
    unknown_sku, orderid = random_sku(), random_orderid()
    r = api.post_to_allocate(orderid, unknown_sku, qty=20, expect_success=False)
    assert r.status_code == 400
    assert r.json()["message"] == f"Invalid sku {unknown_sku}"

    r = api.get_allocation(orderid)
    assert r.status_code == 404
    assert r.text == "not found"


def test_an_unknown_order_is_a_json_message_to_a_client_that_asks_for_json(server):
    orderid = random_orderid()
    r = requests.get(f"{server.url}/allocations/{orderid}", headers={"Accept": "application/json"})
    assert r.status_code == 404
    assert r.headers["Content-Type"].startswith("application/json")
    assert r.json() == {"message": "not found"}
    plain = requests.get(f"{server.url}/allocations/{orderid}", headers={"Accept": "text/plain"})
    assert (plain.status_code, plain.text) == (404, "not found")


def metric(text, name):
    for line in text.splitlines():
        if line.startswith(name + " "):
            return float(line.split()[1])
    raise AssertionError(f"{name} not in metrics")


def test_metrics_tell_how_many_commands_were_stored_and_how_long_they_took(server):
    api = ApiClient(server.url)
    before = requests.get(f"{server.url}/metrics").text
    sku = random_sku()
    api.post_to_add_batch(random_batchref(), sku, 10, None)
    api.post_to_allocate(random_orderid(), sku, 1)
    api.post_to_allocate(random_orderid(), random_sku("unknown"), 1, expect_success=False)

    r = requests.get(f"{server.url}/metrics")
    assert r.status_code == 200
    assert r.headers["Content-Type"].startswith("text/plain; version=0.0.4")
    stored = "allocation_commands_committed_total"
    assert metric(r.text, stored) - metric(before, stored) == 3
    for stage in ("waiting", "handling", "durability"):
        name = f"allocation_command_{stage}_seconds"
        assert metric(r.text, f"{name}_count") - metric(before, f"{name}_count") == 3
        assert metric(r.text, f'{name}_bucket{{le="+Inf"}}') == metric(r.text, f"{name}_count")
    assert metric(r.text, 'allocation_http_responses_total{code="4xx"}') >= 1
    assert metric(r.text, "allocation_http_connections_open") >= 1


def test_out_of_stock_is_accepted_and_allocates_nothing(server):
    api = ApiClient(server.url)
    sku, orderid = random_sku(), random_orderid()
    api.post_to_add_batch(random_batchref(), sku, 5, None)
    r = api.post_to_allocate(orderid, sku, qty=10)
    assert r.status_code == 202
    assert api.get_allocation(orderid).status_code == 404


def test_a_client_that_accepts_json_is_told_the_batch_or_null(server):
    api = ApiClient(server.url)
    sku, batchref = random_sku(), random_batchref()
    api.post_to_add_batch(batchref, sku, 5, None)
    accept_json = {"Accept": "application/json"}
    r = requests.post(f"{server.url}/allocate", headers=accept_json,
                      json={"orderid": random_orderid(), "sku": sku, "qty": 3})
    assert (r.status_code, r.headers["Content-Type"]) == (202, "application/json")
    assert r.json() == {"batchref": batchref}
    r = requests.post(f"{server.url}/allocate", headers=accept_json,
                      json={"orderid": random_orderid(), "sku": sku, "qty": 3})
    assert (r.status_code, r.json()) == (202, {"batchref": None})


def test_the_same_line_twice_is_allocated_and_listed_once(server):
    api = ApiClient(server.url)
    sku, batch, orderid = random_sku(), random_batchref(), random_orderid()
    api.post_to_add_batch(batch, sku, 100, None)
    api.post_to_allocate(orderid, sku, 10)
    api.post_to_allocate(orderid, sku, 10)
    assert api.get_allocation(orderid).json() == [{"sku": sku, "batchref": batch}]
    product = requests.get(f"{server.url}/products/{sku}").json()
    assert product["batches"][0]["available"] == 90


def test_a_second_batch_with_an_existing_reference_is_refused(server):
    api = ApiClient(server.url)
    batch = random_batchref()
    api.post_to_add_batch(batch, random_sku(), 10, None)
    r = requests.post(f"{server.url}/add_batch",
                      json={"ref": batch, "sku": random_sku(), "qty": 5, "eta": None})
    assert r.status_code == 409
    assert r.json()["message"] == f"Batch {batch} already exists"


def test_changing_quantity_reallocates_to_another_batch(server):
    api = ApiClient(server.url)
    sku, instock, shipment = random_sku(), random_batchref("stock"), random_batchref("ship")
    order1, order2 = random_orderid(1), random_orderid(2)
    api.post_to_add_batch(instock, sku, 50, None)
    api.post_to_add_batch(shipment, sku, 50, "2030-01-01")
    api.post_to_allocate(order1, sku, 20)
    api.post_to_allocate(order2, sku, 20)

    r = requests.post(f"{server.url}/change_batch_quantity", json={"ref": instock, "qty": 25})
    assert r.status_code == 200

    assert api.get_allocation(order1).json() == [{"sku": sku, "batchref": instock}]
    assert api.get_allocation(order2).json() == [{"sku": sku, "batchref": shipment}]
    product = requests.get(f"{server.url}/products/{sku}").json()
    assert product == {"sku": sku, "batches": [
        {"ref": instock, "eta": None, "purchased": 25, "allocated": 20, "held": 0, "available": 5},
        {"ref": shipment, "eta": "2030-01-01", "purchased": 50, "allocated": 20, "held": 0, "available": 30},
    ]}


def test_changing_quantity_of_an_unknown_batch_is_404(server):
    r = requests.post(f"{server.url}/change_batch_quantity", json={"ref": "no-such", "qty": 1})
    assert r.status_code == 404
    assert r.json()["message"] == "Unknown batch no-such"


def test_a_shipment_that_arrives_is_allocated_from_first_and_keeps_its_lines(server):
    api = ApiClient(server.url)
    sku, early, late = random_sku(), random_batchref("early"), random_batchref("late")
    api.post_to_add_batch(early, sku, 10, "2030-01-01")
    api.post_to_add_batch(late, sku, 10, "2030-02-01")
    order1, order2 = random_orderid(1), random_orderid(2)
    api.post_to_allocate(order1, sku, 3)

    r = requests.post(f"{server.url}/change_batch_eta", json={"ref": late, "eta": None})
    assert r.status_code == 200
    api.post_to_allocate(order2, sku, 4)

    assert api.get_allocation(order1).json() == [{"sku": sku, "batchref": early}]
    assert api.get_allocation(order2).json() == [{"sku": sku, "batchref": late}]
    assert requests.get(f"{server.url}/products/{sku}").json() == {"sku": sku, "batches": [
        {"ref": late, "eta": None, "purchased": 10, "allocated": 4, "held": 0, "available": 6},
        {"ref": early, "eta": "2030-01-01", "purchased": 10, "allocated": 3, "held": 0, "available": 7},
    ]}


def test_a_delayed_shipment_moves_behind_the_others(server):
    api = ApiClient(server.url)
    sku, first, second = random_sku(), random_batchref("first"), random_batchref("second")
    api.post_to_add_batch(first, sku, 10, "2030-01-01")
    api.post_to_add_batch(second, sku, 10, "2030-02-01")
    r = requests.post(f"{server.url}/change_batch_eta", json={"ref": first, "eta": "2030-03-01"})
    assert r.status_code == 200
    batches = requests.get(f"{server.url}/products/{sku}").json()["batches"]
    assert [(b["ref"], b["eta"]) for b in batches] == [(second, "2030-02-01"), (first, "2030-03-01")]


def test_changing_the_eta_wrongly_is_refused_with_a_message(server):
    r = requests.post(f"{server.url}/change_batch_eta", json={"ref": "no-such", "eta": None})
    assert r.status_code == 404
    assert r.json()["message"] == "Unknown batch no-such"
    r = requests.post(f"{server.url}/change_batch_eta", json={"ref": "no-such"})
    assert r.status_code == 400
    assert r.json()["message"] == "missing field 'eta'"
    r = requests.post(f"{server.url}/change_batch_eta", json={"ref": "x", "eta": "2030-02-30"})
    assert r.status_code == 400
    assert r.json()["message"] == "field 'eta' must be an ISO date (YYYY-MM-DD) or null"


def test_unknown_product_is_404(server):
    r = requests.get(f"{server.url}/products/no-such-sku")
    assert r.status_code == 404
    assert r.json()["message"] == "Unknown sku no-such-sku"


def test_healthz(server):
    r = requests.get(f"{server.url}/healthz")
    assert r.status_code == 200
    assert r.json() == {"status": "ok"}


def test_order_ids_in_the_path_are_url_decoded(server):
    api = ApiClient(server.url)
    sku, batch = random_sku(), random_batchref()
    api.post_to_add_batch(batch, sku, 10, None)
    api.post_to_allocate("order with spaces/and slash", sku, 1)
    r = requests.get(f"{server.url}/allocations/order%20with%20spaces%2Fand%20slash")
    assert r.json() == [{"sku": sku, "batchref": batch}]


def test_keep_alive_serves_many_requests_on_one_connection(server):
    with requests.Session() as session:
        for _ in range(20):
            assert session.get(f"{server.url}/healthz").status_code == 200
