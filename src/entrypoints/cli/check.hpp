#pragma once

#include "entrypoints/cli/options.hpp"

namespace allocation::cli {

// `allocation check`: the consistency check of a database, a line per drift, exit 1 on any.
Subcommand add_check_command(CLI::App& app);

}  // namespace allocation::cli
