#include "adapters/event_json.hpp"

#include <boost/json.hpp>

#include "domain/overloaded.hpp"

namespace allocation::adapters {

namespace json = boost::json;
using namespace domain::events;

namespace {

json::value eta_json(const std::optional<domain::Date>& eta) {
  if (!eta) return nullptr;
  return json::string{eta->iso()};
}

}  // namespace

std::string_view event_name(const domain::Event& event) {
  return std::visit(Overloaded{
                        [](const BatchCreated&) { return "BatchCreated"; },
                        [](const BatchQuantityChanged&) { return "BatchQuantityChanged"; },
                        [](const Allocated&) { return "Allocated"; },
                        [](const Deallocated&) { return "Deallocated"; },
                        [](const OutOfStock&) { return "OutOfStock"; },
                    },
                    event);
}

std::string to_json(const domain::Event& event) {
  json::object object = std::visit(
      Overloaded{
          [](const BatchCreated& e) {
            return json::object{
                {"ref", e.ref}, {"sku", e.sku}, {"qty", e.qty}, {"eta", eta_json(e.eta)}};
          },
          [](const BatchQuantityChanged& e) {
            return json::object{{"ref", e.ref}, {"sku", e.sku}, {"qty", e.qty}};
          },
          [](const Allocated& e) {
            return json::object{
                {"orderid", e.orderid}, {"sku", e.sku}, {"qty", e.qty}, {"batchref", e.batchref}};
          },
          [](const Deallocated& e) {
            return json::object{
                {"orderid", e.orderid}, {"sku", e.sku}, {"qty", e.qty}, {"batchref", e.batchref}};
          },
          [](const OutOfStock& e) {
            return json::object{{"sku", e.sku}};
          },
      },
      event);
  return json::serialize(object);
}

std::optional<domain::Event> event_from_json(std::string_view name, std::string_view payload) {
  json::error_code error;
  json::value document = json::parse(payload, error);
  if (error || !document.is_object()) return std::nullopt;
  const json::object& object = document.get_object();
  auto text = [&](std::string_view key) -> std::string {
    const json::value* value = object.if_contains(key);
    return value != nullptr && value->is_string() ? std::string{value->get_string()}
                                                  : std::string{};
  };
  auto number = [&](std::string_view key) -> std::int64_t {
    const json::value* value = object.if_contains(key);
    return value != nullptr && value->is_int64() ? value->get_int64() : 0;
  };
  if (name == "Allocated") {
    return Allocated{text("orderid"), text("sku"), number("qty"), text("batchref")};
  }
  if (name == "Deallocated") {
    return Deallocated{text("orderid"), text("sku"), number("qty"), text("batchref")};
  }
  if (name == "OutOfStock") return OutOfStock{text("sku")};
  if (name == "BatchQuantityChanged") {
    return BatchQuantityChanged{text("ref"), text("sku"), number("qty")};
  }
  if (name == "BatchCreated") {
    return BatchCreated{text("ref"), text("sku"), number("qty"),
                        domain::Date::parse_iso(text("eta"))};
  }
  return std::nullopt;
}

}  // namespace allocation::adapters
