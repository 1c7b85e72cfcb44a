#include "entrypoints/cli/migrate.hpp"

#include <CLI/CLI.hpp>
#include <iostream>
#include <memory>

#include "bootstrap/bootstrap.hpp"

namespace allocation::cli {

namespace {

struct MigrateOptions {
  std::string database = default_database;
  std::string serving_role;
};

int migrate(const MigrateOptions& options) {
  prepare(options.database);
  int version = bootstrap::migrate_database(options.database, options.serving_role);
  std::cout << "The schema is at version " << version << ".\n";
  if (!options.serving_role.empty()) {
    std::cout << "Role '" << options.serving_role
              << "' may now serve: read and write the service's tables, add to the audit trail; "
                 "nothing else.\n";
  }
  return 0;
}

}  // namespace

Subcommand add_migrate_command(CLI::App& app) {
  auto options = std::make_shared<MigrateOptions>();
  CLI::App* command = app.add_subcommand(
      "migrate",
      "Create or migrate the database's schema (as its owner), and grant a serving role what "
      "serving needs");
  add_database_option(*command, options->database);
  command
      ->add_option("--grant-to", options->serving_role,
                   "PostgreSQL role that `allocation serve` connects as: it gets what serving "
                   "needs on every table, and no right to change the schema or the audit trail")
      ->envname("ALLOCATION_GRANT_TO");
  return {command, [options] { return migrate(*options); }};
}

}  // namespace allocation::cli
