"""`allocation client`: every route from the command line, against a real server."""

import http.server
import json
import os
import sqlite3
import subprocess
import threading

import pytest

from conftest import BINARY, Server, free_port, random_batchref, random_orderid, random_sku


def client(server, *args, env=None):
    return subprocess.run([BINARY, "client", "--url", server.url, *args], capture_output=True,
                          text=True, timeout=30, env=dict(os.environ, **(env or {})))


def ok(server, *args):
    result = client(server, *args)
    assert result.returncode == 0, result.stderr
    return result.stdout


def as_json(server, *args):
    return json.loads(ok(server, "--json", *args))


def lines(text):
    return [line.split() for line in text.strip().splitlines()]


def test_add_batch_adds_it_and_a_second_with_its_reference_is_refused(server):
    ref, sku = random_batchref(), random_sku()
    assert ok(server, "add-batch", ref, sku, "10", "--eta", "2030-01-01") == "OK\n"
    again = client(server, "add-batch", ref, sku, "10")
    assert again.returncode == 1
    assert again.stderr == f"allocation: Batch {ref} already exists (HTTP 409)\n"
    assert as_json(server, "product", sku)["batches"][0]["eta"] == "2030-01-01"


def test_allocate_then_allocations_show_the_batch(server):
    ref, sku, orderid = random_batchref(), random_sku(), random_orderid()
    ok(server, "add-batch", ref, sku, "10")
    assert ok(server, "allocate", orderid, sku, "3") == f"allocated to {ref}\n"
    assert as_json(server, "allocate", random_orderid(), sku, "3") == {"batchref": ref}
    assert ok(server, "allocate", random_orderid(), sku, "5") == "out of stock\n"
    assert lines(ok(server, "allocations", orderid)) == [["SKU", "BATCH"], [sku, ref]]
    assert as_json(server, "allocations", orderid) == [{"sku": sku, "batchref": ref}]
    unknown = client(server, "allocations", random_orderid())
    assert (unknown.returncode, unknown.stderr) == (1, "allocation: not found (HTTP 404)\n")


def test_allocate_an_unknown_sku_is_refused_with_the_servers_message(server):
    result = client(server, "allocate", random_orderid(), "NO-SUCH-SKU", "1")
    assert result.returncode == 1
    assert result.stderr == "allocation: Invalid sku NO-SUCH-SKU (HTTP 400)\n"


def test_change_quantity_with_and_without_the_expected_quantity(server):
    ref, sku = random_batchref(), random_sku()
    ok(server, "add-batch", ref, sku, "10")
    assert ok(server, "change-quantity", ref, "7") == "OK\n"
    stale = client(server, "change-quantity", ref, "5", "--expected", "10")
    assert stale.returncode == 1
    assert "has qty 7, not the expected 10" in stale.stderr
    assert ok(server, "change-quantity", ref, "5", "--expected", "7") == "OK\n"
    assert as_json(server, "product", sku)["batches"][0]["purchased"] == 5


def test_change_eta_to_a_date_and_back_to_the_warehouse(server):
    ref, sku = random_batchref(), random_sku()
    ok(server, "add-batch", ref, sku, "10")
    ok(server, "change-eta", ref, "2031-02-03")
    assert as_json(server, "product", sku)["batches"][0]["eta"] == "2031-02-03"
    ok(server, "change-eta", ref, "none")
    assert as_json(server, "product", sku)["batches"][0]["eta"] is None


def test_place_hold_confirm_and_show_an_order(server):
    ref, sku, orderid = random_batchref(), random_sku(), random_orderid()
    ok(server, "add-batch", ref, sku, "10")
    dry = as_json(server, "place", orderid, f"{sku}:2", "--dry-run")
    assert dry["status"] == "allocated"
    held = ok(server, "place", orderid, f"{sku}:4", "--hold", "600")
    assert held.startswith(f"order {orderid}: held, held until ")
    assert lines(held)[1:] == [["SKU", "QTY", "BATCH", "ETA", "STATE"], [sku, "4", ref, "-", "held"]]
    confirmed = ok(server, "confirm", orderid, f"{sku}:3")
    assert lines(confirmed) == [["order", f"{orderid}:", "allocated"],
                                ["SKU", "QTY", "BATCH", "ETA", "STATE"],
                                [sku, "3", ref, "-", "allocated"]]
    assert as_json(server, "order", orderid)["lines"] == [
        {"sku": sku, "qty": 3, "batchref": ref, "eta": None, "state": "allocated"}]


def test_place_an_order_that_cannot_be_whole_is_refused_and_a_split_line_may_span_batches(server):
    sku = random_sku()
    ok(server, "add-batch", random_batchref(1), sku, "3")
    ok(server, "add-batch", random_batchref(2), sku, "3", "--eta", "2030-01-01")
    refused = client(server, "place", random_orderid(), f"{sku}:5")
    assert refused.returncode == 1
    assert "cannot be placed whole" in refused.stderr
    placed = as_json(server, "place", random_orderid(), f"{sku}:5:split")
    assert [line["qty"] for line in placed["lines"]] == [3, 2]
    malformed = client(server, "place", random_orderid(), sku)
    assert malformed.returncode == 2
    assert "a line is SKU:QTY[:split]" in malformed.stderr


def test_cancel_returns_the_stock(server):
    ref, sku, orderid = random_batchref(), random_sku(), random_orderid()
    ok(server, "add-batch", ref, sku, "10")
    ok(server, "allocate", orderid, sku, "4")
    assert lines(ok(server, "cancel", orderid))[0] == ["order", f"{orderid}:", "cancelled"]
    assert as_json(server, "product", sku)["batches"][0]["available"] == 10


def test_ship_refuses_what_has_not_arrived_then_ships_it(server):
    ref, sku, orderid = random_batchref(), random_sku(), random_orderid()
    ok(server, "add-batch", ref, sku, "10", "--eta", "2030-01-01")
    ok(server, "allocate", orderid, sku, "4")
    early = client(server, "ship", orderid, sku)
    assert early.returncode == 1 and "(HTTP 409)" in early.stderr
    ok(server, "change-eta", ref, "none")
    assert lines(ok(server, "ship", orderid, sku))[0] == ["order", f"{orderid}:", "shipped"]


def test_order_of_nobody_is_refused(server):
    result = client(server, "order", "nobodys-order")
    assert (result.returncode, result.stderr) == (
        1, "allocation: Unknown order nobodys-order (HTTP 404)\n")


def test_product_shows_its_batches_in_allocation_order(server):
    sku, early, late = random_sku(), random_batchref("early"), random_batchref("late")
    ok(server, "add-batch", late, sku, "5", "--eta", "2030-01-01")
    ok(server, "add-batch", early, sku, "7")
    assert lines(ok(server, "product", sku)) == [
        ["product", sku],
        ["BATCH", "ETA", "PURCHASED", "ALLOCATED", "HELD", "AVAILABLE"],
        [early, "-", "7", "0", "0", "7"],
        [late, "2030-01-01", "5", "0", "0", "5"]]


def test_products_lists_a_page_and_says_how_to_ask_for_the_next(server):
    for sku in ("A-1", "B-2", "C-3"):
        ok(server, "add-batch", random_batchref(), sku, "2")
    page = ok(server, "products", "--limit", "2")
    assert lines(page) == [["SKU", "PURCHASED", "ALLOCATED", "HELD", "AVAILABLE"],
                           ["A-1", "2", "0", "0", "2"], ["B-2", "2", "0", "0", "2"],
                           ["more:", "allocation", "client", "products", "--after", "B-2"]]
    rest = as_json(server, "products", "--after", "B-2")
    assert rest == {"products": [{"sku": "C-3", "purchased": 2, "allocated": 0, "held": 0,
                                  "available": 2}], "next": None}


def test_health_ready_and_metrics(server):
    assert ok(server, "health") == "ok\n"
    assert ok(server, "ready") == "ready\n"
    assert "allocation_build_info" in ok(server, "metrics")


def test_openapi_prints_the_document(server):
    document = as_json(server, "openapi")
    assert document["openapi"] == "3.1.0"
    assert "/batches" in document["paths"]


def test_check_prints_what_the_servers_check_finds_and_exits_1_on_drift(server_factory):
    server = server_factory().start()
    ok(server, "add-batch", "rugs", "RUG", "5")
    assert ok(server, "check") == (
        "No drift found: batches, lines, read models and the outbox agree.\n")
    with sqlite3.connect(server.database_path) as db:
        db.execute("UPDATE batches_view SET available_quantity = 99 WHERE reference = 'rugs'")
    drifted = client(server, "check")
    assert drifted.returncode == 1
    assert drifted.stdout.startswith("read_model: batches_view says batch rugs has sku RUG")
    as_text = client(server, "--json", "check")
    assert as_text.returncode == 1
    assert json.loads(as_text.stdout)["consistent"] is False


def test_a_server_that_does_not_answer_is_exit_code_3():
    result = subprocess.run([BINARY, "client", "--url", f"http://127.0.0.1:{free_port()}",
                             "--retries", "1", "health"], capture_output=True, text=True,
                            timeout=30)
    assert result.returncode == 3
    assert "cannot reach http://127.0.0.1:" in result.stderr


def test_usage_problems_are_exit_code_2():
    for args in (["client", "--url", "ftp://x", "health"], ["client", "add-batch", "b1"],
                 ["client", "frob"], ["client", "allocate", "o", "s", "many"]):
        result = subprocess.run([BINARY, *args], capture_output=True, text=True, timeout=30)
        assert result.returncode == 2, args
        assert result.stderr.startswith("allocation: ") and result.stderr.count("\n") == 1


def test_the_url_and_token_come_from_the_environment_too(tmp_path):
    database = f"sqlite:///{tmp_path / 'allocation.db'}"
    created = subprocess.run([BINARY, "token", "create", "--database", database, "--role",
                              "admin", "--name", "ops"], capture_output=True, text=True, check=True)
    token = created.stdout.strip().splitlines()[-1]
    running = Server(str(tmp_path / "allocation.db"), extra_env={"ALLOCATION_AUTH": "on"},
                     health_headers={"Authorization": f"Bearer {token}"}).start()
    try:
        env = dict(os.environ, ALLOCATION_URL=running.url)
        refused = subprocess.run([BINARY, "client", "add-batch", "b1", "LAMP", "1"],
                                 capture_output=True, text=True, env=env, timeout=30)
        assert refused.returncode == 1 and "authentication required" in refused.stderr
        env["ALLOCATION_TOKEN"] = token
        added = subprocess.run([BINARY, "client", "add-batch", "b1", "LAMP", "1"],
                               capture_output=True, text=True, env=env, timeout=30)
        assert (added.returncode, added.stdout) == (0, "OK\n")
        by_flag = subprocess.run([BINARY, "client", "--url", running.url, "--token", token,
                                  "product", "LAMP"], capture_output=True, text=True, timeout=30)
        assert by_flag.returncode == 0 and "b1" in by_flag.stdout
    finally:
        running.stop()


def test_each_invocation_has_its_own_key_and_its_retries_reuse_it(server):
    ref, sku = random_batchref(), random_sku()
    key = "retry-of-an-earlier-invocation"
    first = client(server, "--idempotency-key", key, "add-batch", ref, sku, "10")
    again = client(server, "--idempotency-key", key, "add-batch", ref, sku, "10")
    assert (first.returncode, again.returncode) == (0, 0)
    # Without the flag each invocation is new: the same batch again is a conflict.
    assert client(server, "add-batch", ref, sku, "10").returncode == 1


class _UnavailableOnce(http.server.BaseHTTPRequestHandler):
    keys = []

    def do_POST(self):
        self.rfile.read(int(self.headers["Content-Length"]))
        type(self).keys.append(self.headers["Idempotency-Key"])
        status = 503 if len(type(self).keys) == 1 else 201
        body = b'{"message":"storage unavailable"}' if status == 503 else b"OK"
        self.send_response(status)
        self.send_header("Content-Type", "application/json" if status == 503 else "text/plain")
        self.send_header("Retry-After", "0")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def test_a_503_is_retried_with_the_same_idempotency_key():
    peer = http.server.HTTPServer(("127.0.0.1", 0), _UnavailableOnce)
    threading.Thread(target=peer.serve_forever, daemon=True).start()
    try:
        result = subprocess.run([BINARY, "client", "--url", f"http://127.0.0.1:{peer.server_port}",
                                 "add-batch", "b1", "LAMP", "1"], capture_output=True, text=True,
                                timeout=30)
        assert (result.returncode, result.stdout) == (0, "OK\n")
        keys = _UnavailableOnce.keys
        assert len(keys) == 2 and keys[0] == keys[1] and keys[0].startswith("cli-")
    finally:
        peer.shutdown()
