"""Allocation Service from Python: the domain in-process (allocation.domain), the durable
service embedded (Service, AsyncService), or a client of a running server (Client,
AsyncClient). The three answer alike: the same methods, results (allocation.results) and
errors (allocation.errors)."""

from allocation import errors, results
from allocation._core import __version__
from allocation.client import AsyncClient, Client
from allocation.errors import AllocationError
from allocation.service import AsyncService, Service

__all__ = ["AllocationError", "AsyncClient", "AsyncService", "Client", "Service", "errors",
           "results", "__version__"]
