#include "service_layer/group_committer.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <utility>

#include "common/thread_name.hpp"

namespace allocation::service_layer {

namespace {

// The SKUs that the commands from `from` on name, so that storage can read those products
// together.
template <class Submissions>
std::vector<std::string> skus_named(const Submissions& group, std::size_t from) {
  std::vector<std::string> skus;
  for (std::size_t i = from; i < group.size(); ++i) {
    std::visit([&](const auto& command) { command.add_skus(skus); }, group[i].command);
  }
  std::sort(skus.begin(), skus.end());
  skus.erase(std::unique(skus.begin(), skus.end()), skus.end());
  return skus;
}

double seconds(std::chrono::steady_clock::duration duration) {
  return std::chrono::duration<double>(duration).count();
}

}  // namespace

GroupCommitter::GroupCommitter(UnitOfWork& uow, MessageBus& bus, Limits limits)
    : uow_{uow},
      bus_{bus},
      limits_{limits},
      acknowledger_{[this] {
        name_this_thread("acknowledger");
        acknowledge();
      }},
      writer_{[this] {
        name_this_thread("writer");
        write();
      }} {}

GroupCommitter::~GroupCommitter() { stop(); }

void GroupCommitter::submit(domain::Command command, Completion done, Actor actor) {
  auto submitted = Clock::now();
  Rejection rejection;
  {
    std::lock_guard lock{mutex_};
    if (sync_failed_) {
      rejection = {ErrorKind::unavailable, "storage cannot make changes durable"};
    } else if (stopping_ || queue_.size() >= limits_.queued_commands_max) {
      rejection = {ErrorKind::overloaded, "the service is busy or stopping; try again"};
    } else {
      queue_.push_back(
          Submission{std::move(command), std::move(done), std::move(actor), submitted});
      if (queue_.size() == 1) wake_.notify_one();
      return;
    }
  }
  done(std::move(rejection));
}

void GroupCommitter::stop() {
  {
    std::lock_guard lock{mutex_};
    stopping_ = true;
  }
  wake_.notify_one();
  if (writer_.joinable()) writer_.join();
  if (acknowledger_.joinable()) acknowledger_.join();
}

GroupCommitter::Statistics GroupCommitter::statistics() const {
  std::lock_guard lock{mutex_};
  Statistics statistics = statistics_;
  statistics.commands_waiting = queue_.size();
  return statistics;
}

bool GroupCommitter::take_waiting(std::vector<Submission>& group, bool wait) {
  std::unique_lock lock{mutex_};
  if (wait) wake_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
  std::size_t taken = 0;
  auto now = Clock::now();
  while (!queue_.empty() && group.size() < limits_.group_commands_max) {
    queue_.front().taken = now;
    group.push_back(std::move(queue_.front()));
    queue_.pop_front();
    ++taken;
  }
  return taken > 0;
}

void GroupCommitter::write() {
  std::vector<Submission> group;
  while (take_waiting(group, true)) {
    handle_group(std::move(group));
    group.clear();
  }
  std::lock_guard lock{mutex_};
  writer_done_ = true;
  stored_.notify_one();
}

std::vector<Outcome> GroupCommitter::store(std::vector<Submission>& group) {
  std::vector<Outcome> outcomes;
  outcomes.reserve(group.size());
  uow_.begin_group();
  do {
    uow_.products().expect(skus_named(group, outcomes.size()));
    for (std::size_t i = outcomes.size(); i < group.size(); ++i) {
      try {
        outcomes.emplace_back(bus_.handle(group[i].command, group[i].actor));
      } catch (const StorageUnavailable&) {
        throw;
      } catch (const ConcurrencyConflict&) {
        throw;
      } catch (const ServiceError& error) {
        outcomes.emplace_back(Rejection{error.kind(), error.what()});
      }
    }
  } while (take_waiting(group, false));
  uow_.store_group();
  return outcomes;
}

void GroupCommitter::handle_group(std::vector<Submission> group) {
  std::vector<Outcome> outcomes;
  bool stored = false;
  for (int attempt = 1;; ++attempt) {
    try {
      outcomes = store(group);
      stored = true;
      break;
    } catch (const ConcurrencyConflict& conflict) {
      uow_.discard_group();
      {
        std::lock_guard lock{mutex_};
        ++statistics_.conflicts;
      }
      if (attempt < limits_.conflict_attempts_max) {
        auto pause = limits_.conflict_backoff * attempt;
        std::this_thread::sleep_for(pause / 2 + pause * (jitter_() % 1000) / 2000);
        continue;
      }
      spdlog::error(
          "msg=\"group of commands kept colliding with other writers\" commands={} attempts={} "
          "error=\"{}\"",
          group.size(), attempt, conflict.what());
      outcomes.assign(group.size(),
                      Rejection{ErrorKind::unavailable,
                                "storage is too busy with concurrent writers; try again"});
      break;
    } catch (const std::exception& error) {
      spdlog::error("msg=\"group of commands not stored\" commands={} error=\"{}\"", group.size(),
                    error.what());
      uow_.discard_group();
      outcomes.assign(group.size(), Rejection{ErrorKind::unavailable,
                                              "storage unavailable; nothing was changed"});
      break;
    }
  }
  auto now = Clock::now();
  std::lock_guard lock{mutex_};
  if (stored) {
    ++statistics_.groups_committed;
    statistics_.commands_committed += group.size();
  }
  statistics_.group_commands.observe(static_cast<double>(group.size()));
  for (const Submission& submission : group) {
    statistics_.waiting_seconds.observe(seconds(submission.taken - submission.submitted));
    statistics_.handling_seconds.observe(seconds(now - submission.taken));
  }
  // Rejections too wait for the sync, so that outcomes are reported in the order of groups.
  stored_groups_.push_back(StoredGroup{std::move(group), std::move(outcomes), now});
  stored_.notify_one();
}

void GroupCommitter::acknowledge() {
  std::vector<StoredGroup> groups;
  for (;;) {
    {
      std::unique_lock lock{mutex_};
      stored_.wait(lock, [&] { return writer_done_ || !stored_groups_.empty(); });
      if (stored_groups_.empty()) return;
      groups.swap(stored_groups_);
    }
    bool durable = true;
    auto sync_started = Clock::now();
    try {
      uow_.make_durable();
    } catch (const std::exception& error) {
      // What was stored may be lost: nothing more is accepted until a restart recovers.
      spdlog::critical(
          "msg=\"storage failed to make changes durable; refusing changes\" error=\"{}\"",
          error.what());
      durable = false;
    }
    {
      auto now = Clock::now();
      std::lock_guard lock{mutex_};
      ++statistics_.syncs;
      statistics_.sync_seconds.observe(seconds(now - sync_started));
      for (const StoredGroup& group : groups) {
        statistics_.durability_seconds.observe(seconds(now - group.stored),
                                               group.submissions.size());
      }
      if (!durable) sync_failed_ = true;
    }
    for (StoredGroup& group : groups) {
      for (std::size_t i = 0; i < group.submissions.size(); ++i) {
        if (durable) {
          group.submissions[i].done(std::move(group.outcomes[i]));
        } else {
          group.submissions[i].done(
              Rejection{ErrorKind::unavailable, "storage could not make the change durable"});
        }
      }
    }
    groups.clear();
  }
}

}  // namespace allocation::service_layer
