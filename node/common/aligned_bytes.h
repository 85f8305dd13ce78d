// FlatBuffers reads its scalars in place, so a buffer must start at an address aligned for the
// widest scalar it holds (8 bytes). Bytes from outside — a ZeroMQ frame, or a buffer nested in
// another at an offset its sender chose — may start anywhere; reading them in place would be
// undefined behaviour. AlignedBytes gives an aligned view of them: the bytes themselves when
// they are aligned already, otherwise a copy. Thread-safety: a value type.
#pragma once

#include <cstdint>
#include <cstring>
#include <memory>

#include "node/common/bytes.h"

namespace tracenet {

class AlignedBytes {
 public:
  static constexpr size_t kAlignment = 8;

  explicit AlignedBytes(ByteView original) : m_original(original), m_view(original) {
    if (reinterpret_cast<uintptr_t>(original.data()) % kAlignment == 0) return;
    m_copy.reset(new uint64_t[(original.size() + kAlignment - 1) / kAlignment]);
    std::memcpy(m_copy.get(), original.data(), original.size());
    m_view = ByteView(reinterpret_cast<const uint8_t*>(m_copy.get()), original.size());
  }
  AlignedBytes(const AlignedBytes&) = delete;
  AlignedBytes& operator=(const AlignedBytes&) = delete;

  // The aligned bytes, valid while this object lives.
  ByteView view() const { return m_view; }
  const uint8_t* data() const { return m_view.data(); }
  size_t size() const { return m_view.size(); }
  // The same stretch of bytes in the original: views taken of the aligned bytes (e.g. a vector
  // inside the FlatBuffer) outlive this object this way.
  ByteView InOriginal(ByteView inside) const {
    if (inside.empty()) return {};
    return m_original.subspan(static_cast<size_t>(inside.data() - m_view.data()), inside.size());
  }

 private:
  ByteView m_original;
  ByteView m_view;
  std::unique_ptr<uint64_t[]> m_copy;
};

}  // namespace tracenet
