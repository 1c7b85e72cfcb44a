"""The domain model of Architecture Patterns with Python over the service's C++ domain.

``OrderLine`` is a value; ``Batch`` an entity, equal to another with its reference, sorting in
allocation preference (warehouse stock first, then by ETA); ``Product`` the aggregate of one
SKU's batches, which allocates, holds, cancels and ships, counts its changes in
``version_number`` and records them in ``events``. A batch given to a product is the product's
from then on: the object the caller kept shows what the product does to it, and changes only
through the product.
"""

from allocation._core import Batch, OrderLine, Product, ProductBatches

__all__ = ["Batch", "OrderLine", "Product", "ProductBatches"]
