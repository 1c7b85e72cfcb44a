"""The domain beyond the book, from Python: holds that expire, confirmation, cancellation,
shipping, split lines, and batches that change."""

from datetime import date, datetime, timedelta, timezone

import pytest

from allocation.domain import events
from allocation.domain.model import Batch, OrderLine, Product

now = datetime(2026, 12, 1, 12, 0, tzinfo=timezone.utc)


def lamps(*batches):
    return Product("LAMP", [Batch(ref, "LAMP", qty, eta) for ref, qty, eta in batches])


def test_a_hold_sets_stock_aside_until_it_expires():
    product = lamps(("b1", 10, None))
    until = now + timedelta(minutes=15)
    assert product.place(OrderLine("o1", "LAMP", 4), hold_until=until, now=now) == [("b1", 4)]
    batch = product.batches[0]
    assert batch.holds == [(OrderLine("o1", "LAMP", 4), until)]
    assert product.held_for("o1", now=now) == 4
    assert product.obtainable(now=now) == 6
    assert product.held_for("o1", now=until) == 0
    assert product.obtainable(now=until) == 10
    assert product.events[-1] == events.OrderHeld("o1", "LAMP", 4, "b1", until)
    product.release_expired_holds(now=until)
    assert product.events[-1] == events.HoldReleased("o1", "LAMP", 4, "b1", "expired")
    assert batch.holds == []


def test_a_confirmed_hold_becomes_an_allocation_and_the_rest_returns():
    product = lamps(("b1", 10, None))
    product.place(OrderLine("o1", "LAMP", 4), hold_until=now + timedelta(hours=1), now=now)
    product.confirm_holds("o1", 3, now=now)
    assert product.events[-1] == events.HoldConfirmed("o1", "LAMP", 3, "b1", released=1)
    assert product.batches[0].allocated_quantity == 3
    with pytest.raises(ValueError, match="from 0 to 0"):
        product.confirm_holds("o1", 1, now=now)


def test_a_split_line_takes_stock_from_several_batches():
    product = lamps(("b1", 3, None), ("b2", 5, date(2030, 1, 1)))
    line = OrderLine("o1", "LAMP", 6)
    assert product.plan(line, now=now) == []
    assert product.plan(line, split=True, now=now) == [("b1", 3), ("b2", 3)]
    assert product.place(line, split=True, now=now) == [("b1", 3), ("b2", 3)]
    assert [e.batchref for e in product.events] == ["b1", "b2"]
    assert product.obtainable(split=True, now=now) == 2


def test_cancelling_returns_every_line_of_the_order():
    product = lamps(("b1", 10, None))
    product.allocate(OrderLine("o1", "LAMP", 2), now=now)
    product.place(OrderLine("o1", "LAMP", 3), hold_until=now + timedelta(hours=1), now=now)
    product.cancel_order("o1", now=now)
    assert product.batches[0].available_quantity == 10
    assert events.Deallocated("o1", "LAMP", 2) in product.events
    assert product.events[-1].reason == "cancelled"


def test_only_lines_in_the_warehouse_ship():
    product = lamps(("b1", 1, None), ("b2", 5, date(2030, 1, 1)))
    product.allocate(OrderLine("o1", "LAMP", 1), now=now)
    product.allocate(OrderLine("o2", "LAMP", 2), now=now)
    ((line, batch),) = product.lines_in_transit("o2")
    assert line == OrderLine("o2", "LAMP", 2) and batch is product.batches[1]
    with pytest.raises(ValueError, match="b2, which has not arrived"):
        product.ship_order("o2")
    product.ship_order("o1")
    assert product.events[-1] == events.LineShipped("o1", "LAMP", 1, "b1")
    assert product.batches[0].purchased_quantity == 0
    product.change_batch_eta("b2", None)
    product.ship_order("o2")
    assert product.events[-1] == events.LineShipped("o2", "LAMP", 2, "b2")


def test_a_smaller_batch_gives_up_its_latest_lines():
    product = lamps(("b1", 10, None))
    product.allocate(OrderLine("o1", "LAMP", 4), now=now)
    product.allocate(OrderLine("o2", "LAMP", 4), now=now)
    product.change_batch_quantity("b1", 5, now=now)
    assert product.events[-1] == events.Deallocated("o2", "LAMP", 4)
    assert product.events[-1].batchref == "b1"
    with pytest.raises(ValueError, match="no batch b9"):
        product.change_batch_quantity("b9", 1)


def test_events_and_commands_have_the_fields_of_the_contract():
    from dataclasses import fields

    from allocation import _core
    from allocation.domain import commands

    for name, names in _core.event_fields().items():
        assert [f.name for f in fields(getattr(events, name))] == names, name
    for name, names in _core.command_fields().items():
        if name != "ReleaseExpiredHolds":  # the service's own, on a timer
            assert [f.name for f in fields(getattr(commands, name))] == names, name
