#include "service_layer/group_committer.hpp"

#include <spdlog/spdlog.h>

#include <utility>
#include <vector>

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

std::uint64_t GroupCommitter::groups_committed() const {
  std::lock_guard lock{mutex_};
  return groups_committed_;
}

void GroupCommitter::run() {
  std::deque<Submission> group;
  for (;;) {
    {
      std::unique_lock lock{mutex_};
      wake_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;
      while (!queue_.empty() && group.size() < limits_.group_commands_max) {
        group.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }
    handle_group(group);
    group.clear();
  }
}

void GroupCommitter::handle_group(std::deque<Submission>& group) {
  std::vector<Outcome> outcomes;
  outcomes.reserve(group.size());
  try {
    uow_.begin_group();
    for (Submission& submission : group) {
      try {
        outcomes.emplace_back(bus_.handle(submission.command));
      } catch (const StorageUnavailable&) {
        throw;
      } catch (const ServiceError& error) {
        outcomes.emplace_back(Rejection{error.kind(), error.what()});
      }
    }
    uow_.commit_group();
    std::lock_guard lock{mutex_};
    ++groups_committed_;
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
