#include "entrypoints/cli/token.hpp"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cctype>
#include <iostream>
#include <memory>

#include "bootstrap/bootstrap.hpp"

namespace allocation::cli {

namespace {

struct TokenOptions {
  std::string database = default_database;
  std::string name;
  std::string role;
};

// A name that reads the same in lists, logs and the audit trail.
CLI::Validator token_name_rule() {
  return CLI::Validator{[](std::string& name) -> std::string {
                          bool allowed = std::all_of(name.begin(), name.end(), [](unsigned char c) {
                            return std::isalnum(c) != 0 ||
                                   std::string_view{"-_.:@"}.find(static_cast<char>(c)) !=
                                       std::string_view::npos;
                          });
                          if (name.empty() || name.size() > 64 || !allowed) {
                            return "a token name is 1 to 64 letters, digits and -_.:@";
                          }
                          return {};
                        },
                        "NAME"};
}

int create_token(const TokenOptions& options) {
  auto role = service_layer::parse_role(options.role);
  if (!role) throw UsageError{"--role must be reader, allocator or admin"};
  prepare(options.database);
  auto store = bootstrap::open_token_store(options.database);
  std::string token = bootstrap::create_token(*store, options.name, *role, command_line_user());
  std::cout << "Created token '" << options.name << "' with role " << options.role
            << ". It is shown only this once:\n"
            << token << "\n";
  return 0;
}

int list_tokens(const TokenOptions& options) {
  auto store = bootstrap::open_token_store(options.database);
  std::vector<std::vector<std::string>> rows{{"NAME", "ROLE", "CREATED", "LAST USED", "REVOKED"}};
  for (const auto& record : store->all()) {
    rows.push_back({record.name, std::string{service_layer::role_name(record.role)},
                    record.created_at, record.last_used_at.value_or("-"),
                    record.revoked_at.value_or("-")});
  }
  print_table(std::cout, rows);
  return 0;
}

int revoke_token(const TokenOptions& options) {
  auto store = bootstrap::open_token_store(options.database);
  if (!store->revoke(options.name, command_line_user())) {
    std::cerr << "allocation: no active token named '" << options.name << "'\n";
    return 1;
  }
  std::cout << "Revoked token '" << options.name << "'\n";
  return 0;
}

}  // namespace

std::vector<Subcommand> add_token_commands(CLI::App& app) {
  auto options = std::make_shared<TokenOptions>();
  CLI::App* token = app.add_subcommand("token", "Manage API tokens");
  token->require_subcommand(1);

  CLI::App* create =
      token->add_subcommand("create", "Create a token and print it once, as the last line");
  add_database_option(*create, options->database);
  create->add_option("--role", options->role, "reader, allocator or admin")
      ->required()
      ->check(CLI::IsMember({"reader", "allocator", "admin"}));
  create
      ->add_option("--name", options->name,
                   "A name for the token, never reused: 1 to 64 letters, digits and -_.:@")
      ->required()
      ->check(token_name_rule());

  CLI::App* list =
      token->add_subcommand("list", "List the tokens, revoked ones with when they were revoked");
  add_database_option(*list, options->database);

  CLI::App* revoke = token->add_subcommand("revoke", "Revoke a token");
  add_database_option(*revoke, options->database);
  revoke->add_option("name", options->name, "The token's name")->required();

  return {{create, [options] { return create_token(*options); }},
          {list, [options] { return list_tokens(*options); }},
          {revoke, [options] { return revoke_token(*options); }}};
}

}  // namespace allocation::cli
