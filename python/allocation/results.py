"""What the service answers, as values (frozen dataclasses)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Optional, Tuple


@dataclass(frozen=True)
class Allocation:
    sku: str
    batchref: str


@dataclass(frozen=True)
class Stock:
    """A batch's or a product's quantities; held stock that has expired counts for nothing."""

    purchased: int
    allocated: int
    held: int
    available: int


@dataclass(frozen=True)
class BatchStock(Stock):
    ref: str = ""
    eta: Optional[date] = None


@dataclass(frozen=True)
class ProductStock:
    """A SKU's batches, in allocation preference order."""

    sku: str
    batches: Tuple[BatchStock, ...]


@dataclass(frozen=True)
class ProductTotals(Stock):
    sku: str = ""


@dataclass(frozen=True)
class ProductPage:
    """SKUs in byte order; ``next`` is the ``after`` of the next page, None on the last."""

    products: Tuple[ProductTotals, ...]
    next: Optional[str]


@dataclass(frozen=True)
class LineState:
    """A line of an order: ``state`` allocated, held, shipped, cancelled, expired or
    unallocated; a split line has one per batch."""

    sku: str
    qty: int
    batchref: Optional[str]
    eta: Optional[date]
    state: str


@dataclass(frozen=True)
class Order:
    """``status``: allocated, held, shipped, cancelled, expired, unallocated or partial;
    ``created`` is False when the same order was already placed (or for a dry run)."""

    orderid: str
    status: str
    expires_at: Optional[datetime]
    lines: Tuple[LineState, ...]
    created: bool = False


@dataclass(frozen=True)
class Shortfall:
    """A line of an order the stock cannot satisfy, and what it could take."""

    sku: str
    requested: int
    available: int


@dataclass(frozen=True)
class RefusedBatch:
    index: int
    message: str


@dataclass(frozen=True)
class BatchesCreation:
    created: int
    unchanged: int
    refused: Tuple[RefusedBatch, ...]
    dry_run: bool
