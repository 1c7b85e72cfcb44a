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
    if (!group[i].command) continue;
    std::visit([&](const auto& command) { command.add_skus(skus); }, *group[i].command);
  }
  std::sort(skus.begin(), skus.end());
  skus.erase(std::unique(skus.begin(), skus.end()), skus.end());
  return skus;
}

// Owner and key, apart: a key is printable ASCII.
std::string in_flight_name(const IdempotencyKey& key) { return key.owner + '\0' + key.key; }

// Refusals that a retry may not meet: not recorded, so that the retry is handled.
bool retry_may_succeed(ErrorKind kind) {
  return kind == ErrorKind::conflict || kind == ErrorKind::unavailable ||
         kind == ErrorKind::overloaded;
}

double seconds(std::chrono::steady_clock::duration duration) {
  return std::chrono::duration<double>(duration).count();
}

}  // namespace

GroupCommitter::GroupCommitter(UnitOfWork& uow, MessageBus& bus, const Clock& clock, Limits limits)
    : uow_{uow},
      bus_{bus},
      clock_{clock},
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

void GroupCommitter::submit(domain::Command command, Completion done, Actor actor,
                            std::optional<Idempotency> idempotency) {
  enqueue(Submission{std::move(command), std::move(done), std::move(actor), std::move(idempotency),
                     Steady::now()});
}

void GroupCommitter::check_writes(Completion done) {
  enqueue(Submission{std::nullopt, std::move(done), {}, std::nullopt, Steady::now()});
}

void GroupCommitter::enqueue(Submission submission) {
  const auto& idempotency = submission.idempotency;
  Rejection rejection;
  {
    std::lock_guard lock{mutex_};
    if (sync_failed_) {
      rejection = {ErrorKind::unavailable, "storage cannot make changes durable"};
    } else if (stopping_ || queue_.size() >= limits_.queued_commands_max) {
      rejection = {ErrorKind::overloaded, "the service is busy or stopping; try again"};
    } else if (idempotency && !keys_in_flight_.insert(in_flight_name(idempotency->key)).second) {
      rejection = {ErrorKind::key_in_flight,
                   "a request with this Idempotency-Key is still being handled; retry later"};
    } else {
      queue_.push_back(std::move(submission));
      if (queue_.size() == 1) wake_.notify_one();
      return;
    }
  }
  submission.done(std::move(rejection));
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
  auto now = Steady::now();
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
  auto now = clock_.now();
  forget_old_replies(now);
  do {
    handle_from(group, outcomes.size(), outcomes, now);
  } while (take_waiting(group, false));
  uow_.store_group();
  return outcomes;
}

void GroupCommitter::handle_from(std::vector<Submission>& group, std::size_t from,
                                 std::vector<Outcome>& outcomes, domain::Instant now) {
  uow_.products().expect(skus_named(group, from));
  std::vector<const IdempotencyKey*> keys;
  for (std::size_t i = from; i < group.size(); ++i) {
    if (group[i].idempotency) keys.push_back(&group[i].idempotency->key);
  }
  auto since = now - limits_.idempotency_retention;
  auto recorded =
      keys.empty() ? std::vector<std::optional<StoredReply>>{} : uow_.replies().find_replies(keys);
  auto next_recorded = recorded.begin();
  for (std::size_t i = from; i < group.size(); ++i) {
    const Submission& submission = group[i];
    if (!submission.idempotency) {
      outcomes.push_back(handle(submission));
      continue;
    }
    const std::optional<StoredReply>& stored = *next_recorded++;
    bool kept = stored && stored->recorded_at >= since;
    if (kept && stored->request_digest != submission.idempotency->key.request_digest) {
      outcomes.emplace_back(Rejection{ErrorKind::key_reused,
                                      "this Idempotency-Key was used for a different request"});
    } else if (kept) {
      outcomes.emplace_back(Replied{stored->reply, true});
    } else {
      auto outcome = handle(submission);
      const auto* rejection = std::get_if<Rejection>(&outcome);
      if (rejection != nullptr && retry_may_succeed(rejection->kind)) {
        outcomes.push_back(std::move(outcome));
        continue;
      }
      auto reply = submission.idempotency->reply_to(outcome);
      uow_.replies().add_reply(submission.idempotency->key, reply, now, stored.has_value());
      outcomes.emplace_back(Replied{std::move(reply), false});
    }
  }
}

Outcome GroupCommitter::handle(const Submission& submission) {
  try {
    if (!submission.command) {
      uow_.record_write_check(clock_.now());
      return CommandResult{};
    }
    return bus_.handle(*submission.command, submission.actor);
  } catch (const StorageUnavailable&) {
    throw;
  } catch (const ConcurrencyConflict&) {
    throw;
  } catch (const ServiceError& error) {
    return Rejection{error.kind(), error.what()};
  }
}

void GroupCommitter::forget_old_replies(domain::Instant now) {
  auto steady_now = Steady::now();
  if (steady_now < next_prune_) return;
  auto forgotten = uow_.replies().remove_replies_before(now - limits_.idempotency_retention,
                                                        limits_.replies_pruned_max);
  // Behind: prune again with the next group.
  if (forgotten < limits_.replies_pruned_max) next_prune_ = steady_now + std::chrono::seconds{1};
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
  auto now = Steady::now();
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
    auto sync_started = Steady::now();
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
      auto now = Steady::now();
      std::lock_guard lock{mutex_};
      ++statistics_.syncs;
      statistics_.sync_seconds.observe(seconds(now - sync_started));
      for (const StoredGroup& group : groups) {
        statistics_.durability_seconds.observe(seconds(now - group.stored),
                                               group.submissions.size());
      }
      if (!durable) sync_failed_ = true;
    }
    {
      // Before the outcomes are reported, so that a client retrying as soon as it has one
      // is given the recorded reply.
      std::lock_guard lock{mutex_};
      for (const StoredGroup& group : groups) {
        for (const Submission& submission : group.submissions) {
          if (submission.idempotency) {
            keys_in_flight_.erase(in_flight_name(submission.idempotency->key));
          }
        }
      }
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
