"""A small script as a user writes one, for `mypy --strict` (test_typing.py): it is checked,
not run."""

import asyncio
from datetime import date
from typing import Optional

import allocation
from allocation import errors, results
from allocation.domain import commands, events
from allocation.domain.model import Batch, OrderLine, Product


def allocate_in_process() -> Optional[str]:
    batch = Batch("b1", "LAMP", qty=20, eta=date.today())
    product = Product("LAMP", [batch])
    batchref: Optional[str] = product.allocate(OrderLine("o1", "LAMP", 2))
    recorded: list[events.Event] = product.events
    lines: set[OrderLine] = {OrderLine("o1", "LAMP", 2)}
    print(batch.available_quantity + len(lines) + len(recorded), sorted(product.batches))
    return batchref


def allocate_through(client: allocation.Client) -> results.Order:
    client.add_batch("b1", "LAMP", 10, eta=None)
    chosen: Optional[str] = client.allocate("o1", "LAMP", 1)
    try:
        return client.place_order("o2", [commands.RequestedLine("LAMP", 2)], hold_seconds=60)
    except errors.Unavailable as short:
        print(chosen, [s.available for s in short.unavailable])
        raise


async def allocate_embedded(url: str) -> int:
    async with allocation.AsyncService(url) as service:
        stock: results.ProductStock = await service.product("LAMP")
        return sum(batch.available for batch in stock.batches)


if __name__ == "__main__":
    allocate_in_process()
    with allocation.Client("http://127.0.0.1:5005", token=None) as client:
        allocate_through(client)
    asyncio.run(allocate_embedded("sqlite:///tmp/allocation.db"))
