#include "service_layer/handlers.hpp"

#include <type_traits>

#include "service_layer/errors.hpp"

namespace allocation::service_layer {

namespace handlers {

using namespace domain;

CommandResult create_batch(const commands::CreateBatch& command, UnitOfWork& uow) {
  if (uow.products().sku_of_batch(command.ref)) throw DuplicateBatch{command.ref};
  Product* product = uow.products().get(command.sku);
  if (product == nullptr) product = &uow.products().add(Product{command.sku});
  product->add_batch(command.ref, command.qty, command.eta);
  uow.commit();
  return {};
}

CommandResult allocate(const commands::Allocate& command, UnitOfWork& uow) {
  Product* product = uow.products().get(command.sku);
  if (product == nullptr) throw InvalidSku{command.sku};
  auto batchref = product->allocate(OrderLine{command.orderid, command.sku, command.qty});
  uow.commit();
  return {std::move(batchref)};
}

CommandResult change_batch_quantity(const commands::ChangeBatchQuantity& command, UnitOfWork& uow) {
  auto sku = uow.products().sku_of_batch(command.ref);
  if (!sku) throw UnknownBatch{command.ref};
  Product* product = uow.products().get(*sku);
  if (product == nullptr) throw UnknownBatch{command.ref};
  product->change_batch_quantity(command.ref, command.qty);
  uow.commit();
  return {};
}

}  // namespace handlers

namespace {

using namespace domain;

template <class E, class Variant, std::size_t index = 0>
constexpr std::size_t alternative_index() {
  if constexpr (std::is_same_v<E, std::variant_alternative_t<index, Variant>>) {
    return index;
  } else {
    return alternative_index<E, Variant, index + 1>();
  }
}

template <class E>
void on(EventHandlers& table, std::function<void(const E&, UnitOfWork&)> handler) {
  table[alternative_index<E, Event>()].push_back(
      [handler = std::move(handler)](const Event& event, UnitOfWork& uow) {
        handler(std::get<E>(event), uow);
      });
}

}  // namespace

EventHandlers default_event_handlers() {
  EventHandlers table;
  on<events::BatchCreated>(table, [](const events::BatchCreated& event, UnitOfWork& uow) {
    uow.read_models().add_batch(event);
    uow.commit();
  });
  on<events::BatchQuantityChanged>(table,
                                   [](const events::BatchQuantityChanged& event, UnitOfWork& uow) {
                                     uow.read_models().set_purchased_quantity(event);
                                     uow.commit();
                                   });
  on<events::Allocated>(table, [](const events::Allocated& event, UnitOfWork& uow) {
    uow.read_models().add_allocation(event);
    uow.read_models().add_available_quantity(event.batchref, -event.qty);
    uow.commit();
  });
  on<events::Allocated>(table, [](const events::Allocated& event, UnitOfWork& uow) {
    uow.outbox().add(event);
    uow.commit();
  });
  on<events::Deallocated>(table, [](const events::Deallocated& event, UnitOfWork& uow) {
    uow.read_models().remove_allocation(event);
    uow.read_models().add_available_quantity(event.batchref, event.qty);
    uow.commit();
  });
  on<events::Deallocated>(table, [](const events::Deallocated& event, UnitOfWork& uow) {
    handlers::allocate(commands::Allocate{event.orderid, event.sku, event.qty}, uow);
  });
  auto record_in_audit = [](const Event& event, UnitOfWork& uow) {
    uow.audit().record(event);
    uow.commit();
  };
  for (std::size_t index : {alternative_index<events::BatchCreated, Event>(),
                            alternative_index<events::BatchQuantityChanged, Event>(),
                            alternative_index<events::Allocated, Event>(),
                            alternative_index<events::Deallocated, Event>()}) {
    table[index].push_back(record_in_audit);
  }
  on<events::OutOfStock>(table, [](const events::OutOfStock& event, UnitOfWork& uow) {
    uow.outbox().add(event);
    uow.commit();
  });
  return table;
}

}  // namespace allocation::service_layer
