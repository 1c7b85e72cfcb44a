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

}  // namespace allocation::adapters
