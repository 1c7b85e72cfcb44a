#include "adapters/event_json.hpp"

#include <boost/json.hpp>

namespace allocation::adapters {

namespace json = boost::json;
using domain::Event;

namespace {

json::value to_value(const std::string& text) { return json::string{text}; }
json::value to_value(std::int64_t number) { return number; }
json::value to_value(const std::optional<domain::Date>& date) {
  if (!date) return nullptr;
  return json::string{date->iso()};
}

json::value to_value(domain::events::DeallocationReason reason) {
  return json::string{domain::events::name_of(reason)};
}
json::value to_value(domain::events::HoldReleaseReason reason) {
  return json::string{domain::events::name_of(reason)};
}
json::value to_value(domain::Instant instant) { return json::string{domain::rfc3339(instant)}; }

bool read(const json::value& value, std::string& text) {
  if (!value.is_string()) return false;
  text = value.get_string();
  return true;
}
bool read(const json::value& value, std::int64_t& number) {
  if (!value.is_int64()) return false;
  number = value.get_int64();
  return true;
}
bool read(const json::value& value, std::optional<domain::Date>& date) {
  if (value.is_null()) return true;
  if (value.is_string()) date = domain::Date::parse_iso(value.get_string());
  return date.has_value();
}

bool read(const json::value& value, domain::events::DeallocationReason& reason) {
  if (!value.is_string()) return false;
  auto named = domain::events::deallocation_reason_named(value.get_string());
  if (named) reason = *named;
  return named.has_value();
}

bool read(const json::value& value, domain::events::HoldReleaseReason& reason) {
  if (!value.is_string()) return false;
  auto named = domain::events::hold_release_reason_named(value.get_string());
  if (named) reason = *named;
  return named.has_value();
}

bool read(const json::value& value, domain::Instant& instant) {
  if (!value.is_string()) return false;
  auto parsed = domain::parse_rfc3339(value.get_string());
  if (parsed) instant = *parsed;
  return parsed.has_value();
}

// The event whose name is `name`, among the alternatives of Event from `index` on.
template <std::size_t index = 0>
std::optional<Event> decode_named(std::string_view name, const json::object& object) {
  if constexpr (index == std::variant_size_v<Event>) {
    return std::nullopt;
  } else {
    using Alternative = std::variant_alternative_t<index, Event>;
    if (Alternative::name != name) return decode_named<index + 1>(name, object);
    Alternative event;
    bool readable = true;
    Alternative::each_field(event, [&](std::string_view field, auto& value) {
      // A field that an earlier release did not write keeps its default.
      const json::value* found = object.if_contains(field);
      readable = readable && (found == nullptr || read(*found, value));
    });
    if (!readable) return std::nullopt;
    return event;
  }
}

}  // namespace

std::string to_json(const Event& event) {
  json::object object;
  std::visit(
      [&](const auto& e) {
        e.each_field(e, [&](std::string_view field, const auto& value) {
          object.emplace(field, to_value(value));
        });
      },
      event);
  return json::serialize(object);
}

std::optional<Event> event_from_json(std::string_view name, std::string_view payload) {
  json::error_code error;
  json::value document = json::parse(payload, error);
  if (error || !document.is_object()) return std::nullopt;
  return decode_named(name, document.get_object());
}

}  // namespace allocation::adapters
