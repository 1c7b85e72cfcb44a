#pragma once

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <variant>

#include "domain/commands.hpp"
#include "service_layer/errors.hpp"
#include "service_layer/handlers.hpp"
#include "service_layer/message_bus.hpp"
#include "service_layer/unit_of_work.hpp"

namespace allocation::service_layer {

struct Rejection {
  ErrorKind kind;
  std::string message;
};

using Outcome = std::variant<CommandResult, Rejection>;

// The single writer. Commands submitted from any thread wait in a bounded queue; its
// thread takes every command that is waiting (up to a group's limit), handles each through
// the message bus inside one storage transaction, makes that transaction durable once, and
// only then reports each command's outcome. A durable commit is thus shared by all the
// commands that arrived while the previous one was in flight.
class GroupCommitter {
 public:
  using Completion = std::function<void(Outcome)>;

  struct Limits {
    std::size_t queued_commands_max = 65536;
    std::size_t group_commands_max = 1024;
  };

  GroupCommitter(UnitOfWork& uow, MessageBus& bus, Limits limits);
  GroupCommitter(const GroupCommitter&) = delete;
  GroupCommitter& operator=(const GroupCommitter&) = delete;
  ~GroupCommitter();

  // Thread-safe. `done` runs on the writer thread once the outcome is final. When the
  // queue is full or the committer is stopping, `done` runs at once with a rejection.
  void submit(domain::Command command, Completion done);

  // Handles every command already submitted, then ends the writer thread.
  void stop();

  [[nodiscard]] std::uint64_t groups_committed() const;

 private:
  struct Submission {
    domain::Command command;
    Completion done;
  };

  void run();
  void handle_group(std::deque<Submission>& group);

  UnitOfWork& uow_;
  MessageBus& bus_;
  Limits limits_;

  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Submission> queue_;
  bool stopping_ = false;
  std::uint64_t groups_committed_ = 0;
  std::thread writer_;
};

}  // namespace allocation::service_layer
