#pragma once

#include <sqlite3.h>

#include "adapters/sqlite/connection.hpp"
#include "service_layer/errors.hpp"

// What the tables share: SQLite's errors as the service layer's.
namespace allocation::adapters::sqlite {

// Runs `work`, turning SQLite's errors into the service layer's.
template <class Work>
auto guarded(Work&& work) {
  try {
    return work();
  } catch (const SqliteError& error) {
    // Another connection stored the same batch, product or reply first.
    if (error.code() == SQLITE_CONSTRAINT) throw service_layer::ConcurrencyConflict{error.what()};
    throw service_layer::StorageUnavailable{error.what()};
  }
}

}  // namespace allocation::adapters::sqlite
