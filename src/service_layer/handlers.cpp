#include "service_layer/handlers.hpp"

#include <unordered_set>

#include "service_layer/errors.hpp"
#include "service_layer/order_handlers.hpp"

namespace allocation::service_layer {

namespace {

using namespace domain;

// Into its product, which is new when the SKU is.
void add_to_product(const commands::CreateBatch& batch, UnitOfWork& uow) {
  Product* product = uow.products().get(batch.sku);
  if (product == nullptr) product = &uow.products().add(Product{batch.sku});
  product->add_batch(batch.ref, batch.qty, batch.eta);
}

CommandResult create_batch(const commands::CreateBatch& command, UnitOfWork& uow) {
  if (!uow.products().skus_of_batches({command.ref}).empty()) throw DuplicateBatch{command.ref};
  add_to_product(command, uow);
  uow.accept();
  return {};
}

std::string values_of(const std::string& sku, const Batch& batch) {
  return "sku " + sku + ", qty " + std::to_string(batch.purchased_quantity()) + ", eta " +
         (batch.eta() ? batch.eta()->iso() : "none");
}

// What becomes of a batch of a CreateBatches command: it is created; it is there already, the
// same; or it is refused, because another batch has its reference (in storage or earlier in
// the same command).
struct Verdict {
  enum class Kind { create, unchanged, refuse } kind;
  std::string refusal;
};

Verdict verdict_on(const commands::CreateBatch& wanted,
                   const std::unordered_map<std::string, std::string>& existing_skus,
                   std::unordered_set<std::string_view>& seen, UnitOfWork& uow) {
  if (!seen.insert(wanted.ref).second) {
    return {Verdict::Kind::refuse,
            "batch " + wanted.ref + " appears more than once in the request"};
  }
  auto existing = existing_skus.find(wanted.ref);
  if (existing == existing_skus.end()) return {Verdict::Kind::create, {}};
  const Batch& batch = *uow.products().get(existing->second)->find_batch(wanted.ref);
  if (existing->second == wanted.sku && batch.purchased_quantity() == wanted.qty &&
      batch.eta() == wanted.eta) {
    return {Verdict::Kind::unchanged, {}};
  }
  return {Verdict::Kind::refuse, "batch " + wanted.ref + " exists with other values: " +
                                     values_of(existing->second, batch)};
}

CommandResult create_batches(const commands::CreateBatches& command, UnitOfWork& uow) {
  std::vector<std::string> references;
  references.reserve(command.batches.size());
  for (const auto& batch : command.batches) references.push_back(batch.ref);
  auto existing_skus = uow.products().skus_of_batches(references);
  BatchesCreation creation;
  std::vector<const commands::CreateBatch*> fresh;
  std::unordered_set<std::string_view> seen;
  for (std::size_t index = 0; index < command.batches.size(); ++index) {
    const commands::CreateBatch& wanted = command.batches[index];
    Verdict verdict = verdict_on(wanted, existing_skus, seen, uow);
    switch (verdict.kind) {
      case Verdict::Kind::create:
        fresh.push_back(&wanted);
        break;
      case Verdict::Kind::unchanged:
        ++creation.unchanged;
        break;
      case Verdict::Kind::refuse:
        creation.refused.push_back({index, std::move(verdict.refusal)});
        break;
    }
  }
  bool creating = creation.refused.empty() || command.skip_refused;
  if (creating) creation.created = static_cast<std::int64_t>(fresh.size());
  if (creating && !command.dry_run) {
    for (const commands::CreateBatch* wanted : fresh) add_to_product(*wanted, uow);
  }
  uow.accept();
  CommandResult result;
  result.batches_creation = std::move(creation);
  return result;
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
  auto skus = uow.products().skus_of_batches({reference});
  Product* product = skus.empty() ? nullptr : uow.products().get(skus.begin()->second);
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
      .commands = {create_batch, create_batches, at_time_of(clock, allocate),
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
