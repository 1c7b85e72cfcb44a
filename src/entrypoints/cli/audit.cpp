#include "entrypoints/cli/audit.hpp"

#include <CLI/CLI.hpp>
#include <boost/json.hpp>
#include <iostream>
#include <memory>

#include "bootstrap/bootstrap.hpp"

namespace allocation::cli {

namespace {

struct AuditOptions {
  std::string database = default_database;
  std::size_t limit = 100;
  bool json = false;
};

void print_json(const std::vector<service_layer::AuditEntry>& entries) {
  for (const auto& entry : entries) {
    boost::json::object line{{"at", entry.at},
                             {"token", entry.token_name},
                             {"request_id", entry.request_id},
                             {"action", entry.action},
                             {"details", boost::json::parse(entry.details)}};
    std::cout << boost::json::serialize(line) << "\n";
  }
}

void print_entries(const std::vector<service_layer::AuditEntry>& entries) {
  auto or_dash = [](const std::string& text) { return text.empty() ? std::string{"-"} : text; };
  std::vector<std::vector<std::string>> rows{{"TIME", "TOKEN", "REQUEST", "ACTION", "DETAILS"}};
  for (const auto& entry : entries) {
    rows.push_back({entry.at, or_dash(entry.token_name), or_dash(entry.request_id), entry.action,
                    entry.details});
  }
  print_table(std::cout, rows);
}

int show_audit(const AuditOptions& options) {
  auto entries = bootstrap::open_audit_reader(options.database)->recent(options.limit);
  if (options.json) {
    print_json(entries);
  } else {
    print_entries(entries);
  }
  return 0;
}

}  // namespace

Subcommand add_audit_command(CLI::App& app) {
  auto options = std::make_shared<AuditOptions>();
  CLI::App* audit = app.add_subcommand(
      "audit", "Show the newest changes of stock and of tokens, oldest first, with who made them");
  add_database_option(*audit, options->database);
  audit->add_option("--limit", options->limit, "How many entries to show")
      ->check(CLI::Range(std::size_t{1}, std::size_t{1'000'000}))
      ->capture_default_str();
  audit->add_flag("--json", options->json, "One JSON object per line");
  return {audit, [options] { return show_audit(*options); }};
}

}  // namespace allocation::cli
