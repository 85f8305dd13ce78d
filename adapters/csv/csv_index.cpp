#include "adapters/csv/csv_index.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <string_view>

#include <spdlog/spdlog.h>

#include "node/common/csv_row_parser.h"
#include "adapters/sdk/normalise.h"

namespace tracenet::adapters {

namespace {

constexpr size_t kChunk = 1 << 20;
constexpr size_t kMaxRecordBytes = 1 << 20;

// Latin-1 maps byte for byte onto the first 256 code points.
std::string Latin1ToUtf8(std::string_view in) {
  std::string out;
  out.reserve(in.size());
  for (unsigned char c : in) {
    if (c < 0x80) out.push_back(static_cast<char>(c));
    else {
      out.push_back(static_cast<char>(0xC0 | (c >> 6)));
      out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    }
  }
  return out;
}

const char* const kFields[] = {"serial", "manufacturer", "model", "type", "calibre", "country_of_manufacture", "year",
                               "comments", "role", "name", "licence_number", "country", "address", "date_in",
                               "date_out", "document_type", "document_reference", "source_record"};

Error FileError(const std::string& path, const std::string& what) {
  return MakeError(Errc::kIo, "registry file " + path + ": " + what);
}

// Calls `line` for each physical line of the file with its starting offset.
template <typename OnLine>
Status ForEachLine(int fd, const std::string& path, OnLine&& on_line) {
  std::string pending;
  uint64_t pending_offset = 0;
  uint64_t offset = 0;
  std::vector<char> buffer(kChunk);
  for (;;) {
    ssize_t n = read(fd, buffer.data(), buffer.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return FileError(path, std::string("read failed: ") + strerror(errno));
    if (n == 0) break;
    std::string_view chunk(buffer.data(), static_cast<size_t>(n));
    size_t start = 0;
    while (start < chunk.size()) {
      size_t nl = chunk.find('\n', start);
      if (nl == std::string_view::npos) {
        if (pending.empty()) pending_offset = offset + start;
        pending.append(chunk.substr(start));
        break;
      }
      if (!pending.empty()) {
        pending.append(chunk.substr(start, nl + 1 - start));
        if (Status s = on_line(std::string_view(pending), pending_offset); !s) return s;
        pending.clear();
      } else if (Status s = on_line(chunk.substr(start, nl + 1 - start), offset + start); !s) {
        return s;
      }
      start = nl + 1;
    }
    offset += static_cast<uint64_t>(n);
  }
  if (!pending.empty()) return on_line(std::string_view(pending), pending_offset);
  return Status::Ok();
}

}  // namespace

uint64_t WeaponKeyHash(const std::string& serial_norm, const std::string& make_norm) {
  // FNV-1a: fast and stable across runs; collisions are resolved by re-checking the row.
  uint64_t h = 1469598103934665603ull;
  auto mix = [&](std::string_view s) {
    for (unsigned char c : s) h = (h ^ c) * 1099511628211ull;
  };
  mix(serial_norm);
  mix(std::string_view("\0", 1));
  mix(make_norm);
  return h;
}

Result<CsvFileIdentity> IdentifyFile(const std::string& path) {
  struct stat st;
  if (stat(path.c_str(), &st) != 0) return FileError(path, std::string("cannot read: ") + strerror(errno));
  return CsvFileIdentity{st.st_dev, st.st_ino, st.st_size,
                         static_cast<int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec};
}

CsvIndex::~CsvIndex() {
  if (m_fd >= 0) close(m_fd);
}

Result<std::shared_ptr<const CsvIndex>> CsvIndex::Load(const CsvOptions& options) {
  std::shared_ptr<CsvIndex> index(new CsvIndex());
  index->m_options = options;
  index->m_fd = open(options.path.c_str(), O_RDONLY | O_CLOEXEC);
  if (index->m_fd < 0) return FileError(options.path, std::string("cannot open: ") + strerror(errno));
  struct stat st;
  fstat(index->m_fd, &st);
  index->m_identity = {st.st_dev, st.st_ino, st.st_size,
                       static_cast<int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec};

  CsvRowParser parser(options.delimiter);
  bool have_header = false;
  uint64_t record_start = 0;
  bool record_open = false;
  size_t line_number = 0;
  size_t header_width = 0;
  auto on_record = [&](const std::vector<std::string>& fields, uint64_t offset) -> Status {
    if (!have_header) {
      std::vector<std::string> header = fields;
      if (!header.empty() && header[0].rfind("\xEF\xBB\xBF", 0) == 0) header[0].erase(0, 3);  // UTF-8 BOM
      for (std::string& h : header) h = options.latin1 ? Latin1ToUtf8(h) : h;
      header_width = header.size();
      for (const char* field : kFields) {
        auto mapped = options.columns.find(field);
        std::string wanted = mapped == options.columns.end() ? field : mapped->second;
        auto at = std::find(header.begin(), header.end(), wanted);
        if (at != header.end()) index->m_columns.emplace_back(field, static_cast<int>(at - header.begin()));
        else if (mapped != options.columns.end())
          return FileError(options.path, "the header has no column \"" + wanted + "\" (mapped to " + field + ")");
      }
      for (const auto& [field, column] : index->m_columns) {
        if (field == "serial") index->m_serial_column = column;
        if (field == "manufacturer") index->m_make_column = column;
      }
      if (index->m_serial_column < 0 || index->m_make_column < 0)
        return FileError(options.path, "the header needs the serial and manufacturer columns (map them in [registry.csv.columns])");
      have_header = true;
      return Status::Ok();
    }
    if (fields.size() == 1 && fields[0].empty()) return Status::Ok();  // blank line
    if (fields.size() != header_width) {
      if (index->m_skipped++ < 10)
        spdlog::warn("event=csv_row_skipped file={} line={} reason=\"{} fields where the header has {}\"", options.path,
                     line_number, fields.size(), header_width);
      return Status::Ok();
    }
    std::string serial = NormaliseSerial(fields[static_cast<size_t>(index->m_serial_column)]);
    std::string make = options.latin1 ? Latin1ToUtf8(fields[static_cast<size_t>(index->m_make_column)])
                                      : fields[static_cast<size_t>(index->m_make_column)];
    if (serial.empty()) {
      ++index->m_skipped;
      return Status::Ok();
    }
    index->m_entries.push_back({WeaponKeyHash(serial, NormaliseMake(make)), offset});
    return Status::Ok();
  };
  Status read = ForEachLine(index->m_fd, options.path, [&](std::string_view line, uint64_t offset) -> Status {
    ++line_number;
    if (!record_open) record_start = offset;
    auto ended = parser.Feed(line);
    if (!ended) return FileError(options.path, "line " + std::to_string(line_number) + ": " + ended.error().message);
    record_open = !*ended;
    if (*ended) return on_record(parser.fields(), record_start);
    if (offset + line.size() - record_start > kMaxRecordBytes)
      return FileError(options.path, "line " + std::to_string(line_number) + ": a record longer than 1 MiB");
    return Status::Ok();
  });
  if (!read) return read.error();
  auto last = parser.Finish();
  if (!last) return FileError(options.path, "at the end: " + last.error().message);
  if (*last) {
    if (Status s = on_record(parser.fields(), record_start); !s) return s.error();
  }
  if (!have_header) return FileError(options.path, "is empty (a header row is required)");
  std::sort(index->m_entries.begin(), index->m_entries.end());
  index->m_entries.shrink_to_fit();
  return std::shared_ptr<const CsvIndex>(std::move(index));
}

Result<std::vector<std::string>> CsvIndex::ReadRecordAt(uint64_t offset) const {
  CsvRowParser parser(m_options.delimiter);
  std::string buffer;
  size_t want = 4096;
  size_t consumed = 0;
  for (;;) {
    buffer.resize(want);
    ssize_t n = pread(m_fd, buffer.data(), want, static_cast<off_t>(offset));
    if (n < 0) return FileError(m_options.path, std::string("read failed: ") + strerror(errno));
    buffer.resize(static_cast<size_t>(n));
    // Feed whole lines from where the last attempt stopped.
    while (consumed < buffer.size()) {
      size_t nl = buffer.find('\n', consumed);
      if (nl == std::string::npos) break;
      auto ended = parser.Feed(std::string_view(buffer).substr(consumed, nl + 1 - consumed));
      if (!ended) return ended.error();
      consumed = nl + 1;
      if (*ended) return parser.fields();
    }
    if (static_cast<size_t>(n) < want) {  // end of file: the record ends without a newline
      auto ended = parser.Feed(std::string_view(buffer).substr(consumed));
      if (!ended) return ended.error();
      auto last = parser.Finish();
      if (!last) return last.error();
      if (*last) return parser.fields();
      return FileError(m_options.path, "the file changed under the index; it is being re-read");
    }
    if (want >= kMaxRecordBytes) return FileError(m_options.path, "a record longer than 1 MiB");
    want *= 4;
  }
}

std::string CsvIndex::Field(const std::vector<std::string>& row, const std::string& name) const {
  for (const auto& [field, column] : m_columns)
    if (field == name && static_cast<size_t>(column) < row.size())
      return m_options.latin1 ? Latin1ToUtf8(row[static_cast<size_t>(column)]) : row[static_cast<size_t>(column)];
  return {};
}

Result<std::vector<std::map<std::string, std::string>>> CsvIndex::Rows(const std::string& serial_norm,
                                                                       const std::string& make_norm) const {
  std::vector<std::map<std::string, std::string>> out;
  uint64_t hash = WeaponKeyHash(serial_norm, make_norm);
  auto it = std::lower_bound(m_entries.begin(), m_entries.end(), Entry{hash, 0});
  for (; it != m_entries.end() && it->key_hash == hash; ++it) {
    auto record = ReadRecordAt(it->offset);
    if (!record) return record.error();
    if (NormaliseSerial(Field(*record, "serial")) != serial_norm ||
        NormaliseMake(Field(*record, "manufacturer")) != make_norm)
      continue;  // a hash collision
    std::map<std::string, std::string> row;
    for (const auto& [field, column] : m_columns) row[field] = Field(*record, field);
    out.push_back(std::move(row));
  }
  return out;
}

}  // namespace tracenet::adapters
