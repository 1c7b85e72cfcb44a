#include "entrypoints/http/request_decoding.hpp"

#include <algorithm>
#include <array>
#include <boost/json.hpp>
#include <cctype>
#include <optional>
#include <vector>

namespace allocation::entrypoints::http {

namespace json = boost::json;
using namespace domain;

namespace {

std::optional<std::string> identifier_problem(std::string_view name, std::string_view value,
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
    auto found = object_.find(name);
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
    auto found = object_.find(name);
    if (problem_ || found == object_.end()) return std::nullopt;
    const json::value& value = found->value();
    if (!value.is_int64() || value.get_int64() < minimum || value.get_int64() > maximum) {
      fail(name,
           "must be an integer from " + std::to_string(minimum) + " to " + std::to_string(maximum));
      return std::nullopt;
    }
    return value.get_int64();
  }

  // Absent is false.
  bool optional_flag(std::string_view name) {
    auto found = object_.find(name);
    if (problem_ || found == object_.end()) return false;
    if (!found->value().is_bool()) {
      fail(name, "must be true or false");
      return false;
    }
    return found->value().get_bool();
  }

  // Present, 1 to lines_max objects `{"sku", "qty"}`, and with `splits`, `"split"?` too; a
  // problem in one names the line.
  std::vector<commands::RequestedLine> lines(std::string_view name, bool splits) {
    const json::value* value = field(name);
    if (value == nullptr) return {};
    if (!value->is_array() || value->get_array().empty() ||
        value->get_array().size() > limits_.lines_max) {
      fail(name, "must be an array of 1 to " + std::to_string(limits_.lines_max) + " lines");
      return {};
    }
    std::vector<commands::RequestedLine> lines;
    for (const json::value& element : value->get_array()) {
      std::string at = std::string{name} + "[" + std::to_string(lines.size()) + "]";
      if (!element.is_object()) {
        fail(at, "must be an object");
        return {};
      }
      FieldReader line{element.get_object(), limits_};
      commands::RequestedLine requested;
      requested.sku = line.identifier("sku");
      requested.qty = line.quantity("qty", 1);
      if (splits) requested.split = line.optional_flag("split");
      if (line.problem()) {
        problem_ = *line.problem() + " in " + at;
        return {};
      }
      lines.push_back(std::move(requested));
    }
    return lines;
  }

  // Absent is null.
  std::optional<Date> optional_date(std::string_view name) {
    auto found = object_.find(name);
    if (found == object_.end()) return std::nullopt;
    return date_or_null(name, found->value());
  }

  // Present, as a date or null.
  std::optional<Date> nullable_date(std::string_view name) {
    const json::value* value = field(name);
    if (value == nullptr) return std::nullopt;
    return date_or_null(name, *value);
  }

  [[nodiscard]] const std::optional<std::string>& problem() const { return problem_; }

 private:
  const json::value* field(std::string_view name) {
    if (problem_) return nullptr;
    auto found = object_.find(name);
    if (found == object_.end()) {
      problem_ = "missing field '" + std::string{name} + "'";
      return nullptr;
    }
    return &found->value();
  }

  std::optional<Date> date_or_null(std::string_view name, const json::value& value) {
    if (value.is_null()) return std::nullopt;
    std::optional<Date> date;
    if (value.is_string()) date = Date::parse_iso(value.get_string());
    if (!date) fail(name, "must be an ISO date (YYYY-MM-DD) or null");
    return date;
  }

  void fail(std::string_view name, const std::string& requirement) {
    if (!problem_) problem_ = "field '" + std::string{name} + "' " + requirement;
  }

  const json::object& object_;
  const InputLimits& limits_;
  std::optional<std::string> problem_;
};

// The number of values in `value`, itself included, counted until it exceeds `limit`.
std::size_t count_elements(const json::value& value, std::size_t limit) {
  std::size_t count = 1;
  auto add = [&](const json::value& element) {
    if (count <= limit) count += count_elements(element, limit - count);
  };
  if (value.is_array()) {
    for (const json::value& element : value.get_array()) add(element);
  } else if (value.is_object()) {
    for (const auto& member : value.get_object()) add(member.value());
  }
  return count;
}

// Parses the body as a JSON object and hands it to `read`, which builds the command.
template <class Command, class Read>
Decoded<Command> decode(std::string_view body, const InputLimits& limits, Read&& read) {
  std::array<unsigned char, 4096> scratch;
  json::monotonic_resource memory{scratch.data(), scratch.size()};
  json::parse_options options;
  options.max_depth = limits.json_depth_max;
  json::error_code error;
  json::value document = json::parse(body, error, &memory, options);
  if (error) return InvalidInput{"request body is not valid JSON: " + error.message()};
  if (!document.is_object()) return InvalidInput{"request body must be a JSON object"};
  if (count_elements(document, limits.json_elements_max) > limits.json_elements_max) {
    return InvalidInput{"request body has more than " + std::to_string(limits.json_elements_max) +
                        " JSON values"};
  }
  FieldReader fields{document.get_object(), limits};
  Command command = read(fields);
  if (fields.problem()) return InvalidInput{*fields.problem()};
  return command;
}

// The order named in the path, and the SKUs of an empty body (none: all) or `{"skus": [...]}`.
template <class Command>
Decoded<Command> decode_order_skus(std::string_view orderid, std::string_view body,
                                   const InputLimits& limits) {
  if (auto problem = identifier_problem("orderid", orderid, limits)) return InvalidInput{*problem};
  if (body.find_first_not_of(" \t\r\n") == std::string_view::npos) {
    return Command{std::string{orderid}, {}};
  }
  return decode<Command>(body, limits, [&](FieldReader& fields) {
    return Command{std::string{orderid}, fields.optional_identifiers("skus")};
  });
}

constexpr std::int64_t hold_seconds_max = 24 * 60 * 60;

}  // namespace

Decoded<commands::CreateBatch> decode_create_batch(std::string_view body,
                                                   const InputLimits& limits) {
  return decode<commands::CreateBatch>(body, limits, [](FieldReader& fields) {
    commands::CreateBatch command;
    command.ref = fields.identifier("ref");
    command.sku = fields.identifier("sku");
    command.qty = fields.quantity("qty", 1);
    command.eta = fields.optional_date("eta");
    return command;
  });
}

Decoded<commands::Allocate> decode_allocate(std::string_view body, const InputLimits& limits) {
  return decode<commands::Allocate>(body, limits, [](FieldReader& fields) {
    commands::Allocate command;
    command.orderid = fields.identifier("orderid");
    command.sku = fields.identifier("sku");
    command.qty = fields.quantity("qty", 1);
    return command;
  });
}

Decoded<commands::ChangeBatchQuantity> decode_change_batch_quantity(std::string_view body,
                                                                    const InputLimits& limits) {
  return decode<commands::ChangeBatchQuantity>(body, limits, [](FieldReader& fields) {
    commands::ChangeBatchQuantity command;
    command.ref = fields.identifier("ref");
    command.qty = fields.quantity("qty", 0);
    return command;
  });
}

Decoded<commands::ChangeBatchEta> decode_change_batch_eta(std::string_view body,
                                                          const InputLimits& limits) {
  return decode<commands::ChangeBatchEta>(body, limits, [](FieldReader& fields) {
    commands::ChangeBatchEta command;
    command.ref = fields.identifier("ref");
    command.eta = fields.nullable_date("eta");
    return command;
  });
}

Decoded<commands::CancelOrder> decode_cancel_order(std::string_view orderid, std::string_view body,
                                                   const InputLimits& limits) {
  return decode_order_skus<commands::CancelOrder>(orderid, body, limits);
}

Decoded<commands::ShipOrder> decode_ship_order(std::string_view orderid, std::string_view body,
                                               const InputLimits& limits) {
  return decode_order_skus<commands::ShipOrder>(orderid, body, limits);
}

Decoded<commands::PlaceOrder> decode_place_order(std::string_view body, const InputLimits& limits) {
  return decode<commands::PlaceOrder>(body, limits, [](FieldReader& fields) {
    commands::PlaceOrder command;
    command.orderid = fields.identifier("orderid");
    command.lines = fields.lines("lines", true);
    command.hold_seconds = fields.optional_integer("hold_seconds", 1, hold_seconds_max);
    command.dry_run = fields.optional_flag("dry_run");
    return command;
  });
}

Decoded<commands::ConfirmOrder> decode_confirm_order(std::string_view orderid,
                                                     std::string_view body,
                                                     const InputLimits& limits) {
  if (auto problem = identifier_problem("orderid", orderid, limits)) return InvalidInput{*problem};
  if (body.find_first_not_of(" \t\r\n") == std::string_view::npos) {
    return commands::ConfirmOrder{std::string{orderid}, {}};
  }
  return decode<commands::ConfirmOrder>(body, limits, [&](FieldReader& fields) {
    return commands::ConfirmOrder{std::string{orderid}, fields.lines("lines", false)};
  });
}

Decoded<commands::ChangeBatchQuantity> decode_change_batch_quantity_message(
    std::string_view body, const InputLimits& limits) {
  return decode<commands::ChangeBatchQuantity>(body, limits, [](FieldReader& fields) {
    commands::ChangeBatchQuantity command;
    command.ref = fields.identifier("batchref");
    command.qty = fields.quantity("qty", 0);
    return command;
  });
}

std::variant<std::string, InvalidInput> decode_identifier(std::string_view name,
                                                          std::string_view value,
                                                          const InputLimits& limits) {
  if (auto problem = identifier_problem(name, value, limits)) return InvalidInput{*problem};
  return std::string{value};
}

std::variant<std::string, InvalidInput> decode_request_id(std::string_view value,
                                                          const InputLimits& limits) {
  if (value.empty() || value.size() > limits.request_id_bytes_max) {
    return InvalidInput{"header X-Request-Id must be 1 to " +
                        std::to_string(limits.request_id_bytes_max) + " bytes"};
  }
  auto allowed = [](unsigned char c) {
    return std::isalnum(c) != 0 || c == '-' || c == '_' || c == '.' || c == ':';
  };
  if (!std::all_of(value.begin(), value.end(), allowed)) {
    return InvalidInput{"header X-Request-Id may contain only letters, digits and -_.:"};
  }
  return std::string{value};
}

}  // namespace allocation::entrypoints::http
