#pragma once

#include "entrypoints/cli/options.hpp"

namespace allocation::cli {

// `allocation audit`.
Subcommand add_audit_command(CLI::App& app);

}  // namespace allocation::cli
