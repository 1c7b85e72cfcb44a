"""Every event also goes to a Redis Stream, where a consumer group misses none of them."""

import json
import uuid

import pytest
import redis
import requests

from api_client import ApiClient
from conftest import Server, fresh_postgres_database, random_batchref, random_orderid, random_sku
from test_events import PrivateRedis, redis_client, redis_url, wait_for


def stream_name():
    return f"allocation:events:{uuid.uuid4().hex[:8]}"


@pytest.fixture(params=["sqlite", "postgresql"])
def streaming(request, tmp_path):
    """A server publishing to the test Redis and appending to a stream of its own, with a
    consumer group created before any event."""
    stream = stream_name()
    client = redis_client()
    client.xgroup_create(stream, "shop", id="$", mkstream=True)
    url = fresh_postgres_database() if request.param == "postgresql" else None
    server = Server(str(tmp_path / "allocation.db"), database_url=url, extra_env={
        "ALLOCATION_REDIS": redis_url(), "ALLOCATION_REDIS_STREAM": stream}).start()
    yield server, client, stream
    server.stop()
    client.delete(stream)


def read_group(client, stream, consumer, start=">", count=1000):
    """The entries `consumer` of group `shop` reads from `start` (">": new ones; "0": its own
    unacknowledged ones), as (entry id, fields)."""
    answer = client.xreadgroup("shop", consumer, {stream: start}, count=count, block=200)
    return [entry for _, entries in answer for entry in entries]


def allocated_orders(entries):
    return {json.loads(fields["payload"])["orderid"] for _, fields in entries
            if fields["event"] == "Allocated"}


def test_each_event_is_in_the_stream_with_its_sequence_number_name_and_channel(streaming):
    server, client, stream = streaming
    api = ApiClient(server.url)
    sku, batch = random_sku(), random_batchref()
    api.post_to_add_batch(batch, sku, 10, None)
    first, second = random_orderid(), random_orderid()
    api.post_to_allocate(first, sku, 2)
    api.post_to_allocate(second, sku, 3)
    assert requests.post(f"{server.url}/orders/{first}/cancel").status_code == 200
    entries = []
    # BatchCreated, two Allocated, Deallocated
    wait_for(lambda: entries.extend(read_group(client, stream, "c1")) or len(entries) >= 4)
    by_event = {}
    for _, fields in entries:
        by_event.setdefault(fields["event"], []).append(fields)
    allocated = by_event["Allocated"]
    assert [json.loads(f["payload"]) for f in allocated] == [
        {"orderid": first, "sku": sku, "qty": 2, "batchref": batch},
        {"orderid": second, "sku": sku, "qty": 3, "batchref": batch}]
    assert {f["channel"] for f in allocated} == {"line_allocated"}
    assert int(allocated[0]["seq"]) < int(allocated[1]["seq"])
    deallocated = by_event["Deallocated"]
    assert deallocated[0]["channel"] == "line_deallocated"
    assert json.loads(deallocated[0]["payload"])["orderid"] == first
    assert len({f["seq"] for _, f in entries}) == len(entries)


def test_a_consumer_that_was_away_or_crashed_receives_every_event_once(streaming):
    server, client, stream = streaming
    api = ApiClient(server.url)
    sku, batch = random_sku(), random_batchref()
    api.post_to_add_batch(batch, sku, 100, None)
    orders = [random_orderid(i) for i in range(30)]
    for orderid in orders[:10]:
        api.post_to_allocate(orderid, sku, 1)
    # The consumer reads the first events and stops before it acknowledges them.
    taken = []
    wait_for(lambda: taken.extend(read_group(client, stream, "c1")) or len(allocated_orders(taken)) >= 10)
    for orderid in orders[10:]:
        api.post_to_allocate(orderid, sku, 1)

    # Back, it first takes what it had not acknowledged, then what came meanwhile.
    seen = {}

    def consume(start):
        for entry_id, fields in read_group(client, stream, "c1", start=start):
            seen.setdefault(fields["seq"], fields)
            client.xack(stream, "shop", entry_id)
    consume("0")
    wait_for(lambda: consume(">") or len(allocated_orders([(None, f) for f in seen.values()])) >= 30)
    assert allocated_orders([(None, f) for f in seen.values()]) == set(orders)
    assert client.xpending(stream, "shop")["pending"] == 0


def test_events_raised_while_redis_is_down_reach_the_consumer_group_once_it_is_back(tmp_path):
    private_redis = PrivateRedis(tmp_path, persistent=True)
    private_redis.start()
    stream = stream_name()
    client = redis_client(private_redis.url)
    client.xgroup_create(stream, "shop", id="$", mkstream=True)
    server = Server(str(tmp_path / "allocation.db"), extra_env={
        "ALLOCATION_REDIS": private_redis.url, "ALLOCATION_REDIS_STREAM": stream}).start()
    try:
        api = ApiClient(server.url)
        sku, batch = random_sku(), random_batchref()
        api.post_to_add_batch(batch, sku, 100, None)
        orders = [random_orderid(i) for i in range(30)]
        for orderid in orders[:10]:
            api.post_to_allocate(orderid, sku, 1)
        wait_for(lambda: client.xlen(stream) >= 10)
        private_redis.stop()
        for orderid in orders[10:]:
            assert api.post_to_allocate(orderid, sku, 1).status_code == 202
        private_redis.start()
        client = redis_client(private_redis.url)
        seen = {}

        def consume():
            try:
                entries = read_group(client, stream, "c1")
            except redis.exceptions.BusyLoadingError:  # still reading its append-only file
                return False
            for entry_id, fields in entries:
                seen.setdefault(fields["seq"], fields)
                client.xack(stream, "shop", entry_id)
            return allocated_orders([(None, f) for f in seen.values()]) >= set(orders)

        wait_for(consume, seconds=30)
        assert allocated_orders([(None, f) for f in seen.values()]) == set(orders)
        assert sum(f["event"] == "Allocated" for f in seen.values()) == 30
    finally:
        server.stop()
        private_redis.stop()


def test_the_stream_is_trimmed_to_about_its_length(tmp_path):
    stream = stream_name()
    client = redis_client()
    server = Server(str(tmp_path / "allocation.db"), extra_env={
        "ALLOCATION_REDIS": redis_url(), "ALLOCATION_REDIS_STREAM": stream,
        "ALLOCATION_REDIS_STREAM_LENGTH_MAX": "5"}).start()
    try:
        api = ApiClient(server.url)
        sku, batch = random_sku(), random_batchref()
        api.post_to_add_batch(batch, sku, 1000, None)
        for i in range(300):
            api.post_to_allocate(random_orderid(i), sku, 1)
        wait_for(lambda: 'allocation_events_delivered_total{destination="redis",event="Allocated"} 300'
                 in requests.get(f"{server.url}/metrics").text)
        # MAXLEN ~ trims whole nodes of the stream: about the length asked, never all 300.
        assert 0 < client.xlen(stream) < 300
    finally:
        server.stop()
        client.delete(stream)
