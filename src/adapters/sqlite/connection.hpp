#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>

struct sqlite3;
struct sqlite3_stmt;

namespace allocation::adapters::sqlite {

class SqliteError : public std::runtime_error {
 public:
  SqliteError(int code, const std::string& message) : std::runtime_error{message}, code_{code} {}
  // The primary SQLite result code (SQLITE_BUSY, SQLITE_FULL, SQLITE_CONSTRAINT, ...).
  [[nodiscard]] int code() const { return code_; }

 private:
  int code_;
};

// A prepared statement, reset and cleared after each use.
class Statement {
 public:
  Statement(sqlite3* db, sqlite3_stmt* statement) : db_{db}, statement_{statement} {}

  Statement& bind(int index, std::string_view text);
  Statement& bind(int index, std::int64_t value);
  Statement& bind_optional(int index, const std::optional<std::string>& text);
  Statement& bind_null(int index);

  // True while there is a row to read.
  bool step();
  // Runs a statement that returns no row; returns the number of rows changed.
  int execute();
  void reset();

  [[nodiscard]] std::string text(int column) const;
  [[nodiscard]] std::optional<std::string> optional_text(int column) const;
  [[nodiscard]] std::int64_t int64(int column) const;

 private:
  sqlite3* db_;
  sqlite3_stmt* statement_;
};

// One SQLite connection, used by one thread at a time, with its statements prepared once.
class Connection {
 public:
  // Opens (creating if needed) the database file, in WAL mode with synchronous=FULL so that a
  // commit returns only once it is durable (the writer's SqliteTables relaxes this to NORMAL
  // and makes its groups durable itself), with a 64 MiB page cache.
  explicit Connection(const std::string& path);
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;
  ~Connection();

  // Runs one or more statements that return no rows, parsing them each time.
  void execute(const char* sql);
  // Runs one statement that returns no row, prepared once.
  void run(const char* sql);
  // Rolls back the open transaction; SQLite may have done so already (it does on some I/O
  // errors), which is no failure.
  void rollback() noexcept;
  // The path of the main database's write-ahead log.
  [[nodiscard]] std::string wal_path() const;
  // `sql` must outlive the connection: statements are cached by its address.
  Statement& statement(const char* sql);

  // A PASSIVE checkpoint: copies what it can from the log without waiting for anyone; returns
  // how many of the log's frames are then in the database file.
  int checkpoint();
  // `written` runs after each commit on this connection, with the frames then in the log.
  void watch_log(std::function<void(int frames)> written);

 private:
  struct Finalizer {
    void operator()(sqlite3_stmt* statement) const;
  };

  sqlite3* db_ = nullptr;
  std::function<void(int)> log_written_;
  std::unordered_map<const char*, std::pair<std::unique_ptr<sqlite3_stmt, Finalizer>, Statement>>
      statements_;
};

// A write transaction (BEGIN IMMEDIATE) for one scope, rolled back unless committed.
class Transaction {
 public:
  explicit Transaction(Connection& db);
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  ~Transaction();
  void commit();

 private:
  Connection& db_;
  bool open_ = true;
};

// RAII: resets a statement however the scope ends.
class StatementUse {
 public:
  explicit StatementUse(Statement& statement) : statement_{statement} {}
  StatementUse(const StatementUse&) = delete;
  StatementUse& operator=(const StatementUse&) = delete;
  ~StatementUse() { statement_.reset(); }
  Statement* operator->() { return &statement_; }
  Statement& operator*() { return statement_; }

 private:
  Statement& statement_;
};

}  // namespace allocation::adapters::sqlite
