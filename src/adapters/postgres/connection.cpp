#include "adapters/postgres/connection.hpp"

#include <libpq-fe.h>

#include <algorithm>
#include <charconv>
#include <vector>

namespace allocation::adapters::postgres {

namespace {

PostgresError error_of(pg_conn* connection, const pg_result* result) {
  const char* sqlstate = result != nullptr ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
  std::string message = result != nullptr ? PQresultErrorMessage(result) : "";
  if (message.empty()) message = PQerrorMessage(connection);
  while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) message.pop_back();
  // One line, so that it stays one log line.
  std::replace(message.begin(), message.end(), '\n', ' ');
  return PostgresError{sqlstate != nullptr ? sqlstate : "", message};
}

Result checked(pg_conn* connection, pg_result* raw) {
  Result result{raw};
  auto status = PQresultStatus(raw);
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) throw error_of(connection, raw);
  return result;
}

// Statements are prepared once per connection, and none has a parameter whose value would
// change its best plan: a generic plan saves planning it again at each execution.
constexpr const char* session_settings =
    "SET client_min_messages = warning; SET plan_cache_mode = force_generic_plan";

}  // namespace

void Result::Clear::operator()(pg_result* result) const { PQclear(result); }

Result::Result(pg_result* result) : result_{result} {}

int Result::rows() const { return PQntuples(result_.get()); }

std::int64_t Result::affected_rows() const {
  const char* text = PQcmdTuples(result_.get());
  std::int64_t count = 0;
  std::from_chars(text, text + std::char_traits<char>::length(text), count);
  return count;
}

bool Result::is_null(int row, int column) const {
  return PQgetisnull(result_.get(), row, column) != 0;
}

std::string Result::text(int row, int column) const {
  return {PQgetvalue(result_.get(), row, column),
          static_cast<std::size_t>(PQgetlength(result_.get(), row, column))};
}

std::optional<std::string> Result::optional_text(int row, int column) const {
  if (is_null(row, column)) return std::nullopt;
  return text(row, column);
}

std::string ResultRow::text(int column) const { return result_.text(row_, column); }

std::optional<std::string> ResultRow::optional_text(int column) const {
  return result_.optional_text(row_, column);
}

std::int64_t ResultRow::int64(int column) const { return result_.int64(row_, column); }

std::int64_t Result::int64(int row, int column) const {
  std::string value = text(row, column);
  std::int64_t number = 0;
  std::from_chars(value.data(), value.data() + value.size(), number);
  return number;
}

Connection::Connection(const std::string& url) : connection_{PQconnectdb(url.c_str())} {
  if (PQstatus(connection_) != CONNECTION_OK) {
    PostgresError error = error_of(connection_, nullptr);
    PQfinish(connection_);
    throw error;
  }
  execute(session_settings);
}

Connection::~Connection() { PQfinish(connection_); }

void Connection::execute(const char* sql) { checked(connection_, PQexec(connection_, sql)); }

const std::string& Connection::prepared_name(const char* sql, bool& newly) {
  if (auto found = prepared_.find(sql); found != prepared_.end()) {
    newly = false;
    return found->second;
  }
  auto [reserved, inserted] =
      preparing_.try_emplace(sql, "s" + std::to_string(prepared_.size() + preparing_.size()));
  newly = inserted;
  return reserved->second;
}

std::vector<Result> Connection::run_pipelined(const std::vector<Statement>& statements) {
  if (PQenterPipelineMode(connection_) == 0) throw error_of(connection_, nullptr);
  // What was sent, in order: a statement to run, or `sql` to prepare.
  struct Sent {
    const char* sql;
    bool prepares;
  };
  std::vector<Sent> sent;
  sent.reserve(statements.size() * 2);
  std::vector<const char*> values;
  bool sending = true;
  for (const Statement& statement : statements) {
    bool newly = false;
    const std::string& name = prepared_name(statement.sql, newly);
    if (newly) {
      sending = PQsendPrepare(connection_, name.c_str(), statement.sql, 0, nullptr) != 0;
      if (!sending) break;
      sent.push_back({statement.sql, true});
    }
    values.clear();
    for (const Parameter& parameter : statement.parameters) {
      values.push_back(parameter ? parameter->c_str() : nullptr);
    }
    sending = PQsendQueryPrepared(connection_, name.c_str(), static_cast<int>(values.size()),
                                  values.data(), nullptr, nullptr, 0) != 0;
    if (!sending) break;
    sent.push_back({statement.sql, false});
  }
  if (!sending || PQpipelineSync(connection_) == 0) {
    preparing_.clear();
    start_again();
  }
  std::vector<Result> results;
  results.reserve(statements.size());
  std::optional<PostgresError> failure;
  for (const Sent& item : sent) {
    pg_result* raw = PQgetResult(connection_);
    if (raw == nullptr) break;
    Result result{raw};
    // Each statement's results end with a null.
    while (pg_result* extra = PQgetResult(connection_)) PQclear(extra);
    auto status = PQresultStatus(raw);
    if (status == PGRES_PIPELINE_ABORTED) continue;
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
      if (!failure) failure = error_of(connection_, raw);
      continue;
    }
    if (item.prepares) {
      prepared_.insert(preparing_.extract(item.sql));
    } else {
      results.push_back(std::move(result));
    }
  }
  preparing_.clear();
  if (PQstatus(connection_) != CONNECTION_OK) throw error_of(connection_, nullptr);
  if (pg_result* sync = PQgetResult(connection_)) PQclear(sync);
  if (PQexitPipelineMode(connection_) == 0) start_again();
  if (failure) throw *failure;
  return results;
}

void Connection::start_again() {
  PostgresError error = error_of(connection_, nullptr);
  PQreset(connection_);
  prepared_.clear();
  throw error;
}

Result Connection::run(const char* sql, std::initializer_list<Parameter> parameters) {
  auto found = prepared_.find(sql);
  if (found == prepared_.end()) {
    std::string name = "s" + std::to_string(prepared_.size());
    checked(connection_, PQprepare(connection_, name.c_str(), sql, 0, nullptr));
    found = prepared_.emplace(sql, std::move(name)).first;
  }
  std::vector<const char*> values;
  values.reserve(parameters.size());
  for (const Parameter& parameter : parameters) {
    values.push_back(parameter ? parameter->c_str() : nullptr);
  }
  return checked(connection_,
                 PQexecPrepared(connection_, found->second.c_str(), static_cast<int>(values.size()),
                                values.data(), nullptr, nullptr, 0));
}

bool Connection::lost() const { return PQstatus(connection_) != CONNECTION_OK; }

void Connection::ensure_connected() {
  if (PQstatus(connection_) == CONNECTION_OK) return;
  PQreset(connection_);
  prepared_.clear();
  if (PQstatus(connection_) != CONNECTION_OK) throw error_of(connection_, nullptr);
  execute(session_settings);
}

}  // namespace allocation::adapters::postgres
