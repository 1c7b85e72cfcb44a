#include "service_layer/handlers.hpp"

#include "service_layer/errors.hpp"
#include "service_layer/order_handlers.hpp"

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

CommandResult allocate(const commands::Allocate& command, UnitOfWork& uow, Instant now) {
  Product* product = uow.products().get(command.sku);
  if (product == nullptr) throw InvalidSku{command.sku};
  auto batchref = product->allocate(OrderLine{command.orderid, command.sku, command.qty}, now);
  uow.accept();
  CommandResult result;
  result.allocated_batchref = std::move(batchref);
  return result;
}

Product& product_of_batch(const std::string& reference, UnitOfWork& uow) {
  auto sku = uow.products().sku_of_batch(reference);
  Product* product = sku ? uow.products().get(*sku) : nullptr;
  if (product == nullptr) throw UnknownBatch{reference};
  return *product;
}

CommandResult change_batch_quantity(const commands::ChangeBatchQuantity& command, UnitOfWork& uow,
                                    Instant now) {
  Product& product = product_of_batch(command.ref, uow);
  CommandResult result;
  auto current = product.find_batch(command.ref)->purchased_quantity();
  if (command.expected_qty && *command.expected_qty != current) {
    result.current_qty = current;
  } else {
    product.change_batch_quantity(command.ref, command.qty, now);
  }
  uow.accept();
  return result;
}

CommandResult change_batch_eta(const commands::ChangeBatchEta& command, UnitOfWork& uow) {
  product_of_batch(command.ref, uow).change_batch_eta(command.ref, command.eta);
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
void reallocate(const events::Deallocated& event, UnitOfWork& uow, Instant now) {
  if (event.reason != events::DeallocationReason::quantity_changed) return;
  Product* product = uow.products().get(event.sku);
  if (product == nullptr) throw InvalidSku{event.sku};
  product->reallocate(OrderLine{event.orderid, event.sku, event.qty}, now);
  uow.accept();
}

void ship_in_view(const events::LineShipped& event, UnitOfWork& uow) {
  uow.read_model().mark_shipped(event);
  uow.accept();
}

void hold_in_view(const events::OrderHeld& event, UnitOfWork& uow) {
  uow.read_model().add_hold(event);
  uow.read_model().add_available_quantity(event.batchref, -event.qty);
  uow.accept();
}

void confirm_in_view(const events::HoldConfirmed& event, UnitOfWork& uow) {
  uow.read_model().confirm_hold(event);
  uow.read_model().add_available_quantity(event.batchref, event.released);
  uow.accept();
}

void release_in_view(const events::HoldReleased& event, UnitOfWork& uow) {
  uow.read_model().release_hold(event);
  uow.read_model().add_available_quantity(event.batchref, event.qty);
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

// A handler that decides at the clock's time.
template <class Message, class Result>
auto at_time_of(const Clock& clock, Result (*handler)(const Message&, UnitOfWork&, Instant)) {
  return [&clock, handler](const Message& message, UnitOfWork& uow) {
    return handler(message, uow, clock.now());
  };
}

}  // namespace

Handlers default_handlers(const Clock& clock) {
  return {
      .commands = {create_batch, at_time_of(clock, allocate),
                   at_time_of(clock, change_batch_quantity), change_batch_eta,
                   at_time_of(clock, order_handlers::cancel_order),
                   at_time_of(clock, order_handlers::ship_order),
                   at_time_of(clock, order_handlers::place_order),
                   at_time_of(clock, order_handlers::confirm_order),
                   at_time_of(clock, order_handlers::release_expired_holds)},
      .events =
          {
              // BatchCreated
              {add_batch_to_view, publish<events::BatchCreated>,
               record_in_audit<events::BatchCreated>},
              // BatchQuantityChanged
              {change_batch_in_view, publish<events::BatchQuantityChanged>,
               record_in_audit<events::BatchQuantityChanged>},
              // BatchEtaChanged
              {change_eta_in_view, publish<events::BatchEtaChanged>,
               record_in_audit<events::BatchEtaChanged>},
              // Allocated
              {add_allocation_to_view, publish<events::Allocated>,
               record_in_audit<events::Allocated>},
              // Deallocated
              {remove_allocation_from_view, at_time_of(clock, reallocate),
               publish<events::Deallocated>, record_in_audit<events::Deallocated>},
              // LineShipped
              {ship_in_view, publish<events::LineShipped>, record_in_audit<events::LineShipped>},
              // LineUnallocated
              {mark_unallocated_in_view, publish<events::LineUnallocated>,
               record_in_audit<events::LineUnallocated>},
              // OrderHeld
              {hold_in_view, publish<events::OrderHeld>, record_in_audit<events::OrderHeld>},
              // HoldConfirmed
              {confirm_in_view, publish<events::HoldConfirmed>,
               record_in_audit<events::HoldConfirmed>},
              // HoldReleased
              {release_in_view, publish<events::HoldReleased>,
               record_in_audit<events::HoldReleased>},
              // OutOfStock
              {publish<events::OutOfStock>},
          },
  };
}

}  // namespace allocation::service_layer
