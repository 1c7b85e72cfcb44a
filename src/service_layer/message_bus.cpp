#include "service_layer/message_bus.hpp"

#include <spdlog/spdlog.h>

#include <deque>
#include <sstream>
#include <type_traits>
#include <utility>

#include "service_layer/errors.hpp"

namespace allocation::service_layer {

namespace {

std::string describe(const domain::Event& event) {
  std::ostringstream text;
  text << event;
  return text.str();
}

}  // namespace

MessageBus::MessageBus(UnitOfWork& uow, Handlers handlers)
    : uow_{uow}, handlers_{std::move(handlers)} {}

template <class Work>
auto MessageBus::run_unit(Work&& work) {
  try {
    return work();
  } catch (...) {
    uow_.discard();
    throw;
  }
}

CommandResult MessageBus::handle(const domain::Command& command, const Actor& actor) {
  uow_.act_for(actor);
  CommandResult result = run_unit([&] {
    return std::visit(
        [&](const auto& c) {
          using Command = std::decay_t<decltype(c)>;
          return std::get<CommandHandler<Command>>(handlers_.commands)(c, uow_);
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
  if (auto order = std::exchange(result.order_to_read, std::nullopt)) {
    result.order = uow_.products().lines_of_order(order->orderid, order->at);
  }
  return result;
}

void MessageBus::handle_event(const domain::Event& event) {
  std::visit(
      [&](const auto& e) {
        using Event = std::decay_t<decltype(e)>;
        for (const EventHandler<Event>& handler : handlers_of<Event>(handlers_.events)) {
          try {
            run_unit([&] { handler(e, uow_); });
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
      },
      event);
}

}  // namespace allocation::service_layer
