#include "adapters/sqlite/connection.hpp"

#include <sqlite3.h>

#include <utility>

#include "adapters/sqlite/coalescing_vfs.hpp"
#include "adapters/sqlite/statements.hpp"

namespace allocation::adapters::sqlite {

namespace {

[[noreturn]] void fail(sqlite3* db, int code) {
  throw SqliteError{code & 0xff, db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(code)};
}

void check(sqlite3* db, int code) {
  if (code != SQLITE_OK) fail(db, code);
}

}  // namespace

Statement& Statement::bind(int index, std::string_view text) {
  check(db_, sqlite3_bind_text(statement_, index, text.data(), static_cast<int>(text.size()),
                               SQLITE_TRANSIENT));
  return *this;
}

Statement& Statement::bind(int index, std::int64_t value) {
  check(db_, sqlite3_bind_int64(statement_, index, value));
  return *this;
}

Statement& Statement::bind_optional(int index, const std::optional<std::string>& text) {
  return text ? bind(index, std::string_view{*text}) : bind_null(index);
}

Statement& Statement::bind_null(int index) {
  check(db_, sqlite3_bind_null(statement_, index));
  return *this;
}

bool Statement::step() {
  int code = sqlite3_step(statement_);
  if (code == SQLITE_ROW) return true;
  if (code == SQLITE_DONE) return false;
  fail(db_, code);
}

int Statement::execute() {
  while (step()) {
  }
  return sqlite3_changes(db_);
}

void Statement::reset() {
  sqlite3_reset(statement_);
  sqlite3_clear_bindings(statement_);
}

std::string Statement::text(int column) const {
  const auto* bytes = sqlite3_column_text(statement_, column);
  return bytes == nullptr
             ? std::string{}
             : std::string{reinterpret_cast<const char*>(bytes),
                           static_cast<std::size_t>(sqlite3_column_bytes(statement_, column))};
}

std::optional<std::string> Statement::optional_text(int column) const {
  if (sqlite3_column_type(statement_, column) == SQLITE_NULL) return std::nullopt;
  return text(column);
}

std::int64_t Statement::int64(int column) const { return sqlite3_column_int64(statement_, column); }

void Connection::Finalizer::operator()(sqlite3_stmt* statement) const {
  sqlite3_finalize(statement);
}

Connection::Connection(const std::string& path) {
  int code = sqlite3_open_v2(path.c_str(), &db_,
                             SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                             coalescing_vfs_name());
  if (code != SQLITE_OK) {
    std::string message = db_ != nullptr ? sqlite3_errmsg(db_) : sqlite3_errstr(code);
    sqlite3_close(db_);
    throw SqliteError{code & 0xff, message};
  }
  sqlite3_extended_result_codes(db_, 1);
  try {
    execute(
        "PRAGMA busy_timeout = 5000;"
        "PRAGMA journal_mode = WAL;"
        "PRAGMA synchronous = FULL;"
        "PRAGMA cache_size = -65536;");
  } catch (...) {
    sqlite3_close(db_);
    throw;
  }
}

Connection::~Connection() {
  statements_.clear();
  sqlite3_close(db_);
}

void Connection::execute(const char* sql) {
  char* error = nullptr;
  int code = sqlite3_exec(db_, sql, nullptr, nullptr, &error);
  if (code != SQLITE_OK) {
    std::string message = error != nullptr ? error : sqlite3_errstr(code);
    sqlite3_free(error);
    throw SqliteError{code & 0xff, message};
  }
}

std::string Connection::wal_path() const {
  return sqlite3_filename_wal(sqlite3_db_filename(db_, "main"));
}

void Connection::run(const char* sql) {
  Statement& prepared = statement(sql);
  StatementUse use{prepared};
  use->execute();
}

void Connection::rollback() noexcept {
  try {
    execute(sql::rollback);
  } catch (const SqliteError&) {
    // Already rolled back.
  }
}

Transaction::Transaction(Connection& db) : db_{db} { db_.run(sql::begin_immediate); }

Transaction::~Transaction() {
  if (open_) db_.rollback();
}

void Transaction::commit() {
  db_.run(sql::commit);
  open_ = false;
}

int Connection::checkpoint() {
  int copied = 0;
  int code = sqlite3_wal_checkpoint_v2(db_, nullptr, SQLITE_CHECKPOINT_PASSIVE, nullptr, &copied);
  // BUSY: another connection is checkpointing; it will copy what this one would have.
  if (code != SQLITE_OK && code != SQLITE_BUSY) fail(db_, code);
  return copied;
}

void Connection::watch_log(std::function<void(int frames)> written) {
  log_written_ = std::move(written);
  sqlite3_wal_hook(
      db_,
      [](void* context, sqlite3*, const char*, int frames) {
        (*static_cast<std::function<void(int)>*>(context))(frames);
        return SQLITE_OK;
      },
      &log_written_);
}

Statement& Connection::statement(const char* sql) {
  auto found = statements_.find(sql);
  if (found != statements_.end()) return found->second.second;
  sqlite3_stmt* prepared = nullptr;
  check(db_, sqlite3_prepare_v3(db_, sql, -1, SQLITE_PREPARE_PERSISTENT, &prepared, nullptr));
  auto [inserted, _] = statements_.emplace(
      sql, std::pair{std::unique_ptr<sqlite3_stmt, Finalizer>{prepared}, Statement{db_, prepared}});
  return inserted->second.second;
}

}  // namespace allocation::adapters::sqlite
