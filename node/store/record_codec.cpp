#include "node/store/record_codec.h"

namespace tracenet::store {

RecordWriter& RecordWriter::U32(uint32_t v) {
  uint8_t b[4];
  for (int i = 0; i < 4; ++i) b[i] = static_cast<uint8_t>(v >> (8 * i));
  return Raw(b, 4);
}

RecordWriter& RecordWriter::U64(uint64_t v) {
  uint8_t b[8];
  for (int i = 0; i < 8; ++i) b[i] = static_cast<uint8_t>(v >> (8 * i));
  return Raw(b, 8);
}

RecordWriter& RecordWriter::Blob(ByteView v) {
  U32(static_cast<uint32_t>(v.size()));
  return Raw(v.data(), v.size());
}

bool RecordReader::Need(size_t n) {
  if (!m_ok || m_in.size() - m_pos < n) {
    m_ok = false;
    return false;
  }
  return true;
}

uint8_t RecordReader::U8() {
  if (!Need(1)) return 0;
  return m_in[m_pos++];
}

uint32_t RecordReader::U32() {
  if (!Need(4)) return 0;
  uint32_t v = 0;
  for (int i = 0; i < 4; ++i) v |= uint32_t{m_in[m_pos + i]} << (8 * i);
  m_pos += 4;
  return v;
}

uint64_t RecordReader::U64() {
  if (!Need(8)) return 0;
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v |= uint64_t{m_in[m_pos + i]} << (8 * i);
  m_pos += 8;
  return v;
}

Bytes RecordReader::Blob() {
  uint32_t n = U32();
  if (!Need(n)) return {};
  Bytes out(m_in.begin() + m_pos, m_in.begin() + m_pos + n);
  m_pos += n;
  return out;
}

std::string RecordReader::Str() {
  Bytes b = Blob();
  return std::string(b.begin(), b.end());
}

}  // namespace tracenet::store
