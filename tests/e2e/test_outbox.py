"""Every event leaves, on its channel and in the stream, and the outbox keeps only what has not."""

import json
import sqlite3
import subprocess

import pytest
import requests

from api_client import ApiClient
from conftest import Server, fresh_postgres_database, random_batchref, random_orderid, random_sku
from test_event_streams import read_group, stream_name
from test_events import PrivateRedis, metric, redis_client, redis_url, wait_for


def outbox_rows(server):
    """How many rows the server's outbox table holds."""
    if server.database_url.startswith("postgresql"):
        answer = subprocess.run(["psql", "-Atc", "SELECT count(*) FROM outbox", server.database_url],
                                check=True, capture_output=True, text=True)
        return int(answer.stdout)
    with sqlite3.connect(server.database_path) as db:
        return db.execute("SELECT count(*) FROM outbox").fetchone()[0]


@pytest.fixture(params=["sqlite", "postgresql"])
def engine_url(request):
    return fresh_postgres_database() if request.param == "postgresql" else None


def test_every_kind_of_event_leaves_on_its_channel_and_in_the_stream(tmp_path, engine_url):
    stream = stream_name()
    client = redis_client()
    client.xgroup_create(stream, "shop", id="$", mkstream=True)
    server = Server(str(tmp_path / "allocation.db"), database_url=engine_url, extra_env={
        "ALLOCATION_REDIS": redis_url(), "ALLOCATION_REDIS_STREAM": stream}).start()
    try:
        api = ApiClient(server.url)
        sku, batch, orderid = random_sku(), random_batchref(), random_orderid()
        api.post_to_add_batch(batch, sku, 10, "2030-01-01")
        assert requests.post(f"{server.url}/change_batch_quantity",
                             json={"ref": batch, "qty": 8}).status_code == 200
        assert requests.post(f"{server.url}/change_batch_eta",
                             json={"ref": batch, "eta": None}).status_code == 200
        api.post_to_allocate(orderid, sku, 3)
        api.post_to_allocate("too-big", sku, 50)
        entries = []
        wait_for(lambda: entries.extend(read_group(client, stream, "c1")) or len(entries) >= 5)
        by_event = {fields["event"]: fields for _, fields in entries}
        assert {event: fields["channel"] for event, fields in by_event.items()} == {
            "BatchCreated": "batch_created", "BatchQuantityChanged": "batch_quantity_changed",
            "BatchEtaChanged": "batch_eta_changed", "Allocated": "line_allocated",
            "OutOfStock": "out_of_stock"}
        assert json.loads(by_event["BatchCreated"]["payload"]) == {
            "ref": batch, "sku": sku, "qty": 10, "eta": "2030-01-01"}
        assert json.loads(by_event["BatchQuantityChanged"]["payload"]) == {
            "ref": batch, "sku": sku, "qty": 8}
        assert json.loads(by_event["OutOfStock"]["payload"]) == {
            "sku": sku, "orderid": "too-big", "qty": 50}
        assert [int(fields["seq"]) for _, fields in entries] == sorted(
            int(fields["seq"]) for _, fields in entries)
    finally:
        server.stop()
        client.delete(stream)


def test_the_outbox_keeps_only_what_redis_has_not_had(tmp_path, engine_url):
    """Under a sustained run the table stays about as long as the backlog, not the history;
    while Redis is down the backlog grows, and the metrics show it, until it is back."""
    private_redis = PrivateRedis(tmp_path)
    private_redis.start()
    server = Server(str(tmp_path / "allocation.db"), database_url=engine_url,
                    extra_env={"ALLOCATION_REDIS": private_redis.url}).start()
    backlog = 'allocation_outbox_backlog_events{destination="redis"}'
    oldest = 'allocation_outbox_oldest_undelivered_seconds{destination="redis"}'
    redis_up = 'allocation_broker_up{broker="redis",use="delivery"}'
    try:
        api = ApiClient(server.url)
        sku, batch = random_sku(), random_batchref()
        api.post_to_add_batch(batch, sku, 100_000, None)
        for round_ in range(5):
            for i in range(200):
                assert api.post_to_allocate(random_orderid(f"{round_}-{i}"), sku, 1).status_code == 202
            wait_for(lambda: outbox_rows(server) < 200)
        assert metric(server, "allocation_outbox_entries_removed_total") >= 800

        private_redis.stop()
        for i in range(100):
            assert api.post_to_allocate(random_orderid(f"down-{i}"), sku, 1).status_code == 202
        wait_for(lambda: metric(server, backlog) >= 100)
        wait_for(lambda: metric(server, redis_up) == 0)
        assert outbox_rows(server) >= 100
        assert metric(server, "allocation_event_delivery_failures_total"
                              '{destination="redis"}') >= 1
        wait_for(lambda: metric(server, oldest) >= 1)
        ready = requests.get(f"{server.url}/readyz")
        assert ready.status_code == 503
        assert any("Redis at" in problem for problem in ready.json()["problems"])

        private_redis.start()
        wait_for(lambda: metric(server, backlog) == 0, seconds=30)
        assert metric(server, redis_up) == 1
        assert metric(server, oldest) == 0
        wait_for(lambda: outbox_rows(server) == 0)
        wait_for(lambda: requests.get(f"{server.url}/readyz").status_code == 200)
    finally:
        server.stop()
        private_redis.stop()


def test_with_a_retention_delivered_events_stay_that_long(tmp_path):
    server = Server(str(tmp_path / "allocation.db"), extra_env={
        "ALLOCATION_REDIS": redis_url(), "ALLOCATION_OUTBOX_RETENTION_S": "3600"}).start()
    try:
        api = ApiClient(server.url)
        sku = random_sku()
        api.post_to_add_batch(random_batchref(), sku, 10, None)
        api.post_to_allocate(random_orderid(), sku, 1)
        wait_for(lambda: metric(server, 'allocation_outbox_backlog_events{destination="redis"}') == 0
                 and metric(server, 'allocation_events_delivered_total'
                                    '{destination="redis",event="Allocated"}') == 1)
        assert outbox_rows(server) == 2
        assert metric(server, "allocation_outbox_entries_removed_total") == 0
    finally:
        server.stop()


def test_without_any_destination_events_wait_in_the_outbox(tmp_path):
    server = Server(str(tmp_path / "allocation.db")).start()
    try:
        api = ApiClient(server.url)
        sku = random_sku()
        api.post_to_add_batch(random_batchref(), sku, 10, None)
        api.post_to_allocate(random_orderid(), sku, 1)
        assert outbox_rows(server) == 2
        text = requests.get(f"{server.url}/metrics").text
        assert "allocation_outbox_entries_removed_total 0" in text
        assert "allocation_build_info{version=" in text
    finally:
        server.stop()
