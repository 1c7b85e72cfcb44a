#pragma once

#include <string>
#include <string_view>
#include <variant>

#include "entrypoints/http/request_decoding.hpp"

namespace allocation::entrypoints::http {

// An Idempotency-Key header: 1 to 255 printable ASCII characters.
std::variant<std::string, InvalidInput> decode_idempotency_key(std::string_view value);

// What identifies a request besides its key: its method, its path and its body compared by
// value (the order of an object's keys and the spaces between tokens do not count), as a
// SHA-256 digest in hex. `body` is empty or valid JSON.
std::string request_digest(std::string_view method, std::string_view path, std::string_view body);

}  // namespace allocation::entrypoints::http
