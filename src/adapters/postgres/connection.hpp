#pragma once

#include <cstdint>
#include <initializer_list>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

struct pg_conn;
struct pg_result;

namespace allocation::adapters::postgres {

class PostgresError : public std::runtime_error {
 public:
  PostgresError(std::string sqlstate, const std::string& message)
      : std::runtime_error{message}, sqlstate_{std::move(sqlstate)} {}
  // Empty when the connection itself failed.
  [[nodiscard]] const std::string& sqlstate() const { return sqlstate_; }

 private:
  std::string sqlstate_;
};

class Result;

// One row of a result, as the mappings of adapters/rows.hpp read it.
class ResultRow {
 public:
  ResultRow(const Result& result, int row) : result_{result}, row_{row} {}
  [[nodiscard]] std::string text(int column) const;
  [[nodiscard]] std::optional<std::string> optional_text(int column) const;
  [[nodiscard]] std::int64_t int64(int column) const;

 private:
  const Result& result_;
  int row_;
};

class Result {
 public:
  explicit Result(pg_result* result);
  [[nodiscard]] ResultRow row(int row) const { return {*this, row}; }
  // Each row through `map`, e.g. a mapping of adapters/rows.hpp.
  template <class Map>
  [[nodiscard]] auto rows_as(Map&& map) const {
    std::vector<decltype(map(row(0)))> mapped;
    mapped.reserve(static_cast<std::size_t>(rows()));
    for (int i = 0; i < rows(); ++i) mapped.push_back(map(row(i)));
    return mapped;
  }
  [[nodiscard]] int rows() const;
  [[nodiscard]] std::int64_t affected_rows() const;
  [[nodiscard]] bool is_null(int row, int column) const;
  [[nodiscard]] std::string text(int row, int column) const;
  [[nodiscard]] std::optional<std::string> optional_text(int row, int column) const;
  [[nodiscard]] std::int64_t int64(int row, int column) const;

 private:
  struct Clear {
    void operator()(pg_result* result) const;
  };
  std::unique_ptr<pg_result, Clear> result_;
};

// A parameter in text form; nullopt is SQL NULL.
using Parameter = std::optional<std::string>;

// A statement and its parameters; `sql` must outlive the connection that runs it, which keeps
// it prepared by its address.
struct Statement {
  const char* sql;
  std::vector<Parameter> parameters;
};

// One libpq connection, used by one thread at a time, with its statements prepared once.
class Connection {
 public:
  // `url` is postgresql://USER:PASS@HOST:PORT/DB. Throws PostgresError.
  explicit Connection(const std::string& url);
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;
  ~Connection();

  // Runs statements without parameters (several allowed).
  void execute(const char* sql);
  // Runs the statements in one round trip (libpq's pipeline mode), each prepared on first use,
  // and returns each one's result; throws the first error (the statements after it did not
  // run). Inside a transaction that the statements open, a failure leaves it to be rolled back.
  std::vector<Result> run_pipelined(const std::vector<Statement>& statements);
  // Runs one statement, prepared on first use; `sql` must outlive the connection.
  Result run(const char* sql, std::initializer_list<Parameter> parameters = {});
  // Reconnects if the connection was lost; prepared statements are then prepared again.
  void ensure_connected();
  [[nodiscard]] bool lost() const;

 private:
  // The name `sql` is prepared under; `newly` when it is not prepared yet (a name is then
  // reserved for it).
  const std::string& prepared_name(const char* sql, bool& newly);
  // For a connection out of step with its server: connects again and throws what went wrong.
  [[noreturn]] void start_again();

  pg_conn* connection_ = nullptr;
  std::unordered_map<const char*, std::string> prepared_;
  std::unordered_map<const char*, std::string> preparing_;
};

// Runs `work` on `db`; if the connection turns out to have been lost (a server restart, a
// terminated backend), reconnects and runs it once more. Only for work safe to repeat.
template <class Work>
auto run_reconnecting(Connection& db, Work&& work) {
  db.ensure_connected();
  try {
    return work();
  } catch (const PostgresError&) {
    if (!db.lost()) throw;
    db.ensure_connected();
    return work();
  }
}

}  // namespace allocation::adapters::postgres
