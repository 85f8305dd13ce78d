#include "node/store/lmdb_env.h"

#include <sys/mman.h>

#include <cinttypes>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include <cstdlib>
#include <mutex>

#include "node/common/file_util.h"

namespace tracenet::store {

namespace {
MDB_val ToVal(ByteView b) { return MDB_val{b.size(), const_cast<uint8_t*>(b.data())}; }
ByteView FromVal(const MDB_val& v) { return {static_cast<const uint8_t*>(v.mv_data), v.mv_size}; }
constexpr int kMaxGrowRetries = 8;
}  // namespace

Error LmdbError(int rc, std::string_view what) {
  // What the caller asked for was wrong (a key over 511 bytes, a duplicate where none may be),
  // not the store: such an error belongs to the one item that asked, never to the whole batch.
  bool bad_request = rc == MDB_BAD_VALSIZE || rc == MDB_KEYEXIST || rc == MDB_NOTFOUND || rc == EINVAL;
  Errc code = rc == MDB_MAP_FULL ? Errc::kBackpressure : bad_request ? Errc::kInvalidArgument : Errc::kIo;
  return MakeError(code, std::string("lmdb ") + std::string(what) + ": " + mdb_strerror(rc));
}

bool IsMapFull(const Error& error) {
  return error.code == Errc::kBackpressure && error.message.find("MDB_MAP_FULL") != std::string::npos;
}

Bytes U64Key(uint64_t value) {
  Bytes key(8);
  for (int i = 7; i >= 0; --i) {
    key[i] = static_cast<uint8_t>(value);
    value >>= 8;
  }
  return key;
}

uint64_t U64FromKey(ByteView key) {
  uint64_t v = 0;
  for (size_t i = 0; i < 8 && i < key.size(); ++i) v = v << 8 | key[i];
  return v;
}

Result<std::unique_ptr<Env>> Env::Open(const std::string& path, const std::vector<std::string>& tables,
                                       const Options& options) {
  if (Status s = MakeDirectories(path, 0700); !s) return s.error();
  std::unique_ptr<Env> env(new Env());
  env->m_path = path;
  int rc = mdb_env_create(&env->m_env);
  if (rc != 0) return LmdbError(rc, "env_create");
  mdb_env_set_maxdbs(env->m_env, static_cast<MDB_dbi>(tables.size() + 2 + options.extra_tables));
  // Every API connection may hold a read transaction (it has its own thread; see
  // node/api/http_server.h, at most 512), besides the loop, the registry and the crypto pool.
  mdb_env_set_maxreaders(env->m_env, 1024);
  // Keep the larger of the configured size and what the file already uses.
  mdb_env_set_mapsize(env->m_env, options.initial_map_bytes);
  unsigned flags = MDB_NOTLS | (options.write_map ? MDB_WRITEMAP : 0) | (options.random_access ? MDB_NORDAHEAD : 0);
  rc = mdb_env_open(env->m_env, path.c_str(), flags, 0600);
  if (rc != 0) return LmdbError(rc, "open " + path);
  MDB_envinfo info;
  mdb_env_info(env->m_env, &info);
  env->m_map_size = info.me_mapsize;
  std::error_code ec;
  env->m_data_file = std::filesystem::weakly_canonical(path + "/data.mdb", ec).string();

  MDB_txn* txn = nullptr;
  rc = mdb_txn_begin(env->m_env, nullptr, 0, &txn);
  if (rc != 0) return LmdbError(rc, "begin");
  for (const std::string& name : tables) {
    Table t;
    t.name = name;
    rc = mdb_dbi_open(txn, name.c_str(), MDB_CREATE, &t.dbi);
    if (rc != 0) {
      mdb_txn_abort(txn);
      return LmdbError(rc, "open table " + name);
    }
    env->m_tables.push_back(t);
  }
  rc = mdb_txn_commit(txn);
  if (rc != 0) return LmdbError(rc, "commit table creation");
  return env;
}

Env::~Env() {
  if (m_env) mdb_env_close(m_env);
}

const Table& Env::table(std::string_view name) const {
  for (const Table& t : m_tables)
    if (t.name == name) return t;
  std::abort();  // a table name the code did not declare: a programming error
}

Status Env::Write(const std::function<Status(Txn&)>& fn) {
  for (int attempt = 0; attempt <= kMaxGrowRetries; ++attempt) {
    MDB_txn* raw = nullptr;
    {
      std::shared_lock lock(m_resize_mutex);
      int rc = mdb_txn_begin(m_env, nullptr, 0, &raw);
      if (rc != 0) return LmdbError(rc, "begin write");
      Txn txn(raw, true);
      Status s = Status::Ok();
      // An exception must not leave the one write transaction open (every later write would
      // wait for it forever): it aborts the transaction like any failure.
      try {
        s = fn(txn);
      } catch (const std::exception& e) {
        s = MakeError(Errc::kInternal, std::string("exception inside a write transaction: ") + e.what());
      } catch (...) {
        s = MakeError(Errc::kInternal, "unknown exception inside a write transaction");
      }
      if (!s) {
        mdb_txn_abort(raw);
        if (!IsMapFull(s.error())) return s;
      } else {
        rc = mdb_txn_commit(raw);
        if (rc == 0) return Status::Ok();
        if (rc != MDB_MAP_FULL) return LmdbError(rc, "commit");
      }
    }
    // Map full: wait until no transaction is open in the process, then grow and run again.
    std::unique_lock lock(m_resize_mutex);
    size_t grown = m_map_size * 2;
    int rc;
    rc = mdb_env_set_mapsize(m_env, grown);
    if (rc != 0) return LmdbError(rc, "grow map");
    m_map_size = grown;
  }
  return MakeError(Errc::kIo, "lmdb map could not grow enough for one transaction");
}

size_t Env::used_bytes() const {
  MDB_envinfo info{};
  MDB_stat stat{};
  if (mdb_env_info(m_env, &info) != 0 || mdb_env_stat(m_env, &stat) != 0) return 0;
  return (info.me_last_pgno + 1) * stat.ms_psize;
}

size_t Env::ReleaseMappedPages() const {
  std::shared_lock lock(m_resize_mutex);  // the map does not move meanwhile
  std::lock_guard range_lock(m_map_range_mutex);
  if (m_map_range_size != m_map_size) {
    // LMDB does not say where it mapped the file (me_mapaddr is set only for MDB_FIXEDMAP): the
    // kernel does, in /proc/self/maps, as the mapping whose file is our data.mdb.
    m_map_ranges.clear();
    std::ifstream maps("/proc/self/maps");
    const std::string& file = m_data_file;
    std::string line;
    while (std::getline(maps, line)) {
      if (line.size() < file.size() || line.compare(line.size() - file.size(), file.size(), file) != 0) continue;
      uintptr_t begin = 0, end = 0;
      if (std::sscanf(line.c_str(), "%" SCNxPTR "-%" SCNxPTR, &begin, &end) == 2 && end > begin)
        m_map_ranges.emplace_back(begin, end);
    }
    m_map_range_size = m_map_size;
  }
  size_t released = 0;
  for (auto [begin, end] : m_map_ranges)
    if (::madvise(reinterpret_cast<void*>(begin), end - begin, MADV_DONTNEED) == 0) released += end - begin;
  return released;
}

Status Env::Read(const std::function<Status(Txn&)>& fn) const {
  std::shared_lock lock(m_resize_mutex);
  MDB_txn* raw = nullptr;
  int rc = mdb_txn_begin(m_env, nullptr, MDB_RDONLY, &raw);
  if (rc != 0) return LmdbError(rc, "begin read");
  Txn txn(raw, false);
  // Ends the snapshot however `fn` leaves (an exception would otherwise pin its pages and hold
  // a reader slot for the life of the process).
  struct Abort {
    MDB_txn* txn;
    ~Abort() { mdb_txn_abort(txn); }
  } abort_at_exit{raw};
  return fn(txn);
}

std::optional<ByteView> Txn::Get(const Table& t, ByteView key) const {
  MDB_val k = ToVal(key), v{};
  if (mdb_get(m_txn, t.dbi, &k, &v) != 0) return std::nullopt;
  return FromVal(v);
}

Status Txn::Put(const Table& t, ByteView key, ByteView value) {
  MDB_val k = ToVal(key), v = ToVal(value);
  int rc = mdb_put(m_txn, t.dbi, &k, &v, 0);
  if (rc != 0) return LmdbError(rc, "put " + t.name);
  return Status::Ok();
}

Status Txn::Append(const Table& t, ByteView key, ByteView value) {
  MDB_val k = ToVal(key), v = ToVal(value);
  int rc = mdb_put(m_txn, t.dbi, &k, &v, MDB_APPEND);
  if (rc != 0) return LmdbError(rc, "append " + t.name);
  return Status::Ok();
}

Result<std::optional<ByteView>> Txn::Insert(const Table& t, ByteView key, ByteView value) {
  MDB_val k = ToVal(key), v = ToVal(value);
  int rc = mdb_put(m_txn, t.dbi, &k, &v, MDB_NOOVERWRITE);
  if (rc == MDB_KEYEXIST) return std::optional<ByteView>(FromVal(v));
  if (rc != 0) return LmdbError(rc, "put " + t.name);
  return std::optional<ByteView>();
}

Result<bool> Txn::Delete(const Table& t, ByteView key) {
  MDB_val k = ToVal(key);
  int rc = mdb_del(m_txn, t.dbi, &k, nullptr);
  if (rc == MDB_NOTFOUND) return false;
  if (rc != 0) return LmdbError(rc, "delete " + t.name);
  return true;
}

Status Txn::Scan(const Table& t, ByteView from,
                 const std::function<bool(ByteView, ByteView)>& visit) const {
  MDB_cursor* cursor = nullptr;
  int rc = mdb_cursor_open(m_txn, t.dbi, &cursor);
  if (rc != 0) return LmdbError(rc, "cursor " + t.name);
  MDB_val k = ToVal(from), v{};
  rc = mdb_cursor_get(cursor, &k, &v, from.empty() ? MDB_FIRST : MDB_SET_RANGE);
  while (rc == 0) {
    if (!visit(FromVal(k), FromVal(v))) break;
    rc = mdb_cursor_get(cursor, &k, &v, MDB_NEXT);
  }
  mdb_cursor_close(cursor);
  if (rc != 0 && rc != MDB_NOTFOUND) return LmdbError(rc, "scan " + t.name);
  return Status::Ok();
}

Status Txn::ScanReverse(const Table& t,
                        const std::function<bool(ByteView, ByteView)>& visit) const {
  MDB_cursor* cursor = nullptr;
  int rc = mdb_cursor_open(m_txn, t.dbi, &cursor);
  if (rc != 0) return LmdbError(rc, "cursor " + t.name);
  MDB_val k{}, v{};
  rc = mdb_cursor_get(cursor, &k, &v, MDB_LAST);
  while (rc == 0) {
    if (!visit(FromVal(k), FromVal(v))) break;
    rc = mdb_cursor_get(cursor, &k, &v, MDB_PREV);
  }
  mdb_cursor_close(cursor);
  if (rc != 0 && rc != MDB_NOTFOUND) return LmdbError(rc, "scan " + t.name);
  return Status::Ok();
}

std::optional<Bytes> Txn::LastKey(const Table& t) const {
  std::optional<Bytes> last;
  (void)ScanReverse(t, [&](ByteView k, ByteView) {
    last = Bytes(k.begin(), k.end());
    return false;
  });
  return last;
}

Cursor::Cursor(Txn& txn, const Table& t) {
  if (int rc = mdb_cursor_open(txn.raw(), t.dbi, &m_cursor); rc != 0) {
    m_cursor = nullptr;
    m_status = LmdbError(rc, "cursor " + t.name);
  }
}

Cursor::~Cursor() {
  if (m_cursor) mdb_cursor_close(m_cursor);
}

bool Cursor::Move(int rc) {
  m_valid = rc == 0;
  if (rc != 0 && rc != MDB_NOTFOUND) m_status = LmdbError(rc, "cursor move");
  return m_valid;
}

bool Cursor::Seek(ByteView from) {
  if (!m_cursor) return false;
  m_key = ToVal(from);
  return Move(mdb_cursor_get(m_cursor, &m_key, &m_value, from.empty() ? MDB_FIRST : MDB_SET_RANGE));
}

bool Cursor::Next() { return m_cursor && m_valid && Move(mdb_cursor_get(m_cursor, &m_key, &m_value, MDB_NEXT)); }

ByteView Cursor::key() const { return FromVal(m_key); }
ByteView Cursor::value() const { return FromVal(m_value); }

Result<Table> Txn::OpenTable(const std::string& name, bool create) {
  Table t;
  t.name = name;
  int rc = mdb_dbi_open(m_txn, name.c_str(), create ? MDB_CREATE : 0, &t.dbi);
  if (rc != 0) return LmdbError(rc, "open table " + name);
  return t;
}

Status Txn::DropTable(const Table& t) {
  int rc = mdb_drop(m_txn, t.dbi, 1);
  if (rc != 0) return LmdbError(rc, "drop table " + t.name);
  return Status::Ok();
}

Result<std::vector<std::string>> Env::TableNames() const {
  std::vector<std::string> names;
  Status s = Read([&](Txn& txn) -> Status {
    MDB_dbi main = 0;
    if (int rc = mdb_dbi_open(txn.raw(), nullptr, 0, &main); rc != 0) return LmdbError(rc, "open main table");
    return txn.Scan(Table{main, "main"}, {}, [&](ByteView k, ByteView) {
      names.emplace_back(k.begin(), k.end());
      return true;
    });
  });
  if (!s) return s.error();
  return names;
}

size_t Txn::Count(const Table& t) const {
  MDB_stat st{};
  if (mdb_stat(m_txn, t.dbi, &st) != 0) return 0;
  return st.ms_entries;
}

}  // namespace tracenet::store
