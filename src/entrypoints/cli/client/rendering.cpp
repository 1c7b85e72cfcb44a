#include "entrypoints/cli/client/rendering.hpp"

#include <boost/json.hpp>
#include <ostream>
#include <string>
#include <vector>

#include "entrypoints/cli/options.hpp"

namespace allocation::cli::client {

namespace json = boost::json;

namespace {

using Rows = std::vector<std::vector<std::string>>;

// A cell: text as it is, a number in digits, null as `-`.
std::string cell(const json::value& value) {
  if (value.is_string()) return std::string{value.get_string()};
  if (value.is_null()) return "-";
  return json::serialize(value);
}

// The cells of each object of `items`, one per field named in `fields`.
Rows rows_of(const json::value& items, const std::vector<std::string>& headings,
             const std::vector<const char*>& fields) {
  Rows rows{headings};
  for (const json::value& item : items.as_array()) {
    std::vector<std::string> row;
    for (const char* field : fields) {
      const json::value* value = item.as_object().if_contains(field);
      row.push_back(value ? cell(*value) : "-");
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

}  // namespace

void show_allocated(std::ostream& out, const json::value& answer) {
  const json::value& batchref = answer.as_object().at("batchref");
  if (batchref.is_null()) {
    out << "out of stock\n";
  } else {
    out << "allocated to " << cell(batchref) << "\n";
  }
}

void show_allocations(std::ostream& out, const json::value& answer) {
  print_table(out, rows_of(answer, {"SKU", "BATCH"}, {"sku", "batchref"}));
}

void show_order(std::ostream& out, const json::value& answer) {
  const auto& order = answer.as_object();
  out << "order " << cell(order.at("orderid")) << ": " << cell(order.at("status"));
  if (const auto* expires = order.if_contains("expires_at")) {
    out << ", held until " << cell(*expires);
  }
  out << "\n";
  print_table(out, rows_of(order.at("lines"), {"SKU", "QTY", "BATCH", "ETA", "STATE"},
                           {"sku", "qty", "batchref", "eta", "state"}));
}

void show_product(std::ostream& out, const json::value& answer) {
  out << "product " << cell(answer.at("sku")) << "\n";
  print_table(out, rows_of(answer.at("batches"),
                           {"BATCH", "ETA", "PURCHASED", "ALLOCATED", "HELD", "AVAILABLE"},
                           {"ref", "eta", "purchased", "allocated", "held", "available"}));
}

void show_products(std::ostream& out, const json::value& answer) {
  print_table(out,
              rows_of(answer.at("products"), {"SKU", "PURCHASED", "ALLOCATED", "HELD", "AVAILABLE"},
                      {"sku", "purchased", "allocated", "held", "available"}));
  const json::value& next = answer.at("next");
  if (!next.is_null()) out << "more: allocation client products --after " << cell(next) << "\n";
}

void show_consistency(std::ostream& out, const json::value& answer) {
  for (const json::value& drift : answer.at("drifts").as_array()) {
    out << cell(drift.at("kind")) << ": " << cell(drift.at("detail")) << "\n";
  }
  if (!found_drifts(answer)) {
    out << "No drift found: batches, lines, read models and the outbox agree.\n";
  }
}

bool found_drifts(const json::value& answer) { return !answer.at("consistent").as_bool(); }

void show_status(std::ostream& out, const json::value& answer) {
  out << cell(answer.at("status")) << "\n";
  if (const auto* problems = answer.as_object().if_contains("problems")) {
    for (const json::value& problem : problems->as_array()) out << "  " << cell(problem) << "\n";
  }
}

}  // namespace allocation::cli::client
