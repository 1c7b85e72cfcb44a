#include "entrypoints/http/request_decoding.hpp"

#include <algorithm>
#include <array>
#include <boost/json.hpp>
#include <cctype>
#include <charconv>
#include <optional>
#include <vector>

#include "entrypoints/http/field_reader.hpp"
#include "entrypoints/http/strict_json.hpp"

namespace allocation::entrypoints::http {

namespace json = boost::json;
using namespace domain;

namespace {

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
  auto parsed = parse_strict_json(body, limits.json_depth_max, &memory);
  if (auto* invalid = std::get_if<InvalidInput>(&parsed)) return std::move(*invalid);
  const json::value& document = std::get<json::value>(parsed);
  if (!document.is_object()) return InvalidInput{"request body must be a JSON object"};
  if (count_elements(document, limits.json_elements_max) > limits.json_elements_max) {
    return InvalidInput{"request body has more than " + std::to_string(limits.json_elements_max) +
                        " JSON values"};
  }
  FieldReader fields{document.get_object(), limits};
  Command command = read(fields);
  fields.refuse_unknown_fields();
  if (fields.problem()) return InvalidInput{*fields.problem()};
  return command;
}

// The order named in the path, and a body that is empty (the command's second field empty:
// the whole order) or an object from which `read` takes that field.
template <class Command, class Read>
Decoded<Command> decode_order_command(std::string_view orderid, std::string_view body,
                                      const InputLimits& limits, Read&& read) {
  if (auto problem = identifier_problem("orderid", orderid, limits)) return InvalidInput{*problem};
  if (body.find_first_not_of(" \t\r\n") == std::string_view::npos) {
    return Command{std::string{orderid}, {}};
  }
  return decode<Command>(body, limits, [&](FieldReader& fields) {
    return Command{std::string{orderid}, read(fields)};
  });
}

// The SKUs of an empty body (none: all) or `{"skus": [...]}`.
template <class Command>
Decoded<Command> decode_order_skus(std::string_view orderid, std::string_view body,
                                   const InputLimits& limits) {
  return decode_order_command<Command>(orderid, body, limits, [](FieldReader& fields) {
    return fields.optional_identifiers("skus");
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

Decoded<BatchesRequest> decode_create_batches(std::string_view body, const InputLimits& limits) {
  InputLimits request_limits = limits;
  // The request's own fields, and each batch with its four.
  request_limits.json_elements_max = 4 + 5 * limits.batches_max;
  return decode<BatchesRequest>(body, request_limits, [&](FieldReader& fields) {
    BatchesRequest request;
    const json::array* batches = fields.array("batches", limits.batches_max);
    request.command.skip_refused =
        fields.optional_choice("on_error", {"refuse", "skip"}).value_or("refuse") == "skip";
    request.command.dry_run = fields.optional_flag("dry_run");
    if (batches == nullptr) return request;
    for (std::size_t place = 0; place < batches->size(); ++place) {
      const json::value& element = (*batches)[place];
      if (!element.is_object()) {
        request.invalid.push_back({place, "batch must be an object"});
        continue;
      }
      FieldReader batch_fields{element.get_object(), limits};
      commands::CreateBatch batch;
      batch.ref = batch_fields.identifier("ref");
      batch.sku = batch_fields.identifier("sku");
      batch.qty = batch_fields.quantity("qty", 1);
      batch.eta = batch_fields.optional_date("eta");
      batch_fields.refuse_unknown_fields();
      if (batch_fields.problem()) {
        request.invalid.push_back({place, *batch_fields.problem()});
        continue;
      }
      request.command.batches.push_back(std::move(batch));
      request.places.push_back(place);
    }
    return request;
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
  return decode<commands::ChangeBatchQuantity>(body, limits, [&](FieldReader& fields) {
    commands::ChangeBatchQuantity command;
    command.ref = fields.identifier("ref");
    command.qty = fields.quantity("qty", 0);
    command.expected_qty = fields.optional_integer("expected_qty", 0, limits.quantity_max);
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
  return decode_order_command<commands::ConfirmOrder>(
      orderid, body, limits, [](FieldReader& fields) { return fields.lines("lines", false); });
}

Decoded<commands::ChangeBatchQuantity> decode_change_batch_quantity_message(
    std::string_view body, const InputLimits& limits) {
  return decode<commands::ChangeBatchQuantity>(body, limits, [&](FieldReader& fields) {
    commands::ChangeBatchQuantity command;
    command.ref = fields.identifier("batchref");
    command.qty = fields.quantity("qty", 0);
    command.expected_qty = fields.optional_integer("expected_qty", 0, limits.quantity_max);
    return command;
  });
}

std::variant<std::string, InvalidInput> decode_identifier(std::string_view name,
                                                          std::string_view value,
                                                          const InputLimits& limits) {
  if (auto problem = identifier_problem(name, value, limits)) return InvalidInput{*problem};
  return std::string{value};
}

std::variant<ProductPage, InvalidInput> decode_product_page(const QueryParameters& query,
                                                            const InputLimits& limits) {
  ProductPage page;
  bool after_given = false;
  bool limit_given = false;
  for (const auto& [name, value] : query) {
    bool& given = name == "after" ? after_given : limit_given;
    if (name != "after" && name != "limit") {
      return InvalidInput{"unknown query parameter " + name + "; use after and limit"};
    }
    if (given) return InvalidInput{"query parameter " + name + " is given twice"};
    given = true;
    if (name == "after") {
      if (auto problem = identifier_problem("after", value, limits)) return InvalidInput{*problem};
      page.after = value;
      continue;
    }
    std::size_t limit = 0;
    auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), limit);
    if (error != std::errc{} || end != value.data() + value.size() || limit == 0 ||
        limit > limits.page_size_max) {
      return InvalidInput{"query parameter limit must be a whole number from 1 to " +
                          std::to_string(limits.page_size_max)};
    }
    page.limit = limit;
  }
  return page;
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
