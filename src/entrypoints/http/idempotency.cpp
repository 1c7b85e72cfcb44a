#include "entrypoints/http/idempotency.hpp"

#include <openssl/evp.h>

#include <algorithm>
#include <array>
#include <boost/json.hpp>
#include <stdexcept>
#include <vector>

#include "entrypoints/http/strict_json.hpp"

namespace allocation::entrypoints::http {

namespace json = boost::json;

namespace {

constexpr std::size_t key_bytes_max = 255;
constexpr std::size_t json_depth_max = 1000;

// `value` with every object's keys in order: equal values, equal text.
void write_canonical(const json::value& value, std::string& out) {
  if (value.is_object()) {
    std::vector<const json::key_value_pair*> members;
    for (const auto& member : value.get_object()) members.push_back(&member);
    std::sort(members.begin(), members.end(),
              [](const auto* a, const auto* b) { return a->key() < b->key(); });
    out += '{';
    for (const auto* member : members) {
      if (out.back() != '{') out += ',';
      out += json::serialize(json::string_view{member->key()});
      out += ':';
      write_canonical(member->value(), out);
    }
    out += '}';
  } else if (value.is_array()) {
    out += '[';
    for (const json::value& element : value.get_array()) {
      if (out.back() != '[') out += ',';
      write_canonical(element, out);
    }
    out += ']';
  } else {
    out += json::serialize(value);
  }
}

std::string sha256_hex(std::string_view text) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int size = 0;
  if (EVP_Digest(text.data(), text.size(), digest.data(), &size, EVP_sha256(), nullptr) != 1) {
    throw std::runtime_error{"SHA-256 failed"};
  }
  constexpr char digits[] = "0123456789abcdef";
  std::string hex;
  for (unsigned int i = 0; i < size; ++i) {
    hex += digits[digest[i] >> 4];
    hex += digits[digest[i] & 0xf];
  }
  return hex;
}

}  // namespace

std::variant<std::string, InvalidInput> decode_idempotency_key(std::string_view value) {
  bool printable =
      std::all_of(value.begin(), value.end(), [](char c) { return c >= 0x20 && c <= 0x7e; });
  if (value.empty() || value.size() > key_bytes_max || !printable) {
    return InvalidInput{"header Idempotency-Key must be 1 to " + std::to_string(key_bytes_max) +
                        " printable ASCII characters"};
  }
  return std::string{value};
}

std::string request_digest(std::string_view method, std::string_view path, std::string_view body) {
  std::string canonical{method};
  canonical += ' ';
  canonical += path;
  canonical += '\n';
  if (body.find_first_not_of(" \t\r\n") != std::string_view::npos) {
    auto parsed = parse_strict_json(body, json_depth_max, {});
    if (const auto* value = std::get_if<json::value>(&parsed)) {
      write_canonical(*value, canonical);
    } else {
      canonical += body;
    }
  }
  return sha256_hex(canonical);
}

}  // namespace allocation::entrypoints::http
