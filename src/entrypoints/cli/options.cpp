#include "entrypoints/cli/options.hpp"

#include <pwd.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <ostream>

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

namespace {

bool given(const std::vector<std::string>& arguments, const std::string& flag) {
  return std::any_of(arguments.begin(), arguments.end(), [&](const std::string& argument) {
    return argument == flag || argument.starts_with(flag + "=");
  });
}

const CLI::Option* option_named(CLI::App& app, const std::string& flag) {
  if (const CLI::Option* option = app.get_option_no_throw(flag)) return option;
  for (CLI::App* subcommand : app.get_subcommands({})) {
    if (const CLI::Option* option = option_named(*subcommand, flag)) return option;
  }
  return nullptr;
}

}  // namespace

std::string usage_problem(CLI::App& app, const CLI::ParseError& error,
                          const std::vector<std::string>& arguments) {
  // The first word that names no command where one is expected.
  CLI::App* command = &app;
  std::string path = "allocation";
  for (const std::string& argument : arguments) {
    auto subcommands = command->get_subcommands({});
    if (argument.starts_with("-") || subcommands.empty()) break;
    auto named = std::find_if(subcommands.begin(), subcommands.end(), [&](CLI::App* subcommand) {
      return subcommand->check_name(argument);
    });
    if (named == subcommands.end()) {
      std::string known;
      for (const CLI::App* subcommand : subcommands) {
        known += (known.empty() ? "" : ", ") + subcommand->get_name();
      }
      return "unknown command '" + path + " " + argument + "' (the commands: " + known + ")";
    }
    command = *named;
    path += " " + argument;
  }
  std::string message = error.what();
  auto colon = message.find(':');
  if (message.starts_with("--") && colon != std::string::npos) {
    std::string flag = message.substr(0, colon);
    const CLI::Option* option = option_named(app, flag);
    if (option != nullptr && !option->get_envname().empty() && !given(arguments, flag) &&
        std::getenv(option->get_envname().c_str()) != nullptr) {
      return option->get_envname() + " (" + flag + ")" + message.substr(colon);
    }
  }
  return message;
}

void print_table(std::ostream& out, const std::vector<std::vector<std::string>>& rows) {
  std::vector<std::size_t> widths;
  for (const auto& row : rows) {
    widths.resize(std::max(widths.size(), row.size()));
    for (std::size_t column = 0; column < row.size(); ++column) {
      widths[column] = std::max(widths[column], row[column].size());
    }
  }
  for (const auto& row : rows) {
    std::string line;
    for (std::size_t column = 0; column < row.size(); ++column) {
      line += row[column];
      if (column + 1 < row.size()) line.append(widths[column] - row[column].size() + 2, ' ');
    }
    out << line << "\n";
  }
}

}  // namespace allocation::cli
