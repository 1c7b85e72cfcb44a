#include "service_layer/message_bus.hpp"

#include <spdlog/spdlog.h>

#include <deque>
#include <sstream>
#include <utility>

#include "domain/overloaded.hpp"
#include "service_layer/errors.hpp"

namespace allocation::service_layer {

namespace {

std::string describe(const domain::Event& event) {
  std::ostringstream text;
  text << event;
  return text.str();
}

}  // namespace

MessageBus::MessageBus(UnitOfWork& uow, EventHandlers event_handlers)
    : uow_{uow}, event_handlers_{std::move(event_handlers)} {}

template <class Work>
auto MessageBus::run_unit(Work&& work) {
  try {
    return work();
  } catch (...) {
    uow_.rollback();
    throw;
  }
}

CommandResult MessageBus::handle(const domain::Command& command, const Actor& actor) {
  uow_.act_for(actor);
  CommandResult result = run_unit([&] {
    return std::visit(
        Overloaded{
            [&](const domain::commands::CreateBatch& c) { return handlers::create_batch(c, uow_); },
            [&](const domain::commands::Allocate& c) { return handlers::allocate(c, uow_); },
            [&](const domain::commands::ChangeBatchQuantity& c) {
              return handlers::change_batch_quantity(c, uow_);
            },
        },
        command);
  });
  std::deque<domain::Event> queue;
  for (auto& event : uow_.collect_new_events()) queue.push_back(std::move(event));
  while (!queue.empty()) {
    domain::Event event = std::move(queue.front());
    queue.pop_front();
    handle_event(event);
    for (auto& raised : uow_.collect_new_events()) queue.push_back(std::move(raised));
  }
  return result;
}

void MessageBus::handle_event(const domain::Event& event) {
  for (const EventHandler& handler : event_handlers_[event.index()]) {
    try {
      run_unit([&] { handler(event, uow_); });
    } catch (const StorageUnavailable&) {
      throw;
    } catch (const ConcurrencyConflict&) {
      throw;
    } catch (const std::exception& error) {
      ++failed_event_handlers_;
      spdlog::error("msg=\"event handler failed\" event=\"{}\" error=\"{}\"", describe(event),
                    error.what());
    }
  }
}

}  // namespace allocation::service_layer
