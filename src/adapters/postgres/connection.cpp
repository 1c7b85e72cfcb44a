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
  execute("SET client_min_messages = warning");
}

Connection::~Connection() { PQfinish(connection_); }

void Connection::execute(const char* sql) { checked(connection_, PQexec(connection_, sql)); }

std::vector<Result> Connection::execute_all(const std::string& sql) {
  if (PQsendQuery(connection_, sql.c_str()) == 0) throw error_of(connection_, nullptr);
  std::vector<Result> results;
  std::optional<PostgresError> failure;
  while (pg_result* raw = PQgetResult(connection_)) {
    Result result{raw};
    auto status = PQresultStatus(raw);
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
      if (!failure) failure = error_of(connection_, raw);
      continue;
    }
    results.push_back(std::move(result));
  }
  if (failure) throw *failure;
  if (PQstatus(connection_) != CONNECTION_OK) throw error_of(connection_, nullptr);
  return results;
}

std::string Connection::literal(std::string_view text) const {
  char* escaped = PQescapeLiteral(connection_, text.data(), text.size());
  if (escaped == nullptr) throw error_of(connection_, nullptr);
  std::string quoted{escaped};
  PQfreemem(escaped);
  return quoted;
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
  execute("SET client_min_messages = warning");
}

}  // namespace allocation::adapters::postgres
