#pragma once

#include "entrypoints/cli/options.hpp"

namespace allocation::cli {

// `allocation import FILE.csv`: a file of batches into a running server, all or nothing (or
// with --on-error skip, all that can be), with its progress shown. Run again after an
// interruption, it creates the rows not yet created and leaves the others as they are.
// Exit codes as `allocation client`'s.
Subcommand add_import_command(CLI::App& app);

}  // namespace allocation::cli
