#include "entrypoints/cli/options.hpp"

#include <pwd.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cctype>
#include <filesystem>

namespace allocation::cli {

std::string environment_variable(const std::string& flag) {
  std::string variable = "ALLOCATION_" + flag.substr(2);
  std::transform(variable.begin(), variable.end(), variable.begin(), [](unsigned char c) {
    return c == '-' ? '_' : static_cast<char>(std::toupper(c));
  });
  return variable;
}

void add_database_option(CLI::App& command, std::string& database) {
  command
      .add_option("--database", database,
                  "sqlite:///ABSOLUTE/PATH, sqlite://RELATIVE/PATH or "
                  "postgresql://USER:PASS@HOST:PORT/DB")
      ->envname("ALLOCATION_DATABASE")
      ->capture_default_str();
}

void prepare(const std::string& database) {
  if (database == default_database) std::filesystem::create_directories("data");
}

service_layer::Actor command_line_user() {
  const passwd* user = getpwuid(geteuid());
  return {"", "cli:" + (user != nullptr ? std::string{user->pw_name}
                                        : "uid " + std::to_string(geteuid()))};
}

}  // namespace allocation::cli
