#include <pwd.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>
#include <sys/resource.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <boost/json.hpp>
#include <cctype>
#include <charconv>
#include <csignal>
#include <filesystem>
#include <iostream>
#include <optional>

#include "bootstrap/bootstrap.hpp"
#include "entrypoints/http/server.hpp"
#include "entrypoints/redis/consumer.hpp"
#include "service_layer/identity.hpp"

namespace {

using namespace allocation;

constexpr const char* default_database = "sqlite://data/allocation.db";

struct ServeOptions {
  std::string listen = "127.0.0.1:5005";
  std::string database = default_database;
  std::string log_level = "info";
  std::string auth = "off";
  std::string redis;
  std::string smtp;
  std::string smtp_from = "allocations@example.com";
  std::string smtp_to = "stock@made.com";
  entrypoints::http::ServerSettings server;
};

class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

void split_listen_address(const std::string& listen, entrypoints::http::ServerSettings& settings) {
  auto colon = listen.rfind(':');
  if (colon == std::string::npos || colon == 0) {
    throw UsageError{"--listen '" + listen + "' must be HOST:PORT, e.g. 127.0.0.1:5005"};
  }
  std::string_view port_text{listen.data() + colon + 1, listen.size() - colon - 1};
  unsigned port = 0;
  auto [end, error] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (port_text.empty() || error != std::errc{} || end != port_text.data() + port_text.size() ||
      port > 65535) {
    throw UsageError{"--listen '" + listen + "': port must be a number from 0 to 65535"};
  }
  settings.host = listen.substr(0, colon);
  if (settings.host.size() > 2 && settings.host.front() == '[' && settings.host.back() == ']') {
    settings.host = settings.host.substr(1, settings.host.size() - 2);
  }
  settings.port = static_cast<std::uint16_t>(port);
}

// The URL without its password, for logs.
std::string redacted(const std::string& url) {
  auto at = url.find('@');
  auto scheme_end = url.find("://");
  if (at == std::string::npos || scheme_end == std::string::npos) return url;
  auto colon = url.find(':', scheme_end + 3);
  if (colon == std::string::npos || colon > at) return url;
  return url.substr(0, colon + 1) + "***" + url.substr(at);
}

// --some-flag is ALLOCATION_SOME_FLAG.
std::string environment_variable(const std::string& flag) {
  std::string variable = "ALLOCATION_" + flag.substr(2);
  std::transform(variable.begin(), variable.end(), variable.begin(), [](unsigned char c) {
    return c == '-' ? '_' : static_cast<char>(std::toupper(c));
  });
  return variable;
}

void configure_logging(const std::string& level) {
  auto logger = spdlog::stderr_logger_mt("allocation");
  spdlog::set_default_logger(logger);
  spdlog::set_pattern("time=%Y-%m-%dT%H:%M:%S.%fZ level=%l %v", spdlog::pattern_time_type::utc);
  auto parsed = spdlog::level::from_str(level);
  if (parsed == spdlog::level::off && level != "off") {
    throw UsageError{"--log-level '" + level +
                     "' is not one of trace, debug, info, warn, error, off"};
  }
  spdlog::set_level(parsed);
}

// Raises the open files limit as far as allowed, and warns when it is still too low for the
// connections the server may accept.
void raise_open_files_limit(std::size_t connections_max) {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return;
  limit.rlim_cur = limit.rlim_max;
  setrlimit(RLIMIT_NOFILE, &limit);
  constexpr std::size_t descriptors_besides_connections = 64;
  if (limit.rlim_cur < connections_max + descriptors_besides_connections) {
    spdlog::warn(
        "msg=\"the open files limit is below --connections-max; connections beyond it wait\" "
        "open_files_max={} connections_max={}",
        limit.rlim_cur, connections_max);
  }
}

int serve(const ServeOptions& options) {
  // Failures come back as errors instead of killing the process: a write to a closed
  // connection (EPIPE) and a file that may not grow (EFBIG, as PostgreSQL also chooses).
  std::signal(SIGPIPE, SIG_IGN);
  std::signal(SIGXFSZ, SIG_IGN);
  configure_logging(options.log_level);
  raise_open_files_limit(options.server.connections_max);
  entrypoints::http::ServerSettings settings = options.server;
  split_listen_address(options.listen, settings);
  if (options.database == default_database) std::filesystem::create_directories("data");

  bootstrap::ServiceSettings service_settings;
  service_settings.database_url = options.database;
  service_settings.authentication = options.auth == "on";
  if (!options.redis.empty()) service_settings.redis = bootstrap::parse_redis_url(options.redis);
  if (!options.smtp.empty()) {
    service_settings.smtp =
        bootstrap::SmtpSettings{options.smtp, options.smtp_from, options.smtp_to};
  }
  bootstrap::Service service{service_settings};
  settings.authenticator = service.authenticator();
  entrypoints::http::HttpServer server{service.commands(), service.read_model(), settings};
  std::optional<entrypoints::redis::RedisConsumer> consumer;
  if (service_settings.redis) {
    consumer.emplace(service_settings.redis->host, service_settings.redis->port,
                     service.commands());
  }
  spdlog::info("msg=\"serving\" database=\"{}\" redis=\"{}\" smtp=\"{}\" auth={}",
               redacted(options.database), options.redis, options.smtp, options.auth);
  server.run();
  service.stop();
  spdlog::info("msg=\"stopped\"");
  return 0;
}

struct TokenOptions {
  std::string database = default_database;
  std::string name;
  std::string role;
};

// Who runs a token command, for the audit trail: the operating system's user.
service_layer::Actor command_line_user() {
  const passwd* user = getpwuid(geteuid());
  return {"", "cli:" + (user != nullptr ? std::string{user->pw_name}
                                        : "uid " + std::to_string(geteuid()))};
}

int create_token(const TokenOptions& options) {
  auto role = service_layer::parse_role(options.role);
  if (!role) throw UsageError{"--role must be reader, allocator or admin"};
  if (options.database == default_database) std::filesystem::create_directories("data");
  auto store = bootstrap::open_token_store(options.database);
  std::string token = bootstrap::create_token(*store, options.name, *role, command_line_user());
  std::cout << "Created token '" << options.name << "' with role " << options.role
            << ". It is shown only this once:\n"
            << token << "\n";
  return 0;
}

int list_tokens(const TokenOptions& options) {
  auto store = bootstrap::open_token_store(options.database);
  std::cout << "NAME\tROLE\tCREATED\n";
  for (const auto& record : store->active()) {
    std::cout << record.name << "\t" << service_layer::role_name(record.role) << "\t"
              << record.created_at << "\n";
  }
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

struct AuditOptions {
  std::string database = default_database;
  std::size_t limit = 100;
  bool json = false;
};

int show_audit(const AuditOptions& options) {
  auto trail = bootstrap::open_audit_trail(options.database);
  auto entries = trail->recent(options.limit);
  if (options.json) {
    for (const auto& entry : entries) {
      boost::json::object line{{"at", entry.at},
                               {"token", entry.token_name},
                               {"request_id", entry.request_id},
                               {"action", entry.action},
                               {"details", boost::json::parse(entry.details)}};
      std::cout << boost::json::serialize(line) << "\n";
    }
    return 0;
  }
  auto or_dash = [](const std::string& text) { return text.empty() ? std::string{"-"} : text; };
  std::cout << "TIME\tTOKEN\tREQUEST\tACTION\tDETAILS\n";
  for (const auto& entry : entries) {
    std::cout << entry.at << "\t" << or_dash(entry.token_name) << "\t" << or_dash(entry.request_id)
              << "\t" << entry.action << "\t" << entry.details << "\n";
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Allocation Service: allocates customers' order lines to batches of stock.",
               "allocation"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "allocation 0.1.0");

  ServeOptions serve_options;
  CLI::App* serve_command = app.add_subcommand("serve", "Run the HTTP API");
  serve_command->add_option("--listen", serve_options.listen, "HOST:PORT to listen on")
      ->envname("ALLOCATION_LISTEN")
      ->capture_default_str();
  serve_command
      ->add_option("--database", serve_options.database,
                   "sqlite:///ABSOLUTE/PATH, sqlite://RELATIVE/PATH or "
                   "postgresql://USER:PASS@HOST:PORT/DB")
      ->envname("ALLOCATION_DATABASE")
      ->capture_default_str();
  serve_command
      ->add_option("--redis", serve_options.redis,
                   "redis://HOST:PORT: publish Allocated events on line_allocated and consume "
                   "change_batch_quantity (without it, events wait in the outbox)")
      ->envname("ALLOCATION_REDIS");
  serve_command
      ->add_option("--smtp", serve_options.smtp,
                   "smtp://HOST:PORT: e-mail OutOfStock events (without it, they wait in the "
                   "outbox)")
      ->envname("ALLOCATION_SMTP");
  serve_command->add_option("--smtp-from", serve_options.smtp_from, "Sender of the e-mails")
      ->envname("ALLOCATION_SMTP_FROM")
      ->capture_default_str();
  serve_command->add_option("--smtp-to", serve_options.smtp_to, "The stock department's address")
      ->envname("ALLOCATION_SMTP_TO")
      ->capture_default_str();
  serve_command
      ->add_option("--log-level", serve_options.log_level, "trace, debug, info, warn, error or off")
      ->envname("ALLOCATION_LOG_LEVEL")
      ->capture_default_str();

  // The limits: each a flag, an ALLOCATION_ variable, and a default shown in --help.
  entrypoints::http::ServerSettings& server = serve_options.server;
  auto add_limit = [&](const std::string& flag, auto& setting, auto minimum, auto maximum,
                       const std::string& description) {
    serve_command->add_option(flag, setting, description)
        ->envname(environment_variable(flag))
        ->check(CLI::Range(minimum, maximum))
        ->capture_default_str();
  };
  auto add_timeout = [&](const std::string& flag, std::chrono::milliseconds& setting,
                         const std::string& description) {
    serve_command
        ->add_option_function<std::int64_t>(
            flag, [&setting](std::int64_t ms) { setting = std::chrono::milliseconds{ms}; },
            description + " (default " + std::to_string(setting.count()) + ")")
        ->envname(environment_variable(flag))
        ->check(CLI::Range(std::int64_t{1}, std::int64_t{86'400'000}));
  };
  constexpr std::size_t mebibyte = 1024 * 1024;
  add_limit("--header-bytes-max", server.header_bytes_max, std::size_t{256}, mebibyte,
            "Largest request header (431 beyond)");
  add_limit("--body-bytes-max", server.body_bytes_max, std::size_t{256}, 64 * mebibyte,
            "Largest request body (413 beyond)");
  add_limit("--url-bytes-max", server.url_bytes_max, std::size_t{16}, mebibyte,
            "Longest request URL (414 beyond)");
  add_limit("--json-depth-max", server.input.json_depth_max, std::size_t{2}, std::size_t{1000},
            "Deepest nesting of a JSON body (400 beyond)");
  add_limit("--json-elements-max", server.input.json_elements_max, std::size_t{4},
            std::size_t{1'000'000}, "Most values in a JSON body (400 beyond)");
  add_limit("--identifier-bytes-max", server.input.identifier_bytes_max, std::size_t{1},
            std::size_t{65536}, "Longest reference, SKU or order id (400 beyond)");
  add_limit("--connections-max", server.connections_max, std::size_t{1}, std::size_t{1'000'000},
            "Most open connections (503 and close beyond)");
  add_limit("--requests-per-connection-max", server.requests_per_connection_max, std::size_t{1},
            std::size_t{1'000'000'000}, "Requests on one connection before it is closed");
  add_limit("--token-requests-per-second-max", server.token_requests_per_second_max, 1.0, 1e9,
            "Requests a second per token, and as many at once, with --auth on (429 beyond)");
  add_timeout("--header-timeout-ms", server.header_timeout,
              "Time to send a request's header, from its first byte");
  add_timeout("--body-timeout-ms", server.body_timeout,
              "Time to send a request's body, from the end of its header");
  add_timeout("--idle-timeout-ms", server.idle_timeout,
              "Time a connection may wait for its next request, or its first");

  serve_command
      ->add_option("--auth", serve_options.auth,
                   "on: every request needs Authorization: Bearer <token> (see `allocation "
                   "token`); off: loopback addresses only")
      ->envname("ALLOCATION_AUTH")
      ->check(CLI::IsMember({"on", "off"}))
      ->capture_default_str();

  TokenOptions token_options;
  CLI::App* token_command = app.add_subcommand("token", "Manage API tokens");
  token_command->require_subcommand(1);
  auto add_database = [&](CLI::App* command) {
    command
        ->add_option("--database", token_options.database,
                     "sqlite:///ABSOLUTE/PATH, sqlite://RELATIVE/PATH or "
                     "postgresql://USER:PASS@HOST:PORT/DB")
        ->envname("ALLOCATION_DATABASE")
        ->capture_default_str();
  };
  CLI::App* create_command =
      token_command->add_subcommand("create", "Create a token and print it once, as the last line");
  add_database(create_command);
  create_command->add_option("--role", token_options.role, "reader, allocator or admin")
      ->required()
      ->check(CLI::IsMember({"reader", "allocator", "admin"}));
  create_command->add_option("--name", token_options.name, "A name for the token, never reused")
      ->required();
  CLI::App* list_command = token_command->add_subcommand("list", "List the active tokens");
  add_database(list_command);
  CLI::App* revoke_command = token_command->add_subcommand("revoke", "Revoke a token");
  add_database(revoke_command);
  revoke_command->add_option("name", token_options.name, "The token's name")->required();

  AuditOptions audit_options;
  CLI::App* audit_command = app.add_subcommand(
      "audit", "Show the newest changes of stock and of tokens, oldest first, with who made them");
  audit_command
      ->add_option("--database", audit_options.database,
                   "sqlite:///ABSOLUTE/PATH, sqlite://RELATIVE/PATH or "
                   "postgresql://USER:PASS@HOST:PORT/DB")
      ->envname("ALLOCATION_DATABASE")
      ->capture_default_str();
  audit_command->add_option("--limit", audit_options.limit, "How many entries to show")
      ->check(CLI::Range(std::size_t{1}, std::size_t{1'000'000}))
      ->capture_default_str();
  audit_command->add_flag("--json", audit_options.json, "One JSON object per line");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    // app.exit prints help, the version, or the one-line problem.
    return app.exit(error) == 0 ? 0 : 2;
  }

  try {
    if (*serve_command) return serve(serve_options);
    if (*create_command) return create_token(token_options);
    if (*list_command) return list_tokens(token_options);
    if (*revoke_command) return revoke_token(token_options);
    if (*audit_command) return show_audit(audit_options);
  } catch (const UsageError& error) {
    std::cerr << "allocation: " << error.what() << "\n";
    return 2;
  } catch (const std::exception& error) {
    std::cerr << "allocation: " << error.what() << "\n";
    return 1;
  }
  return 0;
}
