// The generated wire schema, under one short name for the protocol code.
#pragma once

#include "tracenet/schema/envelope_generated.h"
#include "tracenet/schema/payloads_generated.h"

#include "node/common/bytes.h"

namespace tracenet::protocol {
namespace wire = ::tracenet::wire::v1;

// The bytes of a payload table built with the object API (a `...T` struct).
template <typename T>
Bytes PackPayload(const typename T::NativeTableType& object) {
  flatbuffers::FlatBufferBuilder b(512);
  b.Finish(T::Pack(b, &object));
  return Bytes(b.GetBufferPointer(), b.GetBufferPointer() + b.GetSize());
}

}  // namespace tracenet::protocol
