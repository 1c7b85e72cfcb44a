#pragma once

#include <functional>
#include <iosfwd>
#include <stdexcept>
#include <string>
#include <vector>

#include "service_layer/identity.hpp"

namespace CLI {
class App;
class ParseError;
}  // namespace CLI

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

// The one line that says what is wrong with the command line `arguments`: an unknown command
// named with the ones there are, a bad value named by the environment variable it came from
// when the flag was not given.
std::string usage_problem(CLI::App& app, const CLI::ParseError& error,
                          const std::vector<std::string>& arguments);

// Writes `rows` (the first: the column names) as columns two spaces apart, each as wide as
// its widest cell but the last, which runs on.
void print_table(std::ostream& out, const std::vector<std::vector<std::string>>& rows);

// Who runs a command, for the audit trail: the operating system's user.
service_layer::Actor command_line_user();

}  // namespace allocation::cli
