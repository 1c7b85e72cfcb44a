#include "entrypoints/http/order_representation.hpp"

#include <boost/json.hpp>

namespace allocation::entrypoints::http {

namespace json = boost::json;

namespace {

json::value text_or_null(const std::optional<std::string>& text) {
  if (!text) return nullptr;
  return json::string{*text};
}

// `partial` when its lines are in different states, else their state.
std::string_view order_status(const std::vector<service_layer::OrderLineView>& lines) {
  for (const auto& line : lines) {
    if (line.state != lines.front().state) return "partial";
  }
  return lines.front().state;
}

}  // namespace

std::string order_json(const std::string& orderid,
                       const std::vector<service_layer::OrderLineView>& lines) {
  json::object body{{"orderid", orderid}, {"status", order_status(lines)}};
  json::array body_lines;
  body_lines.reserve(lines.size());
  for (const auto& line : lines) {
    if (line.expires_at && !body.contains("expires_at")) {
      body.emplace("expires_at", domain::rfc3339(*line.expires_at));
    }
    body_lines.push_back(json::object{{"sku", line.sku},
                                      {"qty", line.qty},
                                      {"batchref", text_or_null(line.batchref)},
                                      {"eta", text_or_null(line.eta)},
                                      {"state", line.state}});
  }
  body.emplace("lines", std::move(body_lines));
  return json::serialize(body);
}

Response unknown_order(const std::string& orderid) {
  return message_response(Status::not_found, "Unknown order " + orderid);
}

}  // namespace allocation::entrypoints::http
