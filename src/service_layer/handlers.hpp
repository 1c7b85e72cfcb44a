#pragma once

#include <array>
#include <functional>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "domain/commands.hpp"
#include "domain/events.hpp"
#include "service_layer/unit_of_work.hpp"

namespace allocation::service_layer {

struct CommandResult {
  // The batch an Allocate command chose; empty for other commands and when out of stock.
  std::optional<std::string> allocated_batchref;
  friend bool operator==(const CommandResult&, const CommandResult&) = default;
};

// Each handler does one unit of work and commits it; a handler that throws has its
// uncommitted changes rolled back by the message bus.
namespace handlers {

CommandResult create_batch(const domain::commands::CreateBatch& command, UnitOfWork& uow);
CommandResult allocate(const domain::commands::Allocate& command, UnitOfWork& uow);
CommandResult change_batch_quantity(const domain::commands::ChangeBatchQuantity& command,
                                    UnitOfWork& uow);

}  // namespace handlers

using EventHandler = std::function<void(const domain::Event&, UnitOfWork&)>;
using EventHandlers = std::array<std::vector<EventHandler>, std::variant_size_v<domain::Event>>;

// Read models, outbox, audit and reallocation, in the order they run for each event.
EventHandlers default_event_handlers();

}  // namespace allocation::service_layer
