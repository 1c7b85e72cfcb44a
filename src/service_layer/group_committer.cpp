#include "service_layer/group_committer.hpp"

#include <spdlog/spdlog.h>

#include <utility>

namespace allocation::service_layer {

GroupCommitter::GroupCommitter(UnitOfWork& uow, MessageBus& bus, Limits limits)
    : uow_{uow}, bus_{bus}, limits_{limits}, writer_{[this] { run(); }} {}

GroupCommitter::~GroupCommitter() { stop(); }

void GroupCommitter::submit(domain::Command command, Completion done) {
  {
    std::lock_guard lock{mutex_};
    if (!stopping_ && queue_.size() < limits_.queued_commands_max) {
      queue_.push_back(Submission{std::move(command), std::move(done)});
      if (queue_.size() == 1) wake_.notify_one();
      return;
    }
  }
  done(Rejection{ErrorKind::overloaded, "the service is busy or stopping; try again"});
}

void GroupCommitter::stop() {
  {
    std::lock_guard lock{mutex_};
    stopping_ = true;
  }
  wake_.notify_one();
  if (writer_.joinable()) writer_.join();
}

GroupCommitter::Statistics GroupCommitter::statistics() const {
  std::lock_guard lock{mutex_};
  return statistics_;
}

bool GroupCommitter::take_waiting(std::vector<Submission>& group, bool wait) {
  std::unique_lock lock{mutex_};
  if (wait) wake_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
  std::size_t taken = 0;
  while (!queue_.empty() && group.size() < limits_.group_commands_max) {
    group.push_back(std::move(queue_.front()));
    queue_.pop_front();
    ++taken;
  }
  return taken > 0;
}

void GroupCommitter::run() {
  std::vector<Submission> group;
  while (take_waiting(group, true)) {
    handle_group(group);
    group.clear();
  }
}

void GroupCommitter::handle_group(std::vector<Submission>& group) {
  std::vector<Outcome> outcomes;
  outcomes.reserve(group.size());
  try {
    uow_.begin_group();
    do {
      for (std::size_t i = outcomes.size(); i < group.size(); ++i) {
        try {
          outcomes.emplace_back(bus_.handle(group[i].command));
        } catch (const StorageUnavailable&) {
          throw;
        } catch (const ServiceError& error) {
          outcomes.emplace_back(Rejection{error.kind(), error.what()});
        }
      }
    } while (take_waiting(group, false));
    uow_.commit_group();
    std::lock_guard lock{mutex_};
    ++statistics_.groups_committed;
    statistics_.commands_committed += group.size();
  } catch (const std::exception& error) {
    spdlog::error("msg=\"group of commands not committed\" commands={} error=\"{}\"", group.size(),
                  error.what());
    uow_.rollback_group();
    outcomes.assign(group.size(),
                    Rejection{ErrorKind::unavailable, "storage unavailable; nothing was changed"});
  }
  for (std::size_t i = 0; i < group.size(); ++i) group[i].done(std::move(outcomes[i]));
}

}  // namespace allocation::service_layer
