#pragma once

#include <boost/json.hpp>
#include <cstddef>
#include <string_view>
#include <variant>

#include "entrypoints/http/request_decoding.hpp"

namespace allocation::entrypoints::http {

// Parses `text` as one JSON document, refusing what a lenient parser lets through and a
// client would not mean: bytes that are not UTF-8, and a key given twice in one object (which
// would otherwise take the last value silently). The value's memory comes from `memory`.
std::variant<boost::json::value, InvalidInput> parse_strict_json(std::string_view text,
                                                                 std::size_t depth_max,
                                                                 boost::json::storage_ptr memory);

// The offset of the first byte of `text` that is not part of valid UTF-8 (overlong forms and
// surrogates included), or npos.
std::size_t invalid_utf8_at(std::string_view text);

}  // namespace allocation::entrypoints::http
