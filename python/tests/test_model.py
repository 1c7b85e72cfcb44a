"""The book's domain model, as its users rely on it: names, constructors, behaviour, and
values that behave like Python's own."""

import pickle
from datetime import date, timedelta

import pytest

from allocation.domain import events
from allocation.domain.model import Batch, OrderLine, Product

today = date.today()
tomorrow = today + timedelta(days=1)
later = today + timedelta(days=10)


def test_a_batch_takes_lines_that_fit_once_each():
    batch = Batch("b1", "LAMP", qty=20, eta=today)
    line = OrderLine("o1", "LAMP", 2)
    assert batch.can_allocate(line)
    batch.allocate(line)
    batch.allocate(line)
    assert batch.available_quantity == 18
    assert batch.allocations == [line]
    assert not batch.can_allocate(OrderLine("o2", "LAMP", 19))
    assert batch.can_allocate(OrderLine("o2", "LAMP", 18))
    assert batch.can_allocate(OrderLine("o2", "CHAIR", 1)) is False


def test_only_an_allocated_line_is_deallocated():
    batch = Batch("b1", "LAMP", 20)
    batch.deallocate(OrderLine("o1", "LAMP", 2))
    assert batch.available_quantity == 20
    batch.allocate(OrderLine("o1", "LAMP", 2))
    batch.deallocate(OrderLine("o1", "LAMP", 2))
    assert batch.available_quantity == 20


def test_the_batch_given_to_a_product_is_the_one_it_changes():
    in_stock = Batch("in-stock", "CLOCK", 100, eta=None)
    shipment = Batch("shipment", "CLOCK", 100, eta=tomorrow)
    product = Product(sku="CLOCK", batches=[shipment, in_stock])
    assert product.allocate(OrderLine("o1", "CLOCK", 10)) == "in-stock"
    assert in_stock.available_quantity == 90
    assert shipment.available_quantity == 100
    assert product.batches[1] is in_stock
    assert list(product.batches) == [shipment, in_stock]
    assert product.events == [events.Allocated("o1", "CLOCK", 10, "in-stock")]


def test_earlier_shipments_go_first_and_out_of_stock_is_recorded():
    batches = [Batch("b-later", "SPOON", 1, later), Batch("b-today", "SPOON", 1, today)]
    product = Product("SPOON", batches)
    assert product.allocate(OrderLine("o1", "SPOON", 1)) == "b-today"
    assert product.allocate(OrderLine("o2", "SPOON", 1)) == "b-later"
    assert product.allocate(OrderLine("o3", "SPOON", 1)) is None
    assert product.events[-1] == events.OutOfStock(sku="SPOON")
    assert product.events[-1].orderid == "o3"


def test_version_number_is_the_callers_to_set_and_counts_changes():
    product = Product("PEN", [Batch("b1", "PEN", 100)], version_number=3)
    product.version_number = 7
    product.allocate(OrderLine("o1", "PEN", 1))
    assert product.version_number == 8


def test_events_are_a_list_the_caller_may_drain():
    product = Product("PEN", [Batch("b1", "PEN", 100)])
    product.allocate(OrderLine("o1", "PEN", 1))
    assert product.events.pop(0) == events.Allocated("o1", "PEN", 1, "b1")
    assert product.events == []
    product.events = []
    product.allocate(OrderLine("o2", "PEN", 1))
    assert len(product.events) == 1


def test_batches_appended_to_a_product_are_recorded():
    product = Product("PEN", [])
    batch = Batch("b1", "PEN", 5, eta=today)
    product.batches.append(batch)
    assert batch in product.batches and len(product.batches) == 1
    assert product.events == [events.BatchCreated("b1", "PEN", 5, today)]
    assert product.allocate(OrderLine("o1", "PEN", 5)) == "b1"
    assert batch.available_quantity == 0


def test_order_lines_are_values():
    line = OrderLine("o1", "LAMP", 2)
    assert line == OrderLine(orderid="o1", sku="LAMP", qty=2)
    assert line != OrderLine("o1", "LAMP", 3)
    assert len({line, OrderLine("o1", "LAMP", 2), OrderLine("o2", "LAMP", 2)}) == 2
    assert {line: "x"}[OrderLine("o1", "LAMP", 2)] == "x"
    assert repr(line) == "OrderLine(orderid='o1', sku='LAMP', qty=2)"
    assert eval(repr(line)) == line
    assert pickle.loads(pickle.dumps(line)) == line
    match line:
        case OrderLine(orderid, sku, qty):
            assert (orderid, sku, qty) == ("o1", "LAMP", 2)
    with pytest.raises(AttributeError):
        line.qty = 3


def test_batches_are_entities_sorted_in_preference():
    assert Batch("b1", "A", 1) == Batch("b1", "B", 5, eta=today)
    assert Batch("b1", "A", 1) != Batch("b2", "A", 1)
    assert hash(Batch("b1", "A", 1)) == hash(Batch("b1", "B", 2))
    assert len({Batch("b1", "A", 1), Batch("b1", "A", 2)}) == 1
    warehouse, soon, late = Batch("w", "A", 1), Batch("s", "A", 1, tomorrow), Batch("l", "A", 1, later)
    assert sorted([late, warehouse, soon]) == [warehouse, soon, late]
    assert warehouse < soon < late and late > soon
    assert repr(soon) == f"Batch('s', 'A', qty=1, eta={tomorrow!r})"
    assert Batch("b", "A", 3) != "b"


def test_refusals_say_what_is_wrong():
    with pytest.raises(ValueError, match="qty"):
        OrderLine("o1", "LAMP", 0)
    with pytest.raises(TypeError, match="eta must be a datetime.date"):
        Batch("b1", "LAMP", 1, eta="2026-01-01")
    with pytest.raises(ValueError, match="SKU CHAIR"):
        Product("LAMP", [Batch("b1", "CHAIR", 1)])
    with pytest.raises(ValueError, match="twice"):
        batch = Batch("b1", "LAMP", 1)
        Product("LAMP", [batch, batch])
    product = Product("LAMP", [Batch("b1", "LAMP", 1)])
    with pytest.raises(ValueError, match="a line of SKU CHAIR"):
        product.allocate(OrderLine("o1", "CHAIR", 1))
    with pytest.raises(ValueError, match="belongs to product LAMP"):
        product.batches[0].allocate(OrderLine("o1", "LAMP", 1))
    with pytest.raises(ValueError, match="already belongs"):
        Product("LAMP", list(product.batches))


def test_a_product_takes_its_batches_from_any_iterable():
    product = Product("LAMP", (Batch(f"b{n}", "LAMP", 1) for n in range(3)))
    assert [b.reference for b in product.batches] == ["b0", "b1", "b2"]
    assert all(b.in_a_product for b in product.batches)
