#include <CLI/CLI.hpp>
#include <iostream>
#include <string>
#include <vector>

#include "common/process_figures.hpp"
#include "entrypoints/cli/audit.hpp"
#include "entrypoints/cli/check.hpp"
#include "entrypoints/cli/client/client.hpp"
#include "entrypoints/cli/client/import.hpp"
#include "entrypoints/cli/completion.hpp"
#include "entrypoints/cli/migrate.hpp"
#include "entrypoints/cli/options.hpp"
#include "entrypoints/cli/serve.hpp"
#include "entrypoints/cli/token.hpp"

int main(int argc, char** argv) {
  using namespace allocation::cli;
  CLI::App app{"Allocation Service: allocates customers' order lines to batches of stock.",
               "allocation"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "allocation " + std::string{allocation::version});
  std::vector<Subcommand> subcommands{add_serve_command(app)};
  for (Subcommand& token : add_token_commands(app)) subcommands.push_back(std::move(token));
  subcommands.push_back(add_audit_command(app));
  subcommands.push_back(add_migrate_command(app));
  subcommands.push_back(add_check_command(app));
  subcommands.push_back(add_client_command(app));
  subcommands.push_back(add_import_command(app));
  subcommands.push_back(add_completion_command(app));

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    // Help and the version are printed by app.exit; a problem is one line.
    if (error.get_exit_code() == static_cast<int>(CLI::ExitCodes::Success)) return app.exit(error);
    std::cerr << "allocation: "
              << usage_problem(app, error, std::vector<std::string>(argv + 1, argv + argc))
              << "; see allocation --help\n";
    return 2;
  }
  try {
    for (const Subcommand& subcommand : subcommands) {
      if (*subcommand.command) return subcommand.run();
    }
  } catch (const UsageError& error) {
    std::cerr << "allocation: " << error.what() << "\n";
    return 2;
  } catch (const std::exception& error) {
    std::cerr << "allocation: " << error.what() << "\n";
    return 1;
  }
  return 0;
}
