#pragma once

#include <string>
#include <vector>

#include "adapters/postgres/connection.hpp"
#include "service_layer/errors.hpp"

// What the tables share: PostgreSQL's errors as the service layer's, and array parameters.
namespace allocation::adapters::postgres {

inline bool is_conflict(const std::string& sqlstate) {
  return sqlstate == "40001"      // serialization_failure
         || sqlstate == "40P01"   // deadlock_detected
         || sqlstate == "23505";  // unique_violation: another writer stored it first
}

// Runs `work`, turning PostgreSQL's errors into the service layer's.
template <class Work>
auto guarded(Work&& work) {
  try {
    return work();
  } catch (const PostgresError& error) {
    if (is_conflict(error.sqlstate())) throw service_layer::ConcurrencyConflict{error.what()};
    throw service_layer::StorageUnavailable{error.what()};
  }
}

// A PostgreSQL array literal of `texts`, each quoted.
inline std::string text_array(const std::vector<std::string>& texts) {
  std::string array = "{";
  for (const std::string& text : texts) {
    if (array.size() > 1) array += ',';
    array += '"';
    for (char c : text) {
      if (c == '"' || c == '\\') array += '\\';
      array += c;
    }
    array += '"';
  }
  array += '}';
  return array;
}

}  // namespace allocation::adapters::postgres
