#pragma once

#include <atomic>
#include <cstdint>

#include "domain/commands.hpp"
#include "domain/events.hpp"
#include "service_layer/handlers.hpp"
#include "service_layer/unit_of_work.hpp"

namespace allocation::service_layer {

// Dispatches a command to its one handler, then every event raised on the way to each of
// the event's handlers, in the order they were raised. A command's failure reaches the
// caller; an event handler's failure is logged and counted and fails nothing else, except
// StorageUnavailable and ConcurrencyConflict, which concern the whole group. Last, it reads
// the order that a command's result asks for (CommandResult::order_to_read).
class MessageBus {
 public:
  MessageBus(UnitOfWork& uow, Handlers handlers);

  CommandResult handle(const domain::Command& command, const Actor& actor = {});

  // Thread-safe.
  [[nodiscard]] std::uint64_t failed_event_handlers() const { return failed_event_handlers_; }

 private:
  // Runs `work` as one unit of work, discarded if it throws.
  template <class Work>
  auto run_unit(Work&& work);
  void handle_event(const domain::Event& event);

  UnitOfWork& uow_;
  Handlers handlers_;
  std::atomic<std::uint64_t> failed_event_handlers_ = 0;
};

}  // namespace allocation::service_layer
