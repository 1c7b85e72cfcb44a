#pragma once

#include <vector>

#include "entrypoints/cli/options.hpp"

namespace allocation::cli {

// `allocation token create|list|revoke`.
std::vector<Subcommand> add_token_commands(CLI::App& app);

}  // namespace allocation::cli
