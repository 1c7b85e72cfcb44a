#include "entrypoints/cli/serve.hpp"

#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>
#include <sys/resource.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <array>
#include <charconv>
#include <csignal>
#include <memory>

#include "bootstrap/server.hpp"

namespace allocation::cli {

namespace {

std::string host_name() {
  std::array<char, 256> name{};
  if (::gethostname(name.data(), name.size() - 1) != 0) return "allocation";
  return name.data();
}

struct ServeOptions {
  std::string listen = "127.0.0.1:5005";
  std::string database = default_database;
  std::string log_level = "info";
  std::string access_log_level = "info";
  std::string auth = "off";
  std::string redis;
  std::string smtp;
  std::string smtp_from = "allocations@example.com";
  std::string smtp_to = "stock@made.com";
  std::int64_t idempotency_retention_s = 86'400;
  std::int64_t outbox_retention_s = 0;
  std::string redis_stream = "allocation:events";
  std::int64_t redis_stream_length_max = 1'000'000;
  std::string redis_command_stream = "allocation:commands";
  std::string redis_command_group = "allocation";
  std::string redis_command_consumer = host_name();
  std::string redis_dead_letter_stream = "allocation:commands:dead";
  entrypoints::http::ServerSettings server;
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

// spdlog's level of that name; `flag` names the option in the error for another name.
spdlog::level::level_enum log_level_named(const std::string& level, const std::string& flag) {
  auto parsed = spdlog::level::from_str(level);
  if (parsed == spdlog::level::off && level != "off") {
    throw UsageError{flag + " '" + level + "' is not one of trace, debug, info, warn, error, off"};
  }
  return parsed;
}

// A line's level as --log-level names it (`warn`, where spdlog would write `warning`).
class LevelName final : public spdlog::custom_flag_formatter {
 public:
  void format(const spdlog::details::log_msg& message, const std::tm&,
              spdlog::memory_buf_t& out) override {
    static constexpr std::array<std::string_view, 7> names{"trace", "debug",    "info", "warn",
                                                           "error", "critical", "off"};
    std::string_view name = names.at(static_cast<std::size_t>(message.level));
    out.append(name.data(), name.data() + name.size());
  }
  [[nodiscard]] std::unique_ptr<custom_flag_formatter> clone() const override {
    return std::make_unique<LevelName>();
  }
};

void configure_logging(const std::string& level) {
  auto logger = spdlog::stderr_logger_mt("allocation");
  spdlog::set_default_logger(logger);
  auto formatter = std::make_unique<spdlog::pattern_formatter>(spdlog::pattern_time_type::utc);
  formatter->add_flag<LevelName>('*').set_pattern("time=%Y-%m-%dT%H:%M:%S.%fZ level=%* %v");
  spdlog::set_formatter(std::move(formatter));
  spdlog::set_level(log_level_named(level, "--log-level"));
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

bootstrap::ServiceSettings service_settings(const ServeOptions& options) {
  bootstrap::ServiceSettings settings;
  settings.database_url = options.database;
  settings.authentication = options.auth == "on";
  settings.limits.idempotency_retention = std::chrono::seconds{options.idempotency_retention_s};
  settings.outbox_retention = std::chrono::seconds{options.outbox_retention_s};
  if (!options.redis.empty()) settings.redis = bootstrap::parse_redis_url(options.redis);
  settings.redis_stream = options.redis_stream;
  settings.redis_stream_length_max = options.redis_stream_length_max;
  if (!options.redis_command_stream.empty() &&
      (options.redis_command_group.empty() || options.redis_command_consumer.empty())) {
    throw UsageError{"--redis-command-group and --redis-command-consumer must not be empty"};
  }
  settings.redis_command_stream = options.redis_command_stream;
  settings.redis_command_group = options.redis_command_group;
  settings.redis_command_consumer = options.redis_command_consumer;
  settings.redis_dead_letter_stream = options.redis_dead_letter_stream;
  if (!options.smtp.empty()) {
    settings.smtp = bootstrap::SmtpSettings{options.smtp, options.smtp_from, options.smtp_to};
  }
  return settings;
}

int serve(const ServeOptions& options) {
  // Failures come back as errors instead of killing the process: a write to a closed
  // connection (EPIPE) and a file that may not grow (EFBIG, as PostgreSQL also chooses).
  std::signal(SIGPIPE, SIG_IGN);
  std::signal(SIGXFSZ, SIG_IGN);
  configure_logging(options.log_level);
  raise_open_files_limit(options.server.connections_max);
  entrypoints::http::ServerSettings http = options.server;
  http.access_log_level = log_level_named(options.access_log_level, "--access-log-level");
  split_listen_address(options.listen, http);
  prepare(options.database);
  bootstrap::Server server{service_settings(options), http};
  spdlog::info("msg=\"serving\" database=\"{}\" redis=\"{}\" smtp=\"{}\" auth={}",
               redacted(options.database), options.redis, options.smtp, options.auth);
  server.run();
  spdlog::info("msg=\"stopped\"");
  return 0;
}

void add_command_stream(CLI::App& serve, ServeOptions& options) {
  serve
      .add_option("--redis-command-stream", options.redis_command_stream,
                  "Stream quantity changes are also read from (field payload), with a consumer "
                  "group; empty: none")
      ->envname("ALLOCATION_REDIS_COMMAND_STREAM")
      ->capture_default_str();
  serve
      .add_option("--redis-command-group", options.redis_command_group,
                  "The consumer group instances read the command stream in")
      ->envname("ALLOCATION_REDIS_COMMAND_GROUP")
      ->capture_default_str();
  serve
      .add_option("--redis-command-consumer", options.redis_command_consumer,
                  "This instance's name in the group: what it read and did not acknowledge is "
                  "taken up again under the same name (default: the host name)")
      ->envname("ALLOCATION_REDIS_COMMAND_CONSUMER");
  serve
      .add_option("--redis-dead-letter-stream", options.redis_dead_letter_stream,
                  "Stream that command stream entries malformed or refused are copied to, with "
                  "the reason")
      ->envname("ALLOCATION_REDIS_DEAD_LETTER_STREAM")
      ->capture_default_str();
}

void add_connections(CLI::App& serve, ServeOptions& options) {
  serve.add_option("--listen", options.listen, "HOST:PORT to listen on")
      ->envname("ALLOCATION_LISTEN")
      ->capture_default_str();
  add_database_option(serve, options.database);
  serve
      .add_option("--redis", options.redis,
                  "redis://HOST:PORT: publish every event on its channel and the stream, and "
                  "consume change_batch_quantity (without it, events wait in the outbox)")
      ->envname("ALLOCATION_REDIS");
  serve
      .add_option("--redis-stream", options.redis_stream,
                  "Stream that every event is also appended to (XADD, fields seq, event, channel, "
                  "payload), for consumer groups; empty: none")
      ->envname("ALLOCATION_REDIS_STREAM")
      ->capture_default_str();
  serve
      .add_option("--redis-stream-length-max", options.redis_stream_length_max,
                  "Entries the stream is trimmed to, about (MAXLEN ~)")
      ->envname("ALLOCATION_REDIS_STREAM_LENGTH_MAX")
      ->check(CLI::Range(std::int64_t{1}, std::int64_t{1'000'000'000}))
      ->capture_default_str();
  add_command_stream(serve, options);
  serve
      .add_option("--smtp", options.smtp,
                  "smtp://HOST:PORT: e-mail OutOfStock events (without it, they wait in the "
                  "outbox)")
      ->envname("ALLOCATION_SMTP");
  serve.add_option("--smtp-from", options.smtp_from, "Sender of the e-mails")
      ->envname("ALLOCATION_SMTP_FROM")
      ->capture_default_str();
  serve.add_option("--smtp-to", options.smtp_to, "The stock department's address")
      ->envname("ALLOCATION_SMTP_TO")
      ->capture_default_str();
  serve.add_option("--log-level", options.log_level, "trace, debug, info, warn, error or off")
      ->envname("ALLOCATION_LOG_LEVEL")
      ->capture_default_str();
  serve
      .add_option("--access-log-level", options.access_log_level,
                  "Level of the line logged for each request (shown when --log-level lets it "
                  "through); off: none")
      ->envname("ALLOCATION_ACCESS_LOG_LEVEL")
      ->capture_default_str();
  serve
      .add_option("--auth", options.auth,
                  "on: every request needs Authorization: Bearer <token> (see `allocation "
                  "token`); off: loopback addresses only")
      ->envname("ALLOCATION_AUTH")
      ->check(CLI::IsMember({"on", "off"}))
      ->capture_default_str();
  serve
      .add_option("--idempotency-retention-s", options.idempotency_retention_s,
                  "Seconds the reply to a request with an Idempotency-Key is kept and given "
                  "again to the same request with that key")
      ->envname("ALLOCATION_IDEMPOTENCY_RETENTION_S")
      ->check(CLI::Range(std::int64_t{1}, std::int64_t{366} * 86'400))
      ->capture_default_str();
  serve
      .add_option("--outbox-retention-s", options.outbox_retention_s,
                  "Seconds an event stays in the outbox once every destination (Redis, SMTP) has "
                  "it; without any destination, events wait")
      ->envname("ALLOCATION_OUTBOX_RETENTION_S")
      ->check(CLI::Range(std::int64_t{0}, std::int64_t{366} * 86'400))
      ->capture_default_str();
}

// The limits: each a flag, an ALLOCATION_ variable, and a default shown in --help.
void add_limits(CLI::App& serve, entrypoints::http::ServerSettings& server) {
  auto add_limit = [&](const std::string& flag, auto& setting, auto minimum, auto maximum,
                       const std::string& description) {
    serve.add_option(flag, setting, description)
        ->envname(environment_variable(flag))
        ->check(CLI::Range(minimum, maximum))
        ->capture_default_str();
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
            std::size_t{1'000'000},
            "Most values in a JSON body (400 beyond); for POST /batches, 5 a batch");
  add_limit("--batches-max", server.input.batches_max, std::size_t{1}, std::size_t{10'000},
            "Most batches in one POST /batches request (400 beyond)");
  add_limit("--identifier-bytes-max", server.input.identifier_bytes_max, std::size_t{1},
            std::size_t{65536}, "Longest reference, SKU or order id (400 beyond)");
  add_limit("--connections-max", server.connections_max, std::size_t{1}, std::size_t{1'000'000},
            "Most open connections (503 and close beyond)");
  add_limit("--requests-per-connection-max", server.requests_per_connection_max, std::size_t{1},
            std::size_t{1'000'000'000}, "Requests on one connection before it is closed");
  add_limit("--token-requests-per-second-max", server.token_requests_per_second_max, 1.0, 1e9,
            "Requests a second per token, and as many at once, with --auth on (429 beyond)");
}

void add_timeouts(CLI::App& serve, entrypoints::http::ServerSettings& server) {
  auto add_timeout = [&](const std::string& flag, std::chrono::milliseconds& setting,
                         const std::string& description) {
    serve
        .add_option_function<std::int64_t>(
            flag, [&setting](std::int64_t ms) { setting = std::chrono::milliseconds{ms}; },
            description + " (default " + std::to_string(setting.count()) + ")")
        ->envname(environment_variable(flag))
        ->check(CLI::Range(std::int64_t{1}, std::int64_t{86'400'000}));
  };
  add_timeout("--header-timeout-ms", server.header_timeout,
              "Time to send a request's header, from its first byte");
  add_timeout("--body-timeout-ms", server.body_timeout,
              "Time to send a request's body, from the end of its header");
  add_timeout("--idle-timeout-ms", server.idle_timeout,
              "Time a connection may wait for its next request, or its first");
}

}  // namespace

Subcommand add_serve_command(CLI::App& app) {
  auto options = std::make_shared<ServeOptions>();
  CLI::App* serve_command = app.add_subcommand("serve", "Run the HTTP API");
  add_connections(*serve_command, *options);
  add_limits(*serve_command, options->server);
  add_timeouts(*serve_command, options->server);
  return {serve_command, [options] { return serve(*options); }};
}

}  // namespace allocation::cli
