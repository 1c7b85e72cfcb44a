#include "service_layer/handlers.hpp"

#include "service_layer/errors.hpp"

namespace allocation::service_layer {

namespace {

using namespace domain;

CommandResult create_batch(const commands::CreateBatch& command, UnitOfWork& uow) {
  if (uow.products().sku_of_batch(command.ref)) throw DuplicateBatch{command.ref};
  Product* product = uow.products().get(command.sku);
  if (product == nullptr) product = &uow.products().add(Product{command.sku});
  product->add_batch(command.ref, command.qty, command.eta);
  uow.accept();
  return {};
}

CommandResult allocate(const commands::Allocate& command, UnitOfWork& uow) {
  Product* product = uow.products().get(command.sku);
  if (product == nullptr) throw InvalidSku{command.sku};
  auto batchref = product->allocate(OrderLine{command.orderid, command.sku, command.qty});
  uow.accept();
  return {std::move(batchref)};
}

Product& product_of_batch(const std::string& reference, UnitOfWork& uow) {
  auto sku = uow.products().sku_of_batch(reference);
  Product* product = sku ? uow.products().get(*sku) : nullptr;
  if (product == nullptr) throw UnknownBatch{reference};
  return *product;
}

CommandResult change_batch_quantity(const commands::ChangeBatchQuantity& command, UnitOfWork& uow) {
  product_of_batch(command.ref, uow).change_batch_quantity(command.ref, command.qty);
  uow.accept();
  return {};
}

CommandResult change_batch_eta(const commands::ChangeBatchEta& command, UnitOfWork& uow) {
  product_of_batch(command.ref, uow).change_batch_eta(command.ref, command.eta);
  uow.accept();
  return {};
}

// The products that hold lines of the order: those of the SKUs named, or all of them.
template <class OrderCommand>
std::vector<Product*> products_of_order(const OrderCommand& command, UnitOfWork& uow) {
  auto skus = command.skus.empty() ? uow.products().skus_of_order(command.orderid) : command.skus;
  std::vector<Product*> products;
  for (const std::string& sku : skus) {
    if (Product* product = uow.products().get(sku)) products.push_back(product);
  }
  return products;
}

CommandResult cancel_order(const commands::CancelOrder& command, UnitOfWork& uow) {
  for (Product* product : products_of_order(command, uow)) product->cancel_order(command.orderid);
  uow.accept();
  return {};
}

// All of the order's lines, or none: a line in transit refuses the whole shipment.
CommandResult ship_order(const commands::ShipOrder& command, UnitOfWork& uow) {
  auto products = products_of_order(command, uow);
  for (const Product* product : products) {
    if (auto in_transit = product->lines_in_transit(command.orderid); !in_transit.empty()) {
      const auto& [line, batch] = in_transit.front();
      throw LineInTransit{line.orderid, line.sku, batch->reference(), batch->eta()->iso()};
    }
  }
  for (Product* product : products) product->ship_order(command.orderid);
  uow.accept();
  return {};
}

void add_batch_to_view(const events::BatchCreated& event, UnitOfWork& uow) {
  uow.read_model().add_batch(event);
  uow.accept();
}

void change_batch_in_view(const events::BatchQuantityChanged& event, UnitOfWork& uow) {
  uow.read_model().set_purchased_quantity(event);
  uow.accept();
}

void change_eta_in_view(const events::BatchEtaChanged& event, UnitOfWork& uow) {
  uow.read_model().set_eta(event);
  uow.accept();
}

void add_allocation_to_view(const events::Allocated& event, UnitOfWork& uow) {
  uow.read_model().add_allocation(event);
  uow.read_model().add_available_quantity(event.batchref, -event.qty);
  uow.accept();
}

void remove_allocation_from_view(const events::Deallocated& event, UnitOfWork& uow) {
  uow.read_model().remove_allocation(event);
  uow.read_model().add_available_quantity(event.batchref, event.qty);
  uow.accept();
}

// A line that lost its batch to a smaller quantity is placed again by the normal policy; a
// cancelled one is not.
void reallocate(const events::Deallocated& event, UnitOfWork& uow) {
  if (event.reason != events::DeallocationReason::quantity_changed) return;
  Product* product = uow.products().get(event.sku);
  if (product == nullptr) throw InvalidSku{event.sku};
  product->reallocate(OrderLine{event.orderid, event.sku, event.qty});
  uow.accept();
}

void ship_in_view(const events::LineShipped& event, UnitOfWork& uow) {
  uow.read_model().mark_shipped(event);
  uow.accept();
}

void mark_unallocated_in_view(const events::LineUnallocated& event, UnitOfWork& uow) {
  uow.read_model().mark_unallocated(event);
  uow.accept();
}

// Through the outbox, to whichever destination relays events of its kind.
template <class Event>
void publish(const Event& event, UnitOfWork& uow) {
  uow.outbox().add(event);
  uow.accept();
}

template <class Event>
void record_in_audit(const Event& event, UnitOfWork& uow) {
  uow.audit().record(event);
  uow.accept();
}

}  // namespace

Handlers default_handlers() {
  return {
      .commands = {create_batch, allocate, change_batch_quantity, change_batch_eta, cancel_order,
                   ship_order},
      .events =
          {
              // BatchCreated
              {add_batch_to_view, record_in_audit<events::BatchCreated>},
              // BatchQuantityChanged
              {change_batch_in_view, record_in_audit<events::BatchQuantityChanged>},
              // BatchEtaChanged
              {change_eta_in_view, publish<events::BatchEtaChanged>,
               record_in_audit<events::BatchEtaChanged>},
              // Allocated
              {add_allocation_to_view, publish<events::Allocated>,
               record_in_audit<events::Allocated>},
              // Deallocated
              {remove_allocation_from_view, reallocate, publish<events::Deallocated>,
               record_in_audit<events::Deallocated>},
              // LineShipped
              {ship_in_view, publish<events::LineShipped>, record_in_audit<events::LineShipped>},
              // LineUnallocated
              {mark_unallocated_in_view, publish<events::LineUnallocated>,
               record_in_audit<events::LineUnallocated>},
              // OutOfStock
              {publish<events::OutOfStock>},
          },
  };
}

}  // namespace allocation::service_layer
