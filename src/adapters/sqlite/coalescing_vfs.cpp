#include "adapters/sqlite/coalescing_vfs.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <cstddef>
#include <mutex>
#include <new>
#include <stdexcept>
#include <vector>

namespace allocation::adapters::sqlite {

namespace {

// From the WAL file format: a frame header is 24 bytes, and its big-endian 32-bit field at
// offset 4 is the database size in pages for a frame that commits, zero for any other.
constexpr int frame_header_bytes = 24;
constexpr int commit_size_offset = 4;
// The default VFS writes at most 0x1ffff bytes per call.
constexpr std::size_t largest_write = 124 * 1024;

sqlite3_vfs* default_vfs = nullptr;

// A log file: the gathered bytes, which start at `start` in the file, and the default VFS's
// file just after this struct.
struct LogFile {
  sqlite3_file base;
  std::vector<unsigned char>* pending;
  sqlite3_int64 start;
  bool commit_frame_started;

  sqlite3_file* file() { return reinterpret_cast<sqlite3_file*>(this + 1); }
};

LogFile* log_file(sqlite3_file* file) { return reinterpret_cast<LogFile*>(file); }

int write_pending(LogFile* log) {
  int code = SQLITE_OK;
  for (std::size_t done = 0; done < log->pending->size() && code == SQLITE_OK;) {
    auto bytes = std::min(log->pending->size() - done, largest_write);
    code = log->file()->pMethods->xWrite(log->file(), log->pending->data() + done,
                                         static_cast<int>(bytes),
                                         log->start + static_cast<sqlite3_int64>(done));
    done += bytes;
  }
  log->pending->clear();
  log->commit_frame_started = false;
  return code;
}

bool starts_commit_frame(const void* data, int bytes) {
  if (bytes != frame_header_bytes) return false;
  const auto* header = static_cast<const unsigned char*>(data);
  return (header[commit_size_offset] | header[commit_size_offset + 1] |
          header[commit_size_offset + 2] | header[commit_size_offset + 3]) != 0;
}

int log_close(sqlite3_file* file) {
  LogFile* log = log_file(file);
  int written = write_pending(log);
  int closed = log->file()->pMethods->xClose(log->file());
  delete log->pending;
  return written != SQLITE_OK ? written : closed;
}

int log_read(sqlite3_file* file, void* data, int bytes, sqlite3_int64 offset) {
  LogFile* log = log_file(file);
  if (int code = write_pending(log); code != SQLITE_OK) return code;
  return log->file()->pMethods->xRead(log->file(), data, bytes, offset);
}

int log_write(sqlite3_file* file, const void* data, int bytes, sqlite3_int64 offset) {
  LogFile* log = log_file(file);
  auto end = log->start + static_cast<sqlite3_int64>(log->pending->size());
  if (!log->pending->empty() && offset != end) {
    if (int code = write_pending(log); code != SQLITE_OK) return code;
  }
  if (log->pending->empty()) log->start = offset;
  try {
    const auto* bytes_begin = static_cast<const unsigned char*>(data);
    log->pending->insert(log->pending->end(), bytes_begin, bytes_begin + bytes);
  } catch (const std::bad_alloc&) {
    return SQLITE_NOMEM;
  }
  if (log->commit_frame_started) return write_pending(log);
  log->commit_frame_started = starts_commit_frame(data, bytes);
  return SQLITE_OK;
}

int log_truncate(sqlite3_file* file, sqlite3_int64 size) {
  LogFile* log = log_file(file);
  if (int code = write_pending(log); code != SQLITE_OK) return code;
  return log->file()->pMethods->xTruncate(log->file(), size);
}

int log_sync(sqlite3_file* file, int flags) {
  LogFile* log = log_file(file);
  if (int code = write_pending(log); code != SQLITE_OK) return code;
  return log->file()->pMethods->xSync(log->file(), flags);
}

int log_file_size(sqlite3_file* file, sqlite3_int64* size) {
  LogFile* log = log_file(file);
  if (int code = write_pending(log); code != SQLITE_OK) return code;
  return log->file()->pMethods->xFileSize(log->file(), size);
}

int log_lock(sqlite3_file* file, int level) {
  return log_file(file)->file()->pMethods->xLock(log_file(file)->file(), level);
}

int log_unlock(sqlite3_file* file, int level) {
  return log_file(file)->file()->pMethods->xUnlock(log_file(file)->file(), level);
}

int log_check_reserved_lock(sqlite3_file* file, int* reserved) {
  return log_file(file)->file()->pMethods->xCheckReservedLock(log_file(file)->file(), reserved);
}

int log_file_control(sqlite3_file* file, int operation, void* argument) {
  LogFile* log = log_file(file);
  if (int code = write_pending(log); code != SQLITE_OK) return code;
  return log->file()->pMethods->xFileControl(log->file(), operation, argument);
}

int log_sector_size(sqlite3_file* file) {
  return log_file(file)->file()->pMethods->xSectorSize(log_file(file)->file());
}

int log_device_characteristics(sqlite3_file* file) {
  return log_file(file)->file()->pMethods->xDeviceCharacteristics(log_file(file)->file());
}

// Version 1: a log file has no shared memory and is never memory-mapped.
const sqlite3_io_methods log_methods = {
    1,
    log_close,
    log_read,
    log_write,
    log_truncate,
    log_sync,
    log_file_size,
    log_lock,
    log_unlock,
    log_check_reserved_lock,
    log_file_control,
    log_sector_size,
    log_device_characteristics,
    nullptr,
    nullptr,
    nullptr,
    nullptr,
    nullptr,
    nullptr,
};

int coalescing_open(sqlite3_vfs* vfs, sqlite3_filename name, sqlite3_file* file, int flags,
                    int* out_flags) {
  (void)vfs;
  // Every other file is the default VFS's own, placed at the start of the same memory.
  if ((flags & SQLITE_OPEN_WAL) == 0) {
    return default_vfs->xOpen(default_vfs, name, file, flags, out_flags);
  }
  LogFile* log = log_file(file);
  log->base.pMethods = nullptr;
  log->pending = new (std::nothrow) std::vector<unsigned char>;
  if (log->pending == nullptr) return SQLITE_NOMEM;
  log->start = 0;
  log->commit_frame_started = false;
  int code = default_vfs->xOpen(default_vfs, name, log->file(), flags, out_flags);
  if (code != SQLITE_OK) {
    delete log->pending;
    return code;
  }
  log->base.pMethods = &log_methods;
  return SQLITE_OK;
}

sqlite3_vfs coalescing_vfs;

void register_coalescing_vfs() {
  default_vfs = sqlite3_vfs_find(nullptr);
  if (default_vfs == nullptr) throw std::runtime_error{"SQLite has no default VFS"};
  coalescing_vfs = *default_vfs;
  coalescing_vfs.zName = "allocation-coalescing";
  coalescing_vfs.szOsFile = static_cast<int>(sizeof(LogFile)) + default_vfs->szOsFile;
  coalescing_vfs.xOpen = coalescing_open;
  coalescing_vfs.pNext = nullptr;
  if (sqlite3_vfs_register(&coalescing_vfs, 0) != SQLITE_OK) {
    throw std::runtime_error{"cannot register the SQLite VFS"};
  }
}

}  // namespace

const char* coalescing_vfs_name() {
  static std::once_flag registered;
  std::call_once(registered, register_coalescing_vfs);
  return coalescing_vfs.zName;
}

}  // namespace allocation::adapters::sqlite
