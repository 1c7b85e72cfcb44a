#pragma once

#include <functional>
#include <stdexcept>
#include <string>

#include "service_layer/identity.hpp"

namespace CLI {
class App;
}

namespace allocation::cli {

// A problem with how the command was called: exit code 2.
class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A subcommand as main() runs it, once the command line has chosen it.
struct Subcommand {
  CLI::App* command;
  std::function<int()> run;
};

inline constexpr const char* default_database = "sqlite://data/allocation.db";

// --some-flag is ALLOCATION_SOME_FLAG.
std::string environment_variable(const std::string& flag);

// --database (and ALLOCATION_DATABASE), which every command that opens the database takes.
void add_database_option(CLI::App& command, std::string& database);

// Creates ./data for the default database, so that a first run just works.
void prepare(const std::string& database);

// Who runs a command, for the audit trail: the operating system's user.
service_layer::Actor command_line_user();

}  // namespace allocation::cli
