#include "node/protocol/text_fields.h"

#include "node/common/text.h"

namespace tracenet::protocol {

namespace {

struct Walk {
  size_t max_bytes;
  Errc code;
};

template <typename T>
const T* Follow(const uint8_t* field) {
  return reinterpret_cast<const T*>(field + flatbuffers::ReadScalar<flatbuffers::uoffset_t>(field));
}

Status WalkTable(const Walk& w, const flatbuffers::Table* table, const flatbuffers::TypeTable* type,
                 const std::string& path, int depth);

Status CheckString(const Walk& w, const flatbuffers::String* s, const std::string& path) {
  return CheckText(std::string_view(s->c_str(), s->size()), path, w.max_bytes, w.code);
}

Status WalkField(const Walk& w, const uint8_t* field, flatbuffers::TypeCode code, const flatbuffers::TypeTable* type,
                 const std::string& path, int depth) {
  auto et = static_cast<flatbuffers::ElementaryType>(code.base_type);
  if (et == flatbuffers::ET_STRING) {
    if (!code.is_repeating) return CheckString(w, Follow<flatbuffers::String>(field), path);
    const auto* v = Follow<flatbuffers::Vector<flatbuffers::Offset<flatbuffers::String>>>(field);
    for (flatbuffers::uoffset_t i = 0; i < v->size(); ++i)
      if (Status s = CheckString(w, v->Get(i), path + "[" + std::to_string(i) + "]"); !s) return s;
    return Status::Ok();
  }
  if (et != flatbuffers::ET_SEQUENCE || code.sequence_ref < 0) return Status::Ok();
  const flatbuffers::TypeTable* ref = type->type_refs[code.sequence_ref]();
  if (ref->st != flatbuffers::ST_TABLE) return Status::Ok();  // structs and enums hold no text
  if (!code.is_repeating) return WalkTable(w, Follow<flatbuffers::Table>(field), ref, path, depth + 1);
  const auto* v = Follow<flatbuffers::Vector<flatbuffers::Offset<flatbuffers::Table>>>(field);
  for (flatbuffers::uoffset_t i = 0; i < v->size(); ++i)
    if (Status s = WalkTable(w, v->Get(i), ref, path + "[" + std::to_string(i) + "]", depth + 1); !s) return s;
  return Status::Ok();
}

Status WalkTable(const Walk& w, const flatbuffers::Table* table, const flatbuffers::TypeTable* type,
                 const std::string& path, int depth) {
  // The Verifier bounds depth already (64); this only keeps recursion modest.
  if (depth > 64) return MakeError(w.code, path + " is nested too deeply");
  for (size_t i = 0; i < type->num_elems; ++i) {
    flatbuffers::TypeCode code = type->type_codes[i];
    const uint8_t* field = table->GetAddressOf(flatbuffers::FieldIndexToOffset(static_cast<flatbuffers::voffset_t>(i)));
    if (!field) continue;
    std::string name = type->names ? type->names[i] : std::to_string(i);
    if (Status s = WalkField(w, field, code, type, path.empty() ? name : path + "." + name, depth); !s) return s;
  }
  return Status::Ok();
}

}  // namespace

Status CheckTextFields(const uint8_t* root, const flatbuffers::TypeTable* table, size_t max_bytes, Errc code) {
  return WalkTable({max_bytes, code}, flatbuffers::GetRoot<flatbuffers::Table>(root), table, "", 0);
}

}  // namespace tracenet::protocol
