"""What a refused request raises: an ``AllocationError`` with the HTTP status the service
answered and its message, of a subclass by status. An embedded service that cannot open its
database raises ``InvalidConfiguration`` (a ValueError) naming the problem."""

from __future__ import annotations

from typing import Any, Mapping, Optional, Tuple

from allocation._core import InvalidConfiguration
from allocation.results import Shortfall

__all__ = ["AllocationError", "Conflict", "ConnectionFailed", "Forbidden", "InvalidConfiguration",
           "InvalidRequest", "NotFound", "QuantityConflict", "ServiceUnavailable",
           "TooManyRequests", "Unauthorized", "Unavailable", "error_for"]


class AllocationError(Exception):
    """The service refused a request; ``status`` and ``message`` are its answer."""

    def __init__(self, status: int, message: str, body: Optional[Mapping[str, Any]] = None):
        super().__init__(f"{status}: {message}")
        self.status = status
        self.message = message
        self.body: Mapping[str, Any] = body or {}


class InvalidRequest(AllocationError):
    """400, 413 or 422: the request is not one the service takes (an unknown SKU among them)."""


class Unauthorized(AllocationError):
    """401: no token, or one the service does not know."""


class Forbidden(AllocationError):
    """403: the token's role may not do this."""


class NotFound(AllocationError):
    """404: no such batch, product or order."""


class Conflict(AllocationError):
    """409: the request does not fit the state things are in; nothing changed."""


class QuantityConflict(Conflict):
    """409 of a quantity change whose ``expected_qty`` was not the batch's: ``current_qty``."""

    @property
    def current_qty(self) -> int:
        return int(self.body["current_qty"])


class Unavailable(Conflict):
    """409 of an order the stock cannot satisfy: ``unavailable``, a shortfall per line."""

    @property
    def unavailable(self) -> Tuple[Shortfall, ...]:
        return tuple(Shortfall(s["sku"], s["requested"], s["available"])
                     for s in self.body["unavailable"])


class TooManyRequests(AllocationError):
    """429: the token is over its rate."""


class ServiceUnavailable(AllocationError):
    """503, still after the retries: storage failed or the service is overloaded; nothing
    changed."""


class ConnectionFailed(AllocationError):
    """The server could not be reached, still after the retries (status 0)."""


def error_for(status: int, message: str, body: Mapping[str, Any]) -> AllocationError:
    if status == 409 and "current_qty" in body:
        return QuantityConflict(status, message, body)
    if status == 409 and "unavailable" in body:
        return Unavailable(status, message, body)
    by_status = {401: Unauthorized, 403: Forbidden, 404: NotFound, 409: Conflict,
                 429: TooManyRequests, 503: ServiceUnavailable}
    kind = by_status.get(status, InvalidRequest if 400 <= status < 500 else AllocationError)
    return kind(status, message, body)
