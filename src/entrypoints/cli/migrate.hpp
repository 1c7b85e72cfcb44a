#pragma once

#include "entrypoints/cli/options.hpp"

namespace allocation::cli {

// `allocation migrate`.
Subcommand add_migrate_command(CLI::App& app);

}  // namespace allocation::cli
