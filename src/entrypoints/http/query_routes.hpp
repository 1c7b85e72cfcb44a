#pragma once

#include "entrypoints/http/routes.hpp"

namespace allocation::entrypoints::http {

// The routes answered from the read models, where queries run (ApiPorts::query), at the time
// they run.

// `GET /allocations/{orderid}`.
Handler allocations_route(const ApiPorts& ports);
// `GET /products/{sku}`.
Handler product_route(const ApiPorts& ports);
// `GET /products?after=SKU&limit=N`.
Handler products_route(const ApiPorts& ports);
// `GET /admin/check`.
Handler consistency_route(const ApiPorts& ports);
// `GET /orders/{orderid}`.
Handler order_route(const ApiPorts& ports);

}  // namespace allocation::entrypoints::http
