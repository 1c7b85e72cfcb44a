#pragma once

#include "entrypoints/cli/options.hpp"

namespace allocation::cli {

// `allocation serve`.
Subcommand add_serve_command(CLI::App& app);

}  // namespace allocation::cli
