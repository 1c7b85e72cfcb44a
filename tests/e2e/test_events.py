"""Events leaving the service through Redis and e-mail, and commands arriving from Redis."""

import email
import json
import os
import socket
import subprocess
import time
from pathlib import Path

import pytest
import redis
import requests

from api_client import ApiClient
from conftest import Server, free_port, fresh_postgres_database, random_batchref, random_orderid, random_sku


def redis_url():
    return os.environ["ALLOCATION_TEST_REDIS_URL"]


def redis_client(url=None):
    return redis.Redis.from_url(url or redis_url(), decode_responses=True)


@pytest.fixture(params=["sqlite", "postgresql"])
def server_with_events(request, tmp_path):
    url = fresh_postgres_database() if request.param == "postgresql" else None
    running = Server(str(tmp_path / "allocation.db"), database_url=url, extra_env={
        "ALLOCATION_REDIS": redis_url(),
        "ALLOCATION_SMTP": os.environ["ALLOCATION_TEST_SMTP_URL"],
        "ALLOCATION_SMTP_TO": "stock@example.com",
    }).start()
    yield running
    running.stop()


def wait_for(condition, seconds=10):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError("condition not met in time")


def test_change_batch_quantity_leading_to_reallocation(server_with_events):
    """The book's own end-to-end test of its external events, unchanged in substance."""
    api = ApiClient(server_with_events.url)
    orderid, sku = random_orderid(), random_sku()
    earlier_batch, later_batch = random_batchref("old"), random_batchref("newer")
    api.post_to_add_batch(earlier_batch, sku, qty=10, eta="2011-01-01")
    api.post_to_add_batch(later_batch, sku, qty=10, eta="2011-01-02")
    r = api.post_to_allocate(orderid, sku, 10)
    assert r.ok
    assert api.get_allocation(orderid).json()[0]["batchref"] == earlier_batch

    subscription = redis_client().pubsub(ignore_subscribe_messages=True)
    subscription.subscribe("line_allocated")
    redis_client().publish("change_batch_quantity",
                           json.dumps({"batchref": earlier_batch, "qty": 5}))

    def reallocated():
        message = subscription.get_message(timeout=0.2)
        if message:
            data = json.loads(message["data"])
            return data if data["orderid"] == orderid and data["batchref"] == later_batch else None
        return None

    data = wait_for(reallocated)
    assert data == {"orderid": orderid, "sku": sku, "qty": 10, "batchref": later_batch}
    assert api.get_allocation(orderid).json() == [{"sku": sku, "batchref": later_batch}]


def test_an_arrived_shipment_is_published_on_batch_eta_changed(server_with_events):
    api = ApiClient(server_with_events.url)
    sku, batch = random_sku(), random_batchref()
    api.post_to_add_batch(batch, sku, 10, "2030-01-01")
    subscription = redis_client().pubsub(ignore_subscribe_messages=True)
    subscription.subscribe("batch_eta_changed")
    r = requests.post(f"{server_with_events.url}/change_batch_eta", json={"ref": batch, "eta": None})
    assert r.status_code == 200

    def announced():
        message = subscription.get_message(timeout=0.2)
        return json.loads(message["data"]) if message else None

    assert wait_for(announced) == {"ref": batch, "sku": sku, "eta": None}


def test_a_cancellation_and_a_line_left_without_a_batch_are_published(server_with_events):
    api = ApiClient(server_with_events.url)
    sku, batch = random_sku(), random_batchref()
    api.post_to_add_batch(batch, sku, 10, None)
    cancelled, stranded = random_orderid(1), random_orderid(2)
    api.post_to_allocate(cancelled, sku, 2)
    api.post_to_allocate(stranded, sku, 8)
    subscription = redis_client().pubsub(ignore_subscribe_messages=True)
    subscription.subscribe("line_deallocated", "line_unallocated")
    assert requests.post(f"{server_with_events.url}/orders/{cancelled}/cancel").status_code == 200
    r = requests.post(f"{server_with_events.url}/change_batch_quantity", json={"ref": batch, "qty": 5})
    assert r.status_code == 200

    received = []

    def all_received():
        message = subscription.get_message(timeout=0.2)
        if message:
            received.append((message["channel"], json.loads(message["data"])))
        return len(received) == 3

    wait_for(all_received)
    assert sorted(received, key=lambda item: (item[0], item[1]["orderid"])) == [
        ("line_deallocated", {"orderid": cancelled, "sku": sku, "qty": 2, "batchref": batch,
                              "reason": "cancelled"}),
        ("line_deallocated", {"orderid": stranded, "sku": sku, "qty": 8, "batchref": batch,
                              "reason": "quantity_changed"}),
        ("line_unallocated", {"orderid": stranded, "sku": sku, "qty": 8}),
    ]


def test_a_shipped_line_is_published_on_line_shipped(server_with_events):
    api = ApiClient(server_with_events.url)
    sku, batch, orderid = random_sku(), random_batchref(), random_orderid()
    api.post_to_add_batch(batch, sku, 10, None)
    api.post_to_allocate(orderid, sku, 3)
    subscription = redis_client().pubsub(ignore_subscribe_messages=True)
    subscription.subscribe("line_shipped")
    assert requests.post(f"{server_with_events.url}/orders/{orderid}/ship").status_code == 200

    def announced():
        message = subscription.get_message(timeout=0.2)
        return json.loads(message["data"]) if message else None

    assert wait_for(announced) == {"orderid": orderid, "sku": sku, "qty": 3, "batchref": batch}


def test_malformed_messages_are_skipped_and_later_ones_handled(server_with_events):
    api = ApiClient(server_with_events.url)
    sku, batch = random_sku(), random_batchref()
    api.post_to_add_batch(batch, sku, 10, None)
    client = redis_client()
    for garbage in ["not json", "[]", '{"batchref": 5, "qty": 1}', '{"batchref": "x"}',
                    '{"batchref": "no-such-batch", "qty": 3}', '{"batchref": "b", "qty": -1}']:
        client.publish("change_batch_quantity", garbage)
    client.publish("change_batch_quantity", json.dumps({"batchref": batch, "qty": 3}))

    def changed():
        product = requests.get(f"{server_with_events.url}/products/{sku}").json()
        return product["batches"][0]["purchased"] == 3

    wait_for(changed)
    # A rejection is logged once its group is answered, which may be after the valid change
    # shows in the read model.
    def rejection_logged():
        logs = server_with_events.logs()
        return logs if "change_batch_quantity message rejected" in logs else None

    logs = wait_for(rejection_logged)
    assert "malformed change_batch_quantity message skipped" in logs
    assert "change_batch_quantity message rejected" in logs


def metric(server, name):
    for line in requests.get(f"{server.url}/metrics").text.splitlines():
        if line.startswith(name + " "):
            return float(line.split()[1])
    return None


def test_metrics_count_deliveries_and_consumed_messages(server_with_events):
    api = ApiClient(server_with_events.url)
    sku, batch = random_sku(), random_batchref()
    api.post_to_add_batch(batch, sku, 10, None)
    api.post_to_allocate(random_orderid(), sku, 4)
    api.post_to_allocate(random_orderid(), sku, 50)
    client = redis_client()
    wait_for(lambda: client.pubsub_numsub("change_batch_quantity")[0][1] > 0)
    client.publish("change_batch_quantity", "not json")
    client.publish("change_batch_quantity", json.dumps({"batchref": "no-such-batch", "qty": 3}))
    client.publish("change_batch_quantity", json.dumps({"batchref": batch, "qty": 8}))

    consumed = 'allocation_messages_consumed_total{channel="change_batch_quantity",outcome="%s"}'
    delivered = 'allocation_events_delivered_total{destination="%s",event="%s"}'
    wait_for(lambda: metric(server_with_events, delivered % ("redis", "Allocated")) == 1)
    wait_for(lambda: metric(server_with_events, delivered % ("redis", "OutOfStock")) == 1)
    wait_for(lambda: metric(server_with_events, delivered % ("smtp", "OutOfStock")) == 1)
    assert metric(server_with_events, delivered % ("smtp", "Allocated")) is None
    wait_for(lambda: metric(server_with_events, consumed % "received") == 3)
    wait_for(lambda: metric(server_with_events, consumed % "rejected") == 1)
    assert metric(server_with_events, consumed % "malformed") == 1
    assert metric(server_with_events, "allocation_event_handler_failures_total") == 0


def mails():
    found = []
    for path in Path(os.environ["ALLOCATION_TEST_MAILDIR"]).rglob("*"):
        if path.is_file():
            found.append(email.message_from_bytes(path.read_bytes()))
    return found


def test_out_of_stock_sends_an_email(server_with_events):
    api = ApiClient(server_with_events.url)
    sku = random_sku()
    api.post_to_add_batch(random_batchref(), sku, 1, None)
    api.post_to_allocate(random_orderid(), sku, 5)

    def out_of_stock_mail():
        return [m for m in mails() if f"Out of stock for {sku}" in m.get_payload()]

    (mail,) = wait_for(out_of_stock_mail)
    assert mail["From"] == "allocations@example.com"
    assert mail["To"] == "stock@example.com"
    assert mail["Subject"] == "allocation service notification"
    assert mail.get_payload().strip() == f"Out of stock for {sku}"


def connected_over(socket_path):
    """A client of the Redis listening on `socket_path`, or None while it does not answer."""
    try:
        client = redis.Redis(unix_socket_path=str(socket_path), decode_responses=True)
        client.ping()
        return client
    except redis.exceptions.ConnectionError:
        return None


class PrivateRedis:
    """A redis-server of the test's own, which the test may stop and start again."""

    def __init__(self, directory, persistent=False):
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}"
        self.directory = directory
        self.persistent = persistent  # an append-only file, as a Redis that keeps streams runs
        self.process = None

    def start(self):
        self._spawn("--port", str(self.port))
        self._wait_for_port()

    def start_subscribed(self, channel):
        """Starts Redis reachable only through a socket file, subscribes to `channel` there,
        and only then opens the port: a client of the port cannot publish before the
        subscription exists, which pub/sub would drop unseen."""
        socket_path = self.directory / "redis.sock"
        self._spawn("--port", "0", "--unixsocket", str(socket_path))
        admin = wait_for(lambda: connected_over(socket_path))
        subscription = admin.pubsub(ignore_subscribe_messages=True)
        subscription.subscribe(channel)
        admin.config_set("port", self.port)
        self._wait_for_port()
        return subscription

    def _spawn(self, *arguments):
        self.process = subprocess.Popen(
            [os.environ["ALLOCATION_TEST_REDIS_SERVER"], "--bind", "127.0.0.1", *arguments,
             "--save", "", "--appendonly", "yes" if self.persistent else "no",
             "--appendfsync", "always", "--dir", str(self.directory)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def _wait_for_port(self):
        for _ in range(200):
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.1).close()
                return
            except OSError:
                time.sleep(0.01)
        raise RuntimeError("redis-server did not start")

    def stop(self):
        if self.process:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None


@pytest.fixture
def redis_and_server(tmp_path):
    """A private Redis, and a server on SQLite that uses it."""
    private_redis = PrivateRedis(tmp_path)
    private_redis.start()
    server = Server(str(tmp_path / "allocation.db"),
                    extra_env={"ALLOCATION_REDIS": private_redis.url}).start()
    yield private_redis, server
    server.stop()
    private_redis.stop()


def test_events_raised_while_redis_is_down_are_delivered_when_it_is_back(redis_and_server):
    private_redis, server = redis_and_server
    api = ApiClient(server.url)
    sku, batch = random_sku(), random_batchref()
    api.post_to_add_batch(batch, sku, 100, None)
    private_redis.stop()

    orders = [random_orderid(i) for i in range(20)]
    for orderid in orders:
        assert api.post_to_allocate(orderid, sku, 1).status_code == 202

    subscription = private_redis.start_subscribed("line_allocated")
    seen = set()

    def all_delivered():
        message = subscription.get_message(timeout=0.2)
        if message:
            seen.add(json.loads(message["data"])["orderid"])
        return seen >= set(orders)

    wait_for(all_delivered, seconds=20)


def test_mail_raised_while_the_mail_server_is_down_is_sent_when_it_is_back(tmp_path):
    smtp_port = free_port()
    maildir = tmp_path / "mail"
    server = Server(str(tmp_path / "allocation.db"),
                    extra_env={"ALLOCATION_SMTP": f"smtp://127.0.0.1:{smtp_port}"}).start()
    sink = None
    try:
        api = ApiClient(server.url)
        sku = random_sku()
        api.post_to_add_batch(random_batchref(), sku, 1, None)
        api.post_to_allocate(random_orderid(), sku, 5)
        time.sleep(0.5)
        assert "event not delivered; will retry" in server.logs()

        sink = subprocess.Popen(
            ["/usr/bin/python3", "-m", "aiosmtpd", "-n", "-l", f"127.0.0.1:{smtp_port}",
             "-c", "aiosmtpd.handlers.Mailbox", str(maildir)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

        def delivered():
            return [p for p in maildir.rglob("*") if p.is_file()] if maildir.exists() else []

        (path,) = wait_for(delivered, seconds=20)
        assert f"Out of stock for {sku}" in path.read_text()
    finally:
        server.stop()
        if sink:
            sink.terminate()
            sink.wait(timeout=10)


def test_the_consumer_reconnects_after_redis_restarts(redis_and_server):
    private_redis, server = redis_and_server
    api = ApiClient(server.url)
    sku, batch = random_sku(), random_batchref()
    api.post_to_add_batch(batch, sku, 10, None)
    private_redis.stop()
    private_redis.start()
    client = redis_client(private_redis.url)

    def changed():
        client.publish("change_batch_quantity", json.dumps({"batchref": batch, "qty": 4}))
        product = requests.get(f"{server.url}/products/{sku}").json()
        return product["batches"][0]["purchased"] == 4

    wait_for(changed, seconds=20)


def test_readiness_names_an_unreachable_redis_and_liveness_does_not_care(redis_and_server):
    private_redis, server = redis_and_server
    wait_for(lambda: requests.get(f"{server.url}/readyz").status_code == 200)
    assert requests.get(f"{server.url}/readyz").json() == {"status": "ready"}
    private_redis.stop()
    # A Response of status 503 is falsy: wait for a list holding it.
    [unready] = wait_for(lambda: [r for r in [requests.get(f"{server.url}/readyz")]
                                  if r.status_code == 503])
    assert unready.json()["problems"] == [f"Redis at 127.0.0.1:{private_redis.port} is unreachable"]
    assert unready.headers["Retry-After"] == "1"
    assert requests.get(f"{server.url}/healthz").status_code == 200
    private_redis.start()
    wait_for(lambda: requests.get(f"{server.url}/readyz").status_code == 200, seconds=20)
