#pragma once

#include <array>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <unordered_set>
#include <variant>
#include <vector>

#include "domain/commands.hpp"
#include "service_layer/clock.hpp"
#include "service_layer/errors.hpp"
#include "service_layer/handlers.hpp"
#include "service_layer/histogram.hpp"
#include "service_layer/idempotency.hpp"
#include "service_layer/message_bus.hpp"
#include "service_layer/unit_of_work.hpp"

namespace allocation::service_layer {

struct Rejection {
  ErrorKind kind;
  std::string message;
};

// The outcome of a keyed submission: its reply, recorded with its change, or recorded before
// and given again.
struct Replied {
  RecordedReply reply;
  bool replayed = false;
};

// Replied only for keyed submissions, which have no CommandResult.
using Outcome = std::variant<CommandResult, Rejection, Replied>;

// A submission that its client may repeat: its reply is recorded under its key, in the
// transaction that stores its change (or its refusal by a handler), and a later submission
// with the same key is given that reply instead of being handled.
struct Idempotency {
  IdempotencyKey key;
  // The reply to the outcome of handling the command; called on the writer thread.
  std::function<RecordedReply(const Outcome&)> reply_to;
};

// The single writer. Commands submitted from any thread wait in a bounded queue. The writer
// thread takes every command that is waiting, handles each through the message bus inside
// one storage transaction, takes in those that arrived meanwhile too (up to a group's limit),
// and stores the group. The acknowledger thread then makes every stored group durable with
// one sync, and only then reports each command's outcome, while the writer is already
// handling the next group. One sync is thus shared by all the commands that arrived while
// the previous one was in flight.
class GroupCommitter {
 public:
  using Completion = std::function<void(Outcome)>;

  struct Limits {
    std::size_t queued_commands_max = 65536;
    std::size_t group_commands_max = 1024;
    // A group that collides with another writer is undone and handled again on fresh state,
    // after a jittered pause that grows with each attempt.
    int conflict_attempts_max = 10;
    std::chrono::microseconds conflict_backoff{500};
    // How long a keyed submission's reply is kept; older ones are pruned as groups go, at
    // most replies_pruned_max per group.
    std::chrono::seconds idempotency_retention{86400};
    std::int64_t replies_pruned_max = 4096;
  };

  // `clock` tells the time replies are recorded at, and must outlive the committer.
  GroupCommitter(UnitOfWork& uow, MessageBus& bus, const Clock& clock, Limits limits);
  GroupCommitter(const GroupCommitter&) = delete;
  GroupCommitter& operator=(const GroupCommitter&) = delete;
  ~GroupCommitter();

  // Thread-safe. `done` runs on a committer thread once the outcome is final (for a change,
  // once it is durable). When the queue is full, the committer is stopping, storage has
  // failed to make changes durable, or a submission with the same key is still waiting for
  // its outcome, `done` runs at once with a rejection.
  void submit(domain::Command command, Completion done, Actor actor = {},
              std::optional<Idempotency> idempotency = std::nullopt);

  // Thread-safe. Writes a row of its own in a group, as a command would, so that `done`
  // tells whether storage accepts writes now: a CommandResult once the write is durable, or
  // the rejection any command would get.
  void check_writes(Completion done);

  // Handles every command already submitted, then ends the writer thread.
  void stop();

  // Upper bounds of the histograms below: 10 µs to 10 s for durations, 1 to 1,024 commands.
  static constexpr std::array<double, 19> seconds_bounds{1e-5, 2e-5, 5e-5, 1e-4, 2e-4, 5e-4, 1e-3,
                                                         2e-3, 5e-3, 1e-2, 2e-2, 5e-2, 0.1,  0.2,
                                                         0.5,  1,    2,    5,    10};
  static constexpr std::array<double, 11> commands_bounds{1,  2,   4,   8,   16,  32,
                                                          64, 128, 256, 512, 1024};

  struct Statistics {
    std::uint64_t groups_committed = 0;
    std::uint64_t commands_committed = 0;
    std::uint64_t syncs = 0;
    std::uint64_t conflicts = 0;
    std::size_t commands_waiting = 0;  // now, for the writer
    // Where each command's time goes, in seconds: waiting for the writer to take it; from
    // then until its group is stored (its own and its group's handling, and the commit);
    // from then until a sync made the group durable.
    Histogram waiting_seconds{seconds_bounds};
    Histogram handling_seconds{seconds_bounds};
    Histogram durability_seconds{seconds_bounds};
    Histogram sync_seconds{seconds_bounds};
    Histogram group_commands{commands_bounds};
  };
  [[nodiscard]] Statistics statistics() const;

 private:
  using Steady = std::chrono::steady_clock;

  struct Submission {
    // None: a check of writes.
    std::optional<domain::Command> command;
    Completion done;
    Actor actor;
    std::optional<Idempotency> idempotency;
    Steady::time_point submitted;
    Steady::time_point taken{};
  };

  struct StoredGroup {
    std::vector<Submission> submissions;
    std::vector<Outcome> outcomes;
    Steady::time_point stored;
  };

  void enqueue(Submission submission);
  void write();
  // Moves waiting commands into `group`, up to its limit; false when none was waiting. With
  // `wait`, first waits for a command or for stop().
  bool take_waiting(std::vector<Submission>& group, bool wait);
  void handle_group(std::vector<Submission> group);
  // Handles the group's commands in one transaction and stores it; throws what storage threw.
  std::vector<Outcome> store(std::vector<Submission>& group);
  // Handles the submissions from `from` on, giving keyed ones their recorded replies.
  void handle_from(std::vector<Submission>& group, std::size_t from, std::vector<Outcome>& outcomes,
                   domain::Instant now);
  Outcome handle(const Submission& submission);
  void forget_old_replies(domain::Instant now);
  void acknowledge();

  UnitOfWork& uow_;
  MessageBus& bus_;
  const Clock& clock_;
  Limits limits_;
  Steady::time_point next_prune_{};  // writer thread only

  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Submission> queue_;
  std::condition_variable stored_;
  std::vector<StoredGroup> stored_groups_;
  // Owner and key of each keyed submission waiting for its outcome.
  std::unordered_set<std::string> keys_in_flight_;
  bool stopping_ = false;
  bool writer_done_ = false;
  bool sync_failed_ = false;
  Statistics statistics_;
  std::minstd_rand jitter_{std::random_device{}()};  // writer thread only
  std::thread acknowledger_;
  std::thread writer_;
};

}  // namespace allocation::service_layer
