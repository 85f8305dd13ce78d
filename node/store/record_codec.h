// A minimal, versioned binary layout for the store's own records (outbox and seen entries):
// little-endian integers and u32-length-prefixed byte strings. Local to one node, never on
// the wire. Thread-safety: value types.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "node/common/bytes.h"

namespace tracenet::store {

class RecordWriter {
 public:
  RecordWriter& U8(uint8_t v) { return Raw(&v, 1); }
  RecordWriter& U32(uint32_t v);
  RecordWriter& U64(uint64_t v);
  RecordWriter& Blob(ByteView v);
  RecordWriter& Str(std::string_view v) { return Blob(AsBytes(v)); }
  Bytes Take() { return std::move(m_out); }

 private:
  RecordWriter& Raw(const uint8_t* p, size_t n) {
    m_out.insert(m_out.end(), p, p + n);
    return *this;
  }
  Bytes m_out;
};

// Reads fields in the order they were written; any read past the end marks the reader failed
// and returns zero values, so callers check ok() once at the end.
class RecordReader {
 public:
  explicit RecordReader(ByteView in) : m_in(in) {}
  uint8_t U8();
  uint32_t U32();
  uint64_t U64();
  Bytes Blob();
  std::string Str();
  bool ok() const { return m_ok; }

 private:
  bool Need(size_t n);
  ByteView m_in;
  size_t m_pos = 0;
  bool m_ok = true;
};

}  // namespace tracenet::store
