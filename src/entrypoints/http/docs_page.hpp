#pragma once

#include <string_view>

namespace allocation::entrypoints::http {

// The reference page of GET /docs: the OpenAPI document rendered in the browser by Redoc,
// which the page loads from the server itself.
std::string_view docs_page();

// The Redoc bundle the page loads (third_party/redoc), as it was published.
std::string_view docs_renderer();

// A digest of the bundle, its ETag: a new bundle is a new URL's worth of caching.
std::string_view docs_renderer_digest();

}  // namespace allocation::entrypoints::http
