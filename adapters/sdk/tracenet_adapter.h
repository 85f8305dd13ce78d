/* The stable C ABI for registry adapter plugins (shared libraries the node loads with dlopen).
 *
 * A plugin exports one function, TRACENET_ADAPTER_ENTRY_SYMBOL, returning a static table of
 * function pointers. The node refuses a plugin whose table says another ABI version, or that
 * lacks the symbol, with a message naming both versions. The ABI only grows by a new major
 * version with its own entry symbol (tracenet_adapter_plugin_v2, ...), so a node can keep
 * loading old plugins while new ones are written.
 *
 * Memory: every string the node passes is NUL-terminated and valid only during the call.
 * Strings a plugin returns in tracenet_findings stay valid until the node calls `release` for
 * them (or the next lookup on the same instance); NULL strings read as empty.
 * Threads: the node calls one instance from one thread at a time. By default plugins run in a
 * separate host process, so a crash in a plugin never takes the node down.
 * Text: UTF-8. A query string may hold any bytes (officers type what they read); treat it as
 * data and never build SQL or shell commands from it.
 */
#ifndef TRACENET_ADAPTER_H
#define TRACENET_ADAPTER_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Marks the entry function visible in a library built with hidden symbols. */
#define TRACENET_ADAPTER_EXPORT __attribute__((visibility("default")))

#define TRACENET_ADAPTER_ABI_VERSION 1
#define TRACENET_ADAPTER_ENTRY_SYMBOL "tracenet_adapter_plugin_v1"

/* What lookup and health return. */
enum tracenet_status {
  TRACENET_OK = 0,
  TRACENET_UNAVAILABLE = 1, /* the registry cannot be asked now; the node retries */
  TRACENET_TIMEOUT = 2,     /* the registry did not answer in time; the node retries */
  TRACENET_FAILED = 3       /* anything else; the message says what */
};

enum tracenet_outcome {
  TRACENET_NO_RECORD = 0, /* the registry holds no weapon matching the query */
  TRACENET_FOUND = 1,     /* a full custody chain, ending with the last legal holder */
  TRACENET_PARTIAL = 2    /* the weapon is known but the chain is incomplete */
};

typedef struct tracenet_query {
  const char* serial; /* as the officer read it; normalise before matching */
  const char* manufacturer;
  const char* model;
  const char* type;
  const char* calibre;
  const char* country_of_manufacture;
} tracenet_query;

/* One party that held the weapon. role is one of: manufacturer, exporter, importer,
 * distributor, dealer, government_stock, first_retail_purchaser, last_known_legal_holder, other. */
typedef struct tracenet_custody_entry {
  const char* role;
  const char* name;
  const char* licence_number;
  const char* country;
  const char* address;
  const char* date_in;  /* ISO 8601 date */
  const char* date_out; /* empty: the node fills it with the next party's date_in */
  const char* document_type;
  const char* document_reference;
  const char* source_record;
} tracenet_custody_entry;

typedef struct tracenet_findings {
  int outcome; /* enum tracenet_outcome */
  const char* manufacturer;
  const char* model;
  const char* type;
  const char* calibre;
  const char* country_of_manufacture;
  int year;
  const tracenet_custody_entry* chain; /* in order, from manufacture onwards */
  size_t chain_length;
  const char* comments;
} tracenet_findings;

typedef struct tracenet_adapter_plugin {
  uint32_t abi_version; /* TRACENET_ADAPTER_ABI_VERSION the plugin was built with */
  const char* name;     /* short name for logs, e.g. "legacy-registry" */
  /* settings_json: the plugin's [registry.plugin] settings as a JSON object. Returns NULL and
   * writes a message into error on failure. */
  void* (*create)(const char* settings_json, char* error, size_t error_size);
  void (*destroy)(void* instance);
  /* Fills *out (zeroed by the node) and returns TRACENET_OK, including for "no record". */
  int (*lookup)(void* instance, const tracenet_query* query, tracenet_findings* out, char* error,
                size_t error_size);
  void (*release)(void* instance, tracenet_findings* findings); /* may be NULL */
  int (*health)(void* instance, char* error, size_t error_size);
} tracenet_adapter_plugin;

typedef const tracenet_adapter_plugin* (*tracenet_adapter_entry_fn)(void);

/* Normal forms shared with the node, so a plugin matches exactly as the built-in adapters do.
 * Each writes a NUL-terminated string into out (truncated to out_size) and returns the length
 * the full result needs, excluding the NUL. */
size_t tracenet_normalise_serial(const char* serial, char* out, size_t out_size);
size_t tracenet_normalise_make(const char* make, char* out, size_t out_size);

/* Reads a string setting from the settings JSON create() receives, so a plugin in C needs no
 * JSON parser of its own. Returns the length the value needs (excluding the NUL) and writes it
 * NUL-terminated into out (truncated to out_size), or returns (size_t)-1 when the key is
 * missing, not a string, or the JSON is invalid. */
size_t tracenet_settings_string(const char* settings_json, const char* key, char* out, size_t out_size);

#ifdef __cplusplus
}
#endif

#endif /* TRACENET_ADAPTER_H */
