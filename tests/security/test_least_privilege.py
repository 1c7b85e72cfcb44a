"""On PostgreSQL the service serves as a role that may do what serving needs and nothing more;
the schema belongs to an owner role, which `allocation migrate` runs as."""

import os
import subprocess
import urllib.parse
import uuid

import pytest

from conftest import BINARY, allocation, e2e_support


def psql(url, statement):
    return subprocess.run(["psql", "-X", "-At", "-v", "ON_ERROR_STOP=1", url, "-c", statement],
                          capture_output=True, text=True, timeout=30)


@pytest.fixture
def serving_url():
    """A database migrated by its owner, as the serving role sees it."""
    url = e2e_support.fresh_postgres_database()
    assert urllib.parse.urlparse(url).username == e2e_support.SERVING_ROLE
    return url


@pytest.mark.parametrize("statement", [
    "TRUNCATE audit",
    "DELETE FROM audit",
    "UPDATE audit SET action = 'nothing happened'",
    "ALTER TABLE audit DISABLE TRIGGER ALL",
    "DROP TABLE audit",
    "TRUNCATE outbox",
    "ALTER TABLE products ADD COLUMN x integer",
    "CREATE TABLE stash (x integer)",
    "DELETE FROM schema_migrations",
    "ALTER TABLE tokens RENAME TO spare_tokens",
])
def test_the_serving_role_may_not_change_the_schema_or_the_audit_trail(serving_url, statement):
    refused = psql(serving_url, statement)
    assert refused.returncode != 0
    assert "permission denied" in refused.stderr or "must be owner" in refused.stderr


def test_the_serving_role_may_read_and_add_to_the_audit_trail(serving_url):
    assert psql(serving_url, "SELECT count(*) FROM audit").stdout.strip() == "0"
    created = allocation("token", "create", "--database", serving_url, "--role", "reader",
                         "--name", "shop")
    assert created.returncode == 0, created.stderr
    assert psql(serving_url, "SELECT count(*) FROM audit").stdout.strip() == "1"


def test_serving_a_schema_the_role_may_not_migrate_says_to_run_allocation_migrate():
    server_url = os.environ["ALLOCATION_TEST_POSTGRES_URL"]
    e2e_support.fresh_postgres_database()  # the roles exist
    parsed = urllib.parse.urlparse(server_url)
    name = f"e2e_{uuid.uuid4().hex[:12]}"
    subprocess.run(["createdb", "-h", parsed.hostname, "-p", str(parsed.port), "-U",
                    parsed.username, "-O", e2e_support.OWNER_ROLE, name], check=True)
    url = f"postgresql://{e2e_support.SERVING_ROLE}@{parsed.hostname}:{parsed.port}/{name}"
    refused = subprocess.run([BINARY, "serve", "--listen", "127.0.0.1:0", "--database", url],
                             capture_output=True, text=True, timeout=30)
    assert refused.returncode == 1
    assert "run `allocation migrate` with the database owner's URL" in refused.stderr
    assert "version 0 of" in refused.stderr


def test_migrating_again_changes_nothing_and_roles_are_for_postgresql_only(tmp_path, serving_url):
    owner_url = serving_url.replace(e2e_support.SERVING_ROLE, e2e_support.OWNER_ROLE, 1)
    again = allocation("migrate", "--database", owner_url, "--grant-to", e2e_support.SERVING_ROLE)
    assert again.returncode == 0, again.stderr
    assert "The schema is at version" in again.stdout
    sqlite = allocation("migrate", "--database", f"sqlite:///{tmp_path}/a.db", "--grant-to", "x")
    assert sqlite.returncode == 1
    assert "roles are PostgreSQL's" in sqlite.stderr
    plain = allocation("migrate", "--database", f"sqlite:///{tmp_path}/a.db")
    assert plain.returncode == 0 and "The schema is at version" in plain.stdout
