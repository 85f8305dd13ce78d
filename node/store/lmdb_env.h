// The one RAII wrapper around LMDB. Nothing outside node/store sees MDB_env, MDB_txn or MDB_dbi.
// Thread-safety: an Env is shared; read transactions may run on any thread (MDB_NOTLS);
// write transactions are serialised by LMDB and, by convention, issued only by the node's
// single writer (the node loop), so many messages share one durable commit.
#pragma once

#include <lmdb.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "node/common/bytes.h"
#include "node/common/result.h"

namespace tracenet::store {

class Txn;

// A named table inside the environment.
struct Table {
  MDB_dbi dbi = 0;
  std::string name;
};

class Env {
 public:
  // Opens (creating if needed) the environment in directory `path` with the given table names.
  // `write_map` (MDB_WRITEMAP) writes pages in place in the shared map instead of copying them
  // into malloc'd pages that LMDB then keeps cached for the life of the process: for stores
  // written in large batches, whose heap would otherwise grow to the largest batch's size.
  // `extra_tables` leaves room for tables created later with Txn::OpenTable.
  // `random_access` (MDB_NORDAHEAD) stops the kernel reading ahead, and so caching the file in
  // large folios that a read fault maps whole (up to 2 MiB per fault): for large stores read
  // at random, whose resident pages would otherwise be hundreds of times what was read.
  struct Options {
    size_t initial_map_bytes = size_t{64} << 20;
    bool write_map = false;
    unsigned extra_tables = 0;
    bool random_access = false;
  };
  static Result<std::unique_ptr<Env>> Open(const std::string& path, const std::vector<std::string>& tables,
                                           const Options& options);
  static Result<std::unique_ptr<Env>> Open(const std::string& path, const std::vector<std::string>& tables,
                                           size_t initial_map_bytes = size_t{64} << 20) {
    return Open(path, tables, Options{initial_map_bytes});
  }
  ~Env();
  Env(const Env&) = delete;
  Env& operator=(const Env&) = delete;

  const Table& table(std::string_view name) const;

  // Runs `fn` in one write transaction and commits it durably (fsync) when `fn` succeeds.
  // When the map is full the transaction is aborted, the map doubled and `fn` run again, so
  // `fn` must only touch the database (no outside effects until Write returns).
  Status Write(const std::function<Status(Txn&)>& fn);
  // Runs `fn` in a read-only snapshot.
  Status Read(const std::function<Status(Txn&)>& fn) const;

  // Drops this process's mappings of store pages (they stay in the kernel's page cache). Every
  // read fault maps a block of neighbouring pages too (fault-around), so a node that writes a
  // lot would otherwise show most recently written data as its own resident memory although
  // those pages are clean, shared and reclaimable. Any later read refaults them transparently,
  // so this is safe while other threads read. Returns the bytes of map it covered.
  size_t ReleaseMappedPages() const;

  size_t map_size() const { return m_map_size; }
  // Names of all tables in the file, those opened with Txn::OpenTable included.
  Result<std::vector<std::string>> TableNames() const;
  // Bytes of the map in use (up to the last page ever written); the file may be larger.
  size_t used_bytes() const;
  std::string path() const { return m_path; }

 private:
  Env() = default;
  MDB_env* m_env = nullptr;
  std::string m_path;
  std::string m_data_file;  // canonical path of data.mdb, as /proc/self/maps names it
  size_t m_map_size = 0;
  std::vector<Table> m_tables;
  // Growing the map needs no transaction open in the process: readers hold it shared.
  mutable std::shared_mutex m_resize_mutex;
  // Where the map is, found in /proc/self/maps once per map size.
  mutable std::mutex m_map_range_mutex;
  mutable size_t m_map_range_size = 0;
  mutable std::vector<std::pair<uintptr_t, uintptr_t>> m_map_ranges;
};

// A live transaction. Byte views returned by Get and cursors stay valid until the transaction
// ends; copy what must outlive it.
class Txn {
 public:
  Txn(MDB_txn* txn, bool writable) : m_txn(txn), m_writable(writable) {}

  std::optional<ByteView> Get(const Table& t, ByteView key) const;
  Status Put(const Table& t, ByteView key, ByteView value);
  // Appends at the end of a table whose keys are written in increasing order (MDB_APPEND),
  // which packs pages tightly. Fails if `key` is not greater than the last key.
  Status Append(const Table& t, ByteView key, ByteView value);
  // Puts `value` under `key` unless the key is there already, in one search of the tree:
  // nullopt when it was put, else the value already stored (left unchanged).
  Result<std::optional<ByteView>> Insert(const Table& t, ByteView key, ByteView value);
  // Returns false when the key was absent.
  Result<bool> Delete(const Table& t, ByteView key);

  // Visits entries in key order starting at the first key >= `from` (all entries when empty).
  // Stop by returning false from `visit`.
  Status Scan(const Table& t, ByteView from,
              const std::function<bool(ByteView key, ByteView value)>& visit) const;
  // Visits entries in reverse key order from the last one.
  Status ScanReverse(const Table& t,
                     const std::function<bool(ByteView key, ByteView value)>& visit) const;
  std::optional<Bytes> LastKey(const Table& t) const;
  // Opens (or, when `create`, creates) a table not declared at Env::Open. The handle is
  // usable by other transactions once this one commits; it is closed if this one aborts.
  Result<Table> OpenTable(const std::string& name, bool create);
  // Deletes a table and closes its handle when this transaction commits: no other thread may
  // use the handle after that.
  Status DropTable(const Table& t);
  size_t Count(const Table& t) const;

  bool writable() const { return m_writable; }
  MDB_txn* raw() { return m_txn; }

 private:
  MDB_txn* m_txn;
  bool m_writable;
};

// A cursor for reading several tables side by side (Txn::Scan reads one at a time).
// Valid until its transaction ends.
class Cursor {
 public:
  Cursor(Txn& txn, const Table& t);
  ~Cursor();
  Cursor(const Cursor&) = delete;
  Cursor& operator=(const Cursor&) = delete;
  // Moves to the first entry whose key is >= `from`; false when there is none.
  bool Seek(ByteView from);
  bool Next();
  bool valid() const { return m_valid; }
  ByteView key() const;
  ByteView value() const;
  // An LMDB error met on the way (not running off the end).
  const Status& status() const { return m_status; }

 private:
  bool Move(int rc);
  MDB_cursor* m_cursor = nullptr;
  MDB_val m_key{}, m_value{};
  bool m_valid = false;
  Status m_status = Status::Ok();
};

// Error from an LMDB return code.
Error LmdbError(int rc, std::string_view what);
bool IsMapFull(const Error& error);

// Big-endian u64 keys sort numerically.
Bytes U64Key(uint64_t value);
uint64_t U64FromKey(ByteView key);

}  // namespace tracenet::store
