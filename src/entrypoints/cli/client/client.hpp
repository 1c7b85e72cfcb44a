#pragma once

#include "entrypoints/cli/options.hpp"

namespace allocation::cli {

// `allocation client VERB ...`: the API from the command line, against a running server.
// Exit codes: 0 done, 1 refused (a 4xx or 5xx answer), 2 usage, 3 unreachable (no answer, or
// 503 after the retries).
Subcommand add_client_command(CLI::App& app);

}  // namespace allocation::cli
