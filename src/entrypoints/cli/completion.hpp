#pragma once

#include "entrypoints/cli/options.hpp"

namespace allocation::cli {

// `allocation completion`: prints a bash completion script for every command and flag of
// `app`, taken from the command line's own definition, so that it never falls behind.
Subcommand add_completion_command(CLI::App& app);

}  // namespace allocation::cli
