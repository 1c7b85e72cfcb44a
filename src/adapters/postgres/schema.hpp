#pragma once

#include "adapters/postgres/connection.hpp"

namespace allocation::adapters::postgres {

// Brings the database's schema up to the newest version, applying each missing migration in
// order in one transaction under an advisory lock. Safe to run on every start and from
// several processes at once.
void migrate(Connection& db);

}  // namespace allocation::adapters::postgres
