#pragma once

#include "adapters/sqlite/connection.hpp"

namespace allocation::adapters::sqlite {

// Brings the database's schema up to the newest version, applying each missing migration
// in order in one transaction. Safe to run on every start and from several processes.
void migrate(Connection& db);

// The schema version this build writes.
int schema_version();

}  // namespace allocation::adapters::sqlite
