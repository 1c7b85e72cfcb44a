#include "entrypoints/http/strict_json.hpp"

#include <algorithm>
#include <boost/json/basic_parser_impl.hpp>
#include <string>
#include <utility>
#include <vector>

namespace allocation::entrypoints::http {

namespace json = boost::json;

namespace {

// Builds the value as boost::json's own parser does, and stops at a key that its object has
// already had.
class StrictHandler {
 public:
  static constexpr std::size_t max_object_size = json::object::max_size();
  static constexpr std::size_t max_array_size = json::array::max_size();
  static constexpr std::size_t max_key_size = json::string::max_size();
  static constexpr std::size_t max_string_size = json::string::max_size();

  explicit StrictHandler(json::storage_ptr memory) { values_.reset(std::move(memory)); }

  bool on_document_begin(json::error_code& /*error*/) { return true; }
  bool on_document_end(json::error_code& /*error*/) { return true; }
  bool on_object_begin(json::error_code& /*error*/) {
    object_starts_.push_back(keys_.size());
    return true;
  }
  bool on_object_end(std::size_t members, json::error_code& /*error*/) {
    keys_.resize(object_starts_.back());
    object_starts_.pop_back();
    values_.push_object(members);
    return true;
  }
  bool on_array_begin(json::error_code& /*error*/) { return true; }
  bool on_array_end(std::size_t elements, json::error_code& /*error*/) {
    values_.push_array(elements);
    return true;
  }
  bool on_key_part(json::string_view part, std::size_t /*size*/, json::error_code& /*error*/) {
    key_.append(part.data(), part.size());
    values_.push_chars(part);
    return true;
  }
  bool on_key(json::string_view last, std::size_t /*size*/, json::error_code& error) {
    key_.append(last.data(), last.size());
    auto siblings = keys_.begin() + static_cast<std::ptrdiff_t>(object_starts_.back());
    if (std::find(siblings, keys_.end(), key_) != keys_.end()) {
      duplicate_key_ = std::move(key_);
      error = json::make_error_code(json::error::syntax);
      return false;
    }
    keys_.push_back(std::exchange(key_, {}));
    values_.push_key(last);
    return true;
  }
  bool on_string_part(json::string_view part, std::size_t /*size*/, json::error_code& /*error*/) {
    values_.push_chars(part);
    return true;
  }
  bool on_string(json::string_view last, std::size_t /*size*/, json::error_code& /*error*/) {
    values_.push_string(last);
    return true;
  }
  bool on_number_part(json::string_view /*part*/, json::error_code& /*error*/) { return true; }
  bool on_int64(std::int64_t number, json::string_view /*text*/, json::error_code& /*error*/) {
    values_.push_int64(number);
    return true;
  }
  bool on_uint64(std::uint64_t number, json::string_view /*text*/, json::error_code& /*error*/) {
    values_.push_uint64(number);
    return true;
  }
  bool on_double(double number, json::string_view /*text*/, json::error_code& /*error*/) {
    values_.push_double(number);
    return true;
  }
  bool on_bool(bool flag, json::error_code& /*error*/) {
    values_.push_bool(flag);
    return true;
  }
  bool on_null(json::error_code& /*error*/) {
    values_.push_null();
    return true;
  }
  bool on_comment_part(json::string_view /*part*/, json::error_code& /*error*/) { return true; }
  bool on_comment(json::string_view /*comment*/, json::error_code& /*error*/) { return true; }

  json::value release() { return values_.release(); }
  [[nodiscard]] const std::optional<std::string>& duplicate_key() const { return duplicate_key_; }

 private:
  json::value_stack values_;
  // The keys of every object open, outermost first; each object's begin at object_starts_.
  std::vector<std::string> keys_;
  std::vector<std::size_t> object_starts_;
  std::string key_;
  std::optional<std::string> duplicate_key_;
};

// The length of the UTF-8 sequence that `lead` begins, 0 if it begins none.
std::size_t sequence_length(unsigned char lead) {
  if (lead < 0x80) return 1;
  if (lead >= 0xc2 && lead <= 0xdf) return 2;
  if (lead >= 0xe0 && lead <= 0xef) return 3;
  if (lead >= 0xf0 && lead <= 0xf4) return 4;
  return 0;
}

// Whether the second byte fits the lead byte: excludes overlong forms, surrogates and code
// points past U+10FFFF.
bool second_byte_fits(unsigned char lead, unsigned char second) {
  switch (lead) {
    case 0xe0:
      return second >= 0xa0 && second <= 0xbf;
    case 0xed:
      return second >= 0x80 && second <= 0x9f;
    case 0xf0:
      return second >= 0x90 && second <= 0xbf;
    case 0xf4:
      return second >= 0x80 && second <= 0x8f;
    default:
      return second >= 0x80 && second <= 0xbf;
  }
}

}  // namespace

std::size_t invalid_utf8_at(std::string_view text) {
  std::size_t at = 0;
  while (at < text.size()) {
    auto lead = static_cast<unsigned char>(text[at]);
    std::size_t length = sequence_length(lead);
    if (length == 0 || at + length > text.size()) return at;
    for (std::size_t i = 1; i < length; ++i) {
      auto next = static_cast<unsigned char>(text[at + i]);
      bool fits = i == 1 ? second_byte_fits(lead, next) : next >= 0x80 && next <= 0xbf;
      if (!fits) return at;
    }
    at += length;
  }
  return std::string_view::npos;
}

std::variant<json::value, InvalidInput> parse_strict_json(std::string_view text,
                                                          std::size_t depth_max,
                                                          json::storage_ptr memory) {
  if (auto at = invalid_utf8_at(text); at != std::string_view::npos) {
    return InvalidInput{"request body is not valid UTF-8 (at byte " + std::to_string(at) + ")"};
  }
  json::parse_options options;
  options.max_depth = depth_max;
  json::basic_parser<StrictHandler> parser{options, std::move(memory)};
  json::error_code error;
  std::size_t read = parser.write_some(false, text.data(), text.size(), error);
  if (const auto& key = parser.handler().duplicate_key()) {
    return InvalidInput{"request body has the key '" + *key + "' more than once"};
  }
  if (!error && read < text.size()) error = json::make_error_code(json::error::extra_data);
  if (error) return InvalidInput{"request body is not valid JSON: " + error.message()};
  return parser.handler().release();
}

}  // namespace allocation::entrypoints::http
