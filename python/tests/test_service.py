"""The durable service embedded in the process, waited on and awaited: the server's engine and
guarantees (group commit, outbox, audit, idempotency), without a socket."""

import asyncio
import re
import sqlite3
import threading
from datetime import date

import pytest

import allocation
from allocation import _calls, errors, results
from allocation.domain import commands


def figure(metrics, name):
    return float(re.search(rf"^{name} (\S+)$", metrics, re.M).group(1))


def test_allocations_are_stored_and_survive_a_restart(engine_url):
    with allocation.Service(engine_url) as service:
        service.add_batch("b-later", "LAMP", 10, eta=date(2030, 1, 1))
        service.add_batch("b-now", "LAMP", 10)
        assert service.allocate("o1", "LAMP", 4) == "b-now"
        assert service.allocate("o2", "LAMP", 50) is None
    with allocation.Service(engine_url) as reopened:
        assert reopened.allocations("o1") == (results.Allocation("LAMP", "b-now"),)
        stock = reopened.product("LAMP")
        assert [(b.ref, b.available, b.eta) for b in stock.batches] == [
            ("b-now", 6, None), ("b-later", 10, date(2030, 1, 1))]


def test_refusals_are_exceptions_with_the_status_and_message(database_url):
    with allocation.Service(database_url) as service:
        with pytest.raises(errors.InvalidRequest) as invalid:
            service.allocate("o1", "NOPE", 1)
        assert (invalid.value.status, invalid.value.message) == (400, "Invalid sku NOPE")
        with pytest.raises(errors.InvalidRequest, match="qty"):
            service.add_batch("b1", "LAMP", -1)
        with pytest.raises(errors.NotFound):
            service.order("nobody")
        service.add_batch("b1", "LAMP", 10)
        with pytest.raises(errors.QuantityConflict) as conflict:
            service.change_batch_quantity("b1", 5, expected_qty=7)
        assert conflict.value.current_qty == 10
        with pytest.raises(errors.Unavailable) as short:
            service.place_order("o1", [("LAMP", 11)])
        assert short.value.unavailable == (results.Shortfall("LAMP", 11, 10),)


def test_a_call_retried_with_its_key_happens_once(database_url):
    with allocation.Service(database_url) as service:
        service.add_batch("b1", "LAMP", 100)
        change = _calls.change_batch_quantity("b1", 50, expected_qty=100)
        service._run(change)
        service._run(change)  # a retry: the recorded reply, not a 409 for 50 != 100
        with pytest.raises(errors.QuantityConflict):
            service.change_batch_quantity("b1", 50, expected_qty=100)


def test_orders_live_through_the_service(database_url):
    with allocation.Service(database_url) as service:
        service.handle(commands.CreateBatch("b1", "LAMP", 10))
        service.handle(commands.CreateBatch("b2", "LAMP", 10, eta=date(2030, 1, 1)))
        held = service.place_order("o1", [commands.RequestedLine("LAMP", 12, split=True)],
                                   hold_seconds=60)
        assert held.created and held.status == "held" and held.expires_at is not None
        assert [(l.batchref, l.qty) for l in held.lines] == [("b1", 10), ("b2", 2)]
        confirmed = service.confirm_order("o1", [("LAMP", 11)])
        assert confirmed.status == "allocated" and sum(l.qty for l in confirmed.lines) == 11
        with pytest.raises(errors.Conflict, match="not arrived"):
            service.ship_order("o1")
        assert service.cancel_order("o1").status == "cancelled"
        assert service.handle(commands.Allocate("o2", "LAMP", 3)) == "b1"
        assert service.ship_order("o2").lines[0].state == "shipped"
        page = service.products()
        assert page.products[0].sku == "LAMP" and page.next is None
        created = service.add_batches([commands.CreateBatch("b3", "DESK", 1),
                                       commands.CreateBatch("b1", "DESK", 1)], skip_refused=True)
        assert (created.created, [r.index for r in created.refused]) == (1, [1])


def test_every_change_is_in_the_outbox_and_the_audit(tmp_path):
    path = tmp_path / "audited.db"
    with allocation.Service(f"sqlite:///{path}") as service:
        service.add_batch("b1", "LAMP", 10)
        service.allocate("o1", "LAMP", 2)
    db = sqlite3.connect(path)
    assert [e for (e,) in db.execute("SELECT event FROM outbox ORDER BY id")] == [
        "BatchCreated", "Allocated"]
    assert [a for (a,) in db.execute("SELECT action FROM audit ORDER BY id")] == [
        "BatchCreated", "Allocated"]


def test_threads_waiting_at_once_share_group_commits(database_url):
    with allocation.Service(database_url) as service:
        service.add_batch("b1", "LAMP", 10_000)
        before = service.metrics()

        def allocate_some(thread):
            for n in range(25):
                assert service.allocate(f"t{thread}-{n}", "LAMP", 1) == "b1"

        threads = [threading.Thread(target=allocate_some, args=(t,)) for t in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        after = service.metrics()
        commands_committed = (figure(after, "allocation_commands_committed_total") -
                              figure(before, "allocation_commands_committed_total"))
        groups = (figure(after, "allocation_groups_committed_total") -
                  figure(before, "allocation_groups_committed_total"))
        assert commands_committed == 200
        assert groups < commands_committed
        assert service.product("LAMP").batches[0].allocated == 200


def test_coroutines_awaiting_at_once_share_group_commits(engine_url):
    async def main():
        async with allocation.AsyncService(engine_url) as service:
            await service.add_batch("b1", "LAMP", 1000)
            answers = await asyncio.gather(
                *(service.allocate(f"o{n}", "LAMP", 1) for n in range(300)))
            assert answers == ["b1"] * 300
            metrics = await service.metrics()
            assert figure(metrics, "allocation_groups_committed_total") < 100
            assert (await service.product("LAMP")).batches[0].allocated == 300
            with pytest.raises(errors.InvalidRequest):
                await service.allocate("o", "NOPE", 1)
            order = await service.place_order("h1", [("LAMP", 5)], hold_seconds=30)
            assert order.status == "held"

    asyncio.run(main())


def test_a_closed_service_refuses_and_loses_nothing(database_url):
    service = allocation.Service(database_url)
    service.retries = 1
    service.add_batch("b1", "LAMP", 10)
    service.close()
    with pytest.raises(errors.ServiceUnavailable, match="closed"):
        service.allocate("o1", "LAMP", 1)
    service.close()
    with allocation.Service(database_url) as reopened:
        assert reopened.product("LAMP").batches[0].purchased == 10


@pytest.mark.parametrize("url, problem", [
    ("nonsense", "unsupported database URL 'nonsense'"),
    ("sqlite:///nonexistent/dir/x.db", "cannot open database /nonexistent/dir/x.db"),
])
def test_a_database_that_cannot_be_opened_is_named(url, problem):
    with pytest.raises(errors.InvalidConfiguration, match=problem):
        allocation.Service(url)
