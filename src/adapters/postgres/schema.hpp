#pragma once

#include <string>

#include "adapters/postgres/connection.hpp"

namespace allocation::adapters::postgres {

// Brings the database's schema up to the newest version, applying each missing migration in
// order in one transaction under an advisory lock. Safe to run on every start and from
// several processes at once.
// Up to date, it changes nothing; a role that may not change the schema gets an error that
// says to run `allocation migrate` as the owner.
void migrate(Connection& db);

// The newest schema version this build knows.
int schema_version();

// Grants `role` what serving needs on every table of the schema, and nothing more: no schema
// changes, no TRUNCATE, and of the audit trail only reading and adding.
void grant_serving(Connection& db, const std::string& role);

}  // namespace allocation::adapters::postgres
