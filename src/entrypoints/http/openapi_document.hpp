#pragma once

#include <string_view>

namespace allocation::entrypoints::http {

// The OpenAPI 3.1 document of the HTTP API (openapi.json, with this build's version): every
// route, its requests, responses and errors. A test holds it to the route table.
std::string_view openapi_document();

}  // namespace allocation::entrypoints::http
