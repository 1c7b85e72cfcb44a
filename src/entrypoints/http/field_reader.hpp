#pragma once

#include <algorithm>
#include <boost/json.hpp>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/commands.hpp"
#include "domain/date.hpp"
#include "entrypoints/http/request_decoding.hpp"

// The reading of one request object's fields under the input limits, for request_decoding.cpp.
namespace allocation::entrypoints::http {

namespace json = boost::json;

// What is wrong with `value` as the identifier `name`, if anything.
inline std::optional<std::string> identifier_problem(std::string_view name, std::string_view value,
                                                     const InputLimits& limits) {
  std::string field = "field '" + std::string{name} + "'";
  if (value.empty()) return field + " must not be empty";
  if (value.size() > limits.identifier_bytes_max) {
    return field + " must be at most " + std::to_string(limits.identifier_bytes_max) + " bytes";
  }
  for (unsigned char c : value) {
    if (c < 0x20 || c == 0x7f) return field + " must not contain control characters";
  }
  return std::nullopt;
}

// Reads fields of a request object; the first problem found is kept and ends decoding.
class FieldReader {
 public:
  FieldReader(const json::object& object, const InputLimits& limits)
      : object_{object}, limits_{limits} {}

  std::string identifier(std::string_view name) {
    const json::value* value = field(name);
    if (value == nullptr) return {};
    if (!value->is_string()) {
      fail(name, "must be a string");
      return {};
    }
    std::string text{value->get_string()};
    if (auto problem = identifier_problem(name, text, limits_)) problem_ = problem;
    return text;
  }

  std::int64_t quantity(std::string_view name, std::int64_t minimum) {
    const json::value* value = field(name);
    if (value == nullptr) return 0;
    std::optional<std::int64_t> number;
    if (value->is_int64()) number = value->get_int64();
    if (value->is_uint64() &&
        value->get_uint64() <= static_cast<std::uint64_t>(limits_.quantity_max)) {
      number = static_cast<std::int64_t>(value->get_uint64());
    }
    if (!number || *number < minimum || *number > limits_.quantity_max) {
      fail(name, std::string{"must be "} + (minimum > 0 ? "a positive" : "a non-negative") +
                     " integer of at most " + std::to_string(limits_.quantity_max));
      return 0;
    }
    return *number;
  }

  // Absent is none; present, a non-empty array of identifiers.
  std::vector<std::string> optional_identifiers(std::string_view name) {
    auto found = find(name);
    if (problem_ || found == object_.end()) return {};
    if (!found->value().is_array() || found->value().get_array().empty()) {
      fail(name, "must be a non-empty array of strings");
      return {};
    }
    std::vector<std::string> identifiers;
    for (const json::value& element : found->value().get_array()) {
      if (!element.is_string()) {
        fail(name, "must be a non-empty array of strings");
        return {};
      }
      identifiers.emplace_back(element.get_string());
      if (auto problem = identifier_problem(name, identifiers.back(), limits_)) {
        problem_ = "each of " + *problem;
        return {};
      }
    }
    return identifiers;
  }

  // Absent is none; present, an integer from `minimum` to `maximum`.
  std::optional<std::int64_t> optional_integer(std::string_view name, std::int64_t minimum,
                                               std::int64_t maximum) {
    auto found = find(name);
    if (problem_ || found == object_.end()) return std::nullopt;
    const json::value& value = found->value();
    if (!value.is_int64() || value.get_int64() < minimum || value.get_int64() > maximum) {
      fail(name,
           "must be an integer from " + std::to_string(minimum) + " to " + std::to_string(maximum));
      return std::nullopt;
    }
    return value.get_int64();
  }

  // Present, an array of 1 to `maximum` values.
  const json::array* array(std::string_view name, std::size_t maximum) {
    const json::value* value = field(name);
    if (value == nullptr) return nullptr;
    if (!value->is_array() || value->get_array().empty() || value->get_array().size() > maximum) {
      fail(name, "must be an array of 1 to " + std::to_string(maximum) + " values");
      return nullptr;
    }
    return &value->get_array();
  }

  // Absent is none; present, one of `choices`.
  std::optional<std::string_view> optional_choice(std::string_view name,
                                                  std::initializer_list<std::string_view> choices) {
    auto found = find(name);
    if (problem_ || found == object_.end()) return std::nullopt;
    const json::value& value = found->value();
    if (value.is_string()) {
      for (std::string_view choice : choices) {
        if (value.get_string() == choice) return choice;
      }
    }
    std::string listed;
    for (std::string_view choice : choices) {
      listed += std::string{listed.empty() ? "" : " or "} + "'" + std::string{choice} + "'";
    }
    fail(name, "must be " + listed);
    return std::nullopt;
  }

  // Absent is false.
  bool optional_flag(std::string_view name) {
    auto found = find(name);
    if (problem_ || found == object_.end()) return false;
    if (!found->value().is_bool()) {
      fail(name, "must be true or false");
      return false;
    }
    return found->value().get_bool();
  }

  // Present, 1 to lines_max objects `{"sku", "qty"}`, and with `splits`, `"split"?` too; a
  // problem in one names the line.
  std::vector<domain::commands::RequestedLine> lines(std::string_view name, bool splits) {
    const json::value* value = field(name);
    if (value == nullptr) return {};
    if (!value->is_array() || value->get_array().empty() ||
        value->get_array().size() > limits_.lines_max) {
      fail(name, "must be an array of 1 to " + std::to_string(limits_.lines_max) + " lines");
      return {};
    }
    std::vector<domain::commands::RequestedLine> lines;
    for (const json::value& element : value->get_array()) {
      std::string at = std::string{name} + "[" + std::to_string(lines.size()) + "]";
      if (!element.is_object()) {
        fail(at, "must be an object");
        return {};
      }
      FieldReader line{element.get_object(), limits_};
      domain::commands::RequestedLine requested;
      requested.sku = line.identifier("sku");
      requested.qty = line.quantity("qty", 1);
      if (splits) requested.split = line.optional_flag("split");
      line.refuse_unknown_fields();
      if (line.problem()) {
        problem_ = *line.problem() + " in " + at;
        return {};
      }
      lines.push_back(std::move(requested));
    }
    return lines;
  }

  // Absent is null.
  std::optional<domain::Date> optional_date(std::string_view name) {
    auto found = find(name);
    if (found == object_.end()) return std::nullopt;
    return date_or_null(name, found->value());
  }

  // Present, as a date or null.
  std::optional<domain::Date> nullable_date(std::string_view name) {
    const json::value* value = field(name);
    if (value == nullptr) return std::nullopt;
    return date_or_null(name, *value);
  }

  // Called once every field has been read: a field the request should not have is its
  // problem, before any other (a misspelt name is also a missing one).
  void refuse_unknown_fields() {
    for (const auto& member : object_) {
      if (std::find(known_.begin(), known_.end(), member.key()) == known_.end()) {
        problem_ = "unknown field '" + std::string{member.key()} + "'";
        return;
      }
    }
  }

  [[nodiscard]] const std::optional<std::string>& problem() const { return problem_; }

 private:
  json::object::const_iterator find(std::string_view name) {
    known_.push_back(name);
    return object_.find(name);
  }

  const json::value* field(std::string_view name) {
    auto found = find(name);
    if (problem_) return nullptr;
    if (found == object_.end()) {
      problem_ = "missing field '" + std::string{name} + "'";
      return nullptr;
    }
    return &found->value();
  }

  std::optional<domain::Date> date_or_null(std::string_view name, const json::value& value) {
    if (value.is_null()) return std::nullopt;
    std::optional<domain::Date> date;
    if (value.is_string()) date = domain::Date::parse_iso(value.get_string());
    if (!date) fail(name, "must be an ISO date (YYYY-MM-DD) or null");
    return date;
  }

  void fail(std::string_view name, const std::string& requirement) {
    if (!problem_) problem_ = "field '" + std::string{name} + "' " + requirement;
  }

  const json::object& object_;
  const InputLimits& limits_;
  // The names of the fields asked for, present or not.
  std::vector<std::string_view> known_;
  std::optional<std::string> problem_;
};

}  // namespace allocation::entrypoints::http
