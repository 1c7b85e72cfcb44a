"""Quantity changes read from a Redis stream with a consumer group: none lost while the
service is down, none applied twice, none retried forever."""

import json
import uuid

import pytest
import requests

from api_client import ApiClient
from conftest import Server, fresh_postgres_database, random_batchref, random_sku
from test_event_streams import read_group
from test_events import metric, redis_client, redis_url, wait_for


@pytest.fixture(params=["sqlite", "postgresql"])
def setting(request, tmp_path):
    """A server factory on one database, with a command stream, a dead-letter stream and an
    event stream of the test's own (the event stream read by group `shop`)."""
    suffix = uuid.uuid4().hex[:8]
    names = {"commands": f"allocation:commands:{suffix}", "dead": f"allocation:dead:{suffix}",
             "events": f"allocation:events:{suffix}"}
    client = redis_client()
    client.xgroup_create(names["events"], "shop", id="$", mkstream=True)
    url = fresh_postgres_database() if request.param == "postgresql" else None

    def make():
        return Server(str(tmp_path / "allocation.db"), database_url=url, extra_env={
            "ALLOCATION_REDIS": redis_url(), "ALLOCATION_REDIS_STREAM": names["events"],
            "ALLOCATION_REDIS_COMMAND_STREAM": names["commands"],
            "ALLOCATION_REDIS_DEAD_LETTER_STREAM": names["dead"]})
    yield make, client, names
    for name in names.values():
        client.delete(name)


def purchased(server, sku):
    return requests.get(f"{server.url}/products/{sku}").json()["batches"][0]["purchased"]


def quantity_changes(client, names):
    entries = read_group(client, names["events"], "c1")
    return [json.loads(fields["payload"]) for _, fields in entries
            if fields["event"] == "BatchQuantityChanged"]


def settled(client, names):
    """Every entry of the command stream delivered to the group and acknowledged."""
    group = client.xinfo_groups(names["commands"])[0]
    return group["pending"] == 0 and group["lag"] == 0


def test_a_change_written_while_the_service_was_stopped_is_applied_once_after_it_starts(setting):
    make, client, names = setting
    sku, batch = random_sku(), random_batchref()
    server = make().start()
    ApiClient(server.url).post_to_add_batch(batch, sku, 10, None)
    server.stop()

    client.xadd(names["commands"], {"payload": json.dumps(
        {"batchref": batch, "qty": 7, "expected_qty": 10})})
    server = make().start()
    try:
        wait_for(lambda: purchased(server, sku) == 7)
        wait_for(lambda: settled(client, names))
        changes = []
        wait_for(lambda: changes.extend(quantity_changes(client, names)) or changes)
        assert changes == [{"ref": batch, "sku": sku, "qty": 7}]
        stream = f'stream="{names["commands"]}"'
        assert metric(server, f'allocation_messages_consumed_total{{{stream},outcome="received"}}') == 1
        assert metric(server, 'allocation_broker_up{broker="redis",use="stream"}') == 1
    finally:
        server.stop()

    # Read again, as after a crash between the commit and the acknowledgement: the entry is
    # answered from its record, neither applied again nor refused for its expected_qty.
    client.xgroup_setid(names["commands"], "allocation", id="0")
    server = make().start()
    try:
        wait_for(lambda: settled(client, names))
        stream = f'stream="{names["commands"]}"'
        wait_for(lambda: metric(
            server, f'allocation_messages_consumed_total{{{stream},outcome="received"}}') == 1)
        assert metric(server, f'allocation_messages_consumed_total{{{stream},outcome="rejected"}}') == 0
        assert purchased(server, sku) == 7
        assert client.xlen(names["dead"]) == 0
        assert quantity_changes(client, names) == []
    finally:
        server.stop()


def test_malformed_and_refused_entries_go_to_the_dead_letter_stream_once(setting):
    make, client, names = setting
    sku, batch = random_sku(), random_batchref()
    server = make().start()
    try:
        ApiClient(server.url).post_to_add_batch(batch, sku, 10, None)
        commands = names["commands"]
        wait_for(lambda: metric(server, 'allocation_broker_up{broker="redis",use="stream"}') == 1)
        bad = [client.xadd(commands, {"payload": "not json"}),
               client.xadd(commands, {"body": "{}"}),
               client.xadd(commands, {"payload": json.dumps({"batchref": "nope", "qty": 3})}),
               client.xadd(commands, {"payload": json.dumps(
                   {"batchref": batch, "qty": 3, "expected_qty": 99})})]
        # The command's fields may also be the entry's own.
        client.xadd(commands, {"batchref": batch, "qty": "4"})
        wait_for(lambda: purchased(server, sku) == 4)
        wait_for(lambda: settled(client, names))
        dead = client.xrange(names["dead"])
        assert [fields["entry"] for _, fields in dead] == bad
        reasons = [fields["reason"] for _, fields in dead]
        assert "JSON" in reasons[0] or "json" in reasons[0]
        assert reasons[1] == "unknown field 'body'"
        assert "nope" in reasons[2]
        assert reasons[3] == "the batch's qty is 10, not the expected_qty"
        assert dead[0][1]["payload"] == "not json"
        assert {fields["stream"] for _, fields in dead} == {commands}
        stream = f'stream="{commands}"'
        consumed = 'allocation_messages_consumed_total{%s,outcome="%s"}'
        assert metric(server, consumed % (stream, "received")) == 5
        assert metric(server, consumed % (stream, "malformed")) == 2
        assert metric(server, consumed % (stream, "rejected")) == 2
    finally:
        server.stop()


def test_an_entry_another_consumer_left_unacknowledged_is_taken_over(setting):
    make, client, names = setting
    sku, batch = random_sku(), random_batchref()
    server = make().start()
    ApiClient(server.url).post_to_add_batch(batch, sku, 10, None)
    server.stop()

    # An instance read the entry and stopped for good before acknowledging it, a while ago.
    entry = client.xadd(names["commands"], {"batchref": batch, "qty": "6"})
    assert client.xreadgroup("allocation", "gone-host", {names["commands"]: ">"})
    client.xclaim(names["commands"], "allocation", "gone-host", 0, [entry], idle=120_000)
    server = make().start()
    try:
        wait_for(lambda: purchased(server, sku) == 6)
        wait_for(lambda: settled(client, names))
    finally:
        server.stop()
