"""What the domain records, as values: one frozen dataclass per event, named and shaped as in
the service's event contract. Fields beyond those of Architecture Patterns with Python
(``Deallocated.batchref`` and ``.reason``, ``OutOfStock.orderid`` and ``.qty``) are carried but
not compared, so that an event built with the book's fields equals the one recorded."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Optional


class Event:
    """Every event the domain records."""


@dataclass(frozen=True)
class BatchCreated(Event):
    ref: str
    sku: str
    qty: int
    eta: Optional[date] = None


@dataclass(frozen=True)
class BatchQuantityChanged(Event):
    ref: str
    sku: str
    qty: int


@dataclass(frozen=True)
class BatchEtaChanged(Event):
    """``eta`` None: the batch has arrived in the warehouse."""

    ref: str
    sku: str
    eta: Optional[date]


@dataclass(frozen=True)
class Allocated(Event):
    orderid: str
    sku: str
    qty: int
    batchref: str


@dataclass(frozen=True)
class Deallocated(Event):
    """A line left ``batchref``: its quantity shrank (``reason`` quantity_changed; the line
    is to be placed again) or its order was cancelled (cancelled)."""

    orderid: str
    sku: str
    qty: int
    batchref: str = field(default="", compare=False)
    reason: str = field(default="quantity_changed", compare=False)


@dataclass(frozen=True)
class LineShipped(Event):
    orderid: str
    sku: str
    qty: int
    batchref: str


@dataclass(frozen=True)
class LineUnallocated(Event):
    """A line that lost its batch and found no other."""

    orderid: str
    sku: str
    qty: int


@dataclass(frozen=True)
class OrderHeld(Event):
    orderid: str
    sku: str
    qty: int
    batchref: str
    expires_at: datetime


@dataclass(frozen=True)
class HoldConfirmed(Event):
    """A hold became an allocation of ``qty``; ``released`` more returned to stock."""

    orderid: str
    sku: str
    qty: int
    batchref: str
    released: int = 0


@dataclass(frozen=True)
class HoldReleased(Event):
    """``reason``: cancelled, expired or quantity_changed."""

    orderid: str
    sku: str
    qty: int
    batchref: str
    reason: str


@dataclass(frozen=True)
class OutOfStock(Event):
    sku: str
    orderid: str = field(default="", compare=False)
    qty: int = field(default=0, compare=False)
