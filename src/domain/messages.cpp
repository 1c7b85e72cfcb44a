#include <ostream>

#include "domain/commands.hpp"
#include "domain/events.hpp"
#include "domain/overloaded.hpp"

namespace allocation::domain {

namespace {

std::string eta_text(const std::optional<Date>& eta) { return eta ? eta->iso() : "null"; }

}  // namespace

}  // namespace allocation::domain

namespace allocation::domain::events {

std::ostream& operator<<(std::ostream& out, const Event& event) {
  std::visit(Overloaded{
                 [&](const events::BatchCreated& e) {
                   out << "BatchCreated(ref=" << e.ref << ", sku=" << e.sku << ", qty=" << e.qty
                       << ", eta=" << eta_text(e.eta) << ")";
                 },
                 [&](const events::BatchQuantityChanged& e) {
                   out << "BatchQuantityChanged(ref=" << e.ref << ", sku=" << e.sku
                       << ", qty=" << e.qty << ")";
                 },
                 [&](const events::Allocated& e) {
                   out << "Allocated(orderid=" << e.orderid << ", sku=" << e.sku
                       << ", qty=" << e.qty << ", batchref=" << e.batchref << ")";
                 },
                 [&](const events::Deallocated& e) {
                   out << "Deallocated(orderid=" << e.orderid << ", sku=" << e.sku
                       << ", qty=" << e.qty << ", batchref=" << e.batchref << ")";
                 },
                 [&](const events::OutOfStock& e) { out << "OutOfStock(sku=" << e.sku << ")"; },
             },
             event);
  return out;
}

}  // namespace allocation::domain::events

namespace allocation::domain::commands {

std::ostream& operator<<(std::ostream& out, const Command& command) {
  std::visit(Overloaded{
                 [&](const commands::CreateBatch& c) {
                   out << "CreateBatch(ref=" << c.ref << ", sku=" << c.sku << ", qty=" << c.qty
                       << ", eta=" << eta_text(c.eta) << ")";
                 },
                 [&](const commands::Allocate& c) {
                   out << "Allocate(orderid=" << c.orderid << ", sku=" << c.sku << ", qty=" << c.qty
                       << ")";
                 },
                 [&](const commands::ChangeBatchQuantity& c) {
                   out << "ChangeBatchQuantity(ref=" << c.ref << ", qty=" << c.qty << ")";
                 },
             },
             command);
  return out;
}

}  // namespace allocation::domain::commands
