#pragma once

namespace allocation::adapters::sqlite {

// The name of a VFS that behaves like SQLite's default one, except that a connection's writes
// to its write-ahead log are gathered in memory and reach the file with one write per
// transaction instead of two per page. SQLite writes each log frame as a 24-byte header and
// then the page; with many pages per commit those small writes cost more than the data. The
// gathered writes are written out no later than the page of the frame that commits a
// transaction (the frame whose header carries the database size, per the WAL file format), so
// a commit returns only once its frames are in the file, and an error writing them fails that
// commit. Anything else that looks at the log (a read, a sync, a size query, a truncation)
// writes them out first. Registered on first use.
const char* coalescing_vfs_name();

}  // namespace allocation::adapters::sqlite
