#include "entrypoints/cli/check.hpp"

#include <CLI/CLI.hpp>
#include <iostream>
#include <memory>

#include "bootstrap/bootstrap.hpp"

namespace allocation::cli {

namespace {

int check(const std::string& database) {
  auto drifts = bootstrap::check_database(database, service_layer::SystemClock{}.now());
  for (const auto& drift : drifts) std::cout << drift.kind << ": " << drift.detail << "\n";
  if (drifts.empty()) {
    std::cout << "No drift found: batches, lines, read models and the outbox agree.\n";
    return 0;
  }
  std::cerr << "allocation: " << drifts.size() << (drifts.size() == 1 ? " drift" : " drifts")
            << " found\n";
  return 1;
}

}  // namespace

Subcommand add_check_command(CLI::App& app) {
  auto database = std::make_shared<std::string>(default_database);
  CLI::App* command = app.add_subcommand(
      "check",
      "Check that the database agrees with itself: batches within their quantity, lines in "
      "their product's batches, read models as the write tables say, an outbox without gaps");
  add_database_option(*command, *database);
  return {command, [database] { return check(*database); }};
}

}  // namespace allocation::cli
