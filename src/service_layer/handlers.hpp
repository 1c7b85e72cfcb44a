#pragma once

#include <functional>
#include <optional>
#include <string>
#include <tuple>
#include <variant>
#include <vector>

#include "domain/commands.hpp"
#include "domain/events.hpp"
#include "service_layer/clock.hpp"
#include "service_layer/unit_of_work.hpp"

namespace allocation::service_layer {

// A line of a whole order that the stock cannot satisfy: `available` is what the line could
// take (the fullest batch, or all of them for a split line).
struct Shortfall {
  std::string sku;
  std::int64_t requested = 0;
  std::int64_t available = 0;
  friend bool operator==(const Shortfall&, const Shortfall&) = default;
};

// What a PlaceOrder command did, or with dry_run would do.
struct OrderPlacement {
  // The same order was already there; nothing changed.
  bool already_placed = false;
  // Not empty: the order was refused, nothing changed.
  std::vector<Shortfall> unavailable;
  std::optional<domain::Instant> expires_at;
  friend bool operator==(const OrderPlacement&, const OrderPlacement&) = default;
};

// A batch of a CreateBatches command that is not created, and why.
struct RefusedBatch {
  // Its place among the command's batches.
  std::size_t index = 0;
  std::string message;
  friend bool operator==(const RefusedBatch&, const RefusedBatch&) = default;
};

// What a CreateBatches command did, or with dry_run would do: when batches are refused and the
// others are not to be created without them, `created` is 0.
struct BatchesCreation {
  std::int64_t created = 0;
  // There already, with the same values.
  std::int64_t unchanged = 0;
  std::vector<RefusedBatch> refused;
  friend bool operator==(const BatchesCreation&, const BatchesCreation&) = default;
};

struct CommandResult {
  // The batch an Allocate command chose; empty for other commands and when out of stock.
  std::optional<std::string> allocated_batchref;
  // For a PlaceOrder command; empty for other commands.
  OrderPlacement placement;
  // For a CreateBatches command; empty for other commands.
  BatchesCreation batches_creation;
  // For a ChangeBatchQuantity command refused because the batch's quantity was not the one
  // expected: the quantity it has. Nothing changed.
  std::optional<std::int64_t> current_qty;
  // For an order command: the order's lines as the command left them (for a dry run, as it
  // would leave them), as the read model shows them.
  std::vector<OrderLineView> order;
  // Set by a handler whose order's lines are known only once the events it raised are
  // handled (the read model has them then): the message bus reads them into `order`.
  struct OrderToRead {
    std::string orderid;
    domain::Instant at;
    friend bool operator==(const OrderToRead&, const OrderToRead&) = default;
  };
  std::optional<OrderToRead> order_to_read;
  friend bool operator==(const CommandResult&, const CommandResult&) = default;
};

// A handler does one unit of work and accepts it into the group; one that throws has its
// unaccepted changes discarded by the message bus.
template <class Command>
using CommandHandler = std::function<CommandResult(const Command&, UnitOfWork&)>;
template <class Event>
using EventHandler = std::function<void(const Event&, UnitOfWork&)>;

template <class Commands>
struct CommandTable;
template <class... Commands>
struct CommandTable<std::variant<Commands...>> {
  using type = std::tuple<CommandHandler<Commands>...>;
};
template <class Events>
struct EventTable;
template <class... Events>
struct EventTable<std::variant<Events...>> {
  using type = std::tuple<std::vector<EventHandler<Events>>...>;
};

// One handler per command, and a list of handlers per event (run in that order), each entry
// typed by its message: a table without an entry for every command and event does not compile.
using CommandHandlers = CommandTable<domain::Command>::type;
using EventHandlers = EventTable<domain::Event>::type;

template <class Event>
std::vector<EventHandler<Event>>& handlers_of(EventHandlers& table) {
  return std::get<std::vector<EventHandler<Event>>>(table);
}

struct Handlers {
  CommandHandlers commands;
  EventHandlers events;
};

// The service's handlers: the commands', and the events' (read models, outbox, audit,
// reallocation), telling the time by `clock`, which must outlive them.
Handlers default_handlers(const Clock& clock);

}  // namespace allocation::service_layer
