/* An example registry adapter plugin in C, built against the tracenet adapter SDK.
 *
 * It answers lookups from a tab-separated registry export (the columns of `tracenet adapter
 * fixture --format tsv`), loaded into memory at start. A real plugin would call the centre's
 * own registry library here instead. Build: see CMakeLists.txt (find_package(tracenet)).
 *
 * Node config:
 *   [registry]
 *   adapter = "plugin"
 *   [registry.plugin]
 *   path = "libtsv_registry_plugin.so"
 *   settings = { data = "registry.tsv" }
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <adapters/sdk/tracenet_adapter.h>

enum { kFields = 16, kSerialNorm = 64, kMakeNorm = 64 };
enum Column { SERIAL, MAKE, MODEL, TYPE, CALIBRE, COUNTRY_OF_MANUFACTURE, YEAR, ROLE, NAME, LICENCE, COUNTRY, ADDRESS,
              DATE_IN, DOCUMENT_TYPE, DOCUMENT_REFERENCE, SOURCE_RECORD };

typedef struct Row {
  char* line; /* owns the field text; fields point into it */
  const char* field[kFields];
  char serial_norm[kSerialNorm];
  char make_norm[kMakeNorm];
} Row;

typedef struct Registry {
  Row* rows;
  size_t count;
  tracenet_custody_entry* chain; /* the last answer, kept until release */
} Registry;

static void set_error(char* error, size_t size, const char* message, const char* detail) {
  snprintf(error, size, "%s%s%s", message, detail ? ": " : "", detail ? detail : "");
}

static int split_row(Row* row) {
  char* cursor = row->line;
  for (int i = 0; i < kFields; ++i) {
    row->field[i] = cursor;
    char* tab = strchr(cursor, '\t');
    if (!tab) return i == kFields - 1;
    *tab = '\0';
    cursor = tab + 1;
  }
  return 1;
}

static void free_registry(Registry* r) {
  for (size_t i = 0; i < r->count; ++i) free(r->rows[i].line);
  free(r->rows);
  free(r->chain);
  free(r);
}

static void* create(const char* settings_json, char* error, size_t error_size) {
  char path[4096];
  if (tracenet_settings_string(settings_json, "data", path, sizeof path) >= sizeof path) {
    set_error(error, error_size, "settings.data must name the registry TSV file", NULL);
    return NULL;
  }
  FILE* f = fopen(path, "r");
  if (!f) {
    set_error(error, error_size, "cannot open the registry file", path);
    return NULL;
  }
  Registry* r = calloc(1, sizeof *r);
  size_t capacity = 0;
  char* line = NULL;
  size_t line_size = 0;
  ssize_t n;
  int header = 1;
  while ((n = getline(&line, &line_size, f)) > 0) {
    if (header) { header = 0; continue; }
    while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r')) line[--n] = '\0';
    if (r->count == capacity) {
      capacity = capacity ? capacity * 2 : 64;
      r->rows = realloc(r->rows, capacity * sizeof *r->rows);
    }
    Row* row = &r->rows[r->count];
    row->line = strdup(line);
    if (!split_row(row)) { free(row->line); continue; } /* a short line: not a record */
    tracenet_normalise_serial(row->field[SERIAL], row->serial_norm, sizeof row->serial_norm);
    tracenet_normalise_make(row->field[MAKE], row->make_norm, sizeof row->make_norm);
    r->count++;
  }
  free(line);
  fclose(f);
  return r;
}

static void destroy(void* instance) { free_registry(instance); }

static int is_end_of_chain(const char* role) {
  return !strcmp(role, "first_retail_purchaser") || !strcmp(role, "government_stock") ||
         !strcmp(role, "last_known_legal_holder");
}

static int lookup(void* instance, const tracenet_query* query, tracenet_findings* out, char* error, size_t error_size) {
  (void)error, (void)error_size;
  Registry* r = instance;
  char serial[kSerialNorm], make[kMakeNorm];
  /* A query longer than any stored serial cannot match; truncation would risk a false hit. */
  if (tracenet_normalise_serial(query->serial, serial, sizeof serial) >= sizeof serial) return TRACENET_OK;
  if (tracenet_normalise_make(query->manufacturer, make, sizeof make) >= sizeof make) return TRACENET_OK;
  if (!serial[0]) return TRACENET_OK;
  free(r->chain);
  r->chain = calloc(r->count ? r->count : 1, sizeof *r->chain);
  const Row* weapon = NULL;
  for (size_t i = 0; i < r->count; ++i) {
    const Row* row = &r->rows[i];
    if (strcmp(row->serial_norm, serial) || strcmp(row->make_norm, make)) continue;
    weapon = row;
    if (!row->field[ROLE][0]) continue; /* a row about the weapon only */
    tracenet_custody_entry* e = &r->chain[out->chain_length++];
    e->role = row->field[ROLE];
    e->name = row->field[NAME];
    e->licence_number = row->field[LICENCE];
    e->country = row->field[COUNTRY];
    e->address = row->field[ADDRESS];
    e->date_in = row->field[DATE_IN];
    e->document_type = row->field[DOCUMENT_TYPE];
    e->document_reference = row->field[DOCUMENT_REFERENCE];
    e->source_record = row->field[SOURCE_RECORD];
  }
  if (!weapon) return TRACENET_OK; /* out->outcome is TRACENET_NO_RECORD */
  out->manufacturer = weapon->field[MAKE];
  out->model = weapon->field[MODEL];
  out->type = weapon->field[TYPE];
  out->calibre = weapon->field[CALIBRE];
  out->country_of_manufacture = weapon->field[COUNTRY_OF_MANUFACTURE];
  out->year = atoi(weapon->field[YEAR]);
  out->chain = r->chain;
  int complete = out->chain_length > 0 && is_end_of_chain(r->chain[out->chain_length - 1].role);
  out->outcome = complete ? TRACENET_FOUND : TRACENET_PARTIAL;
  return TRACENET_OK;
}

static void release(void* instance, tracenet_findings* findings) {
  (void)findings;
  Registry* r = instance;
  free(r->chain);
  r->chain = NULL;
}

static int health(void* instance, char* error, size_t error_size) {
  Registry* r = instance;
  if (r->count > 0) return TRACENET_OK;
  set_error(error, error_size, "the registry file held no records", NULL);
  return TRACENET_UNAVAILABLE;
}

static const tracenet_adapter_plugin kPlugin = {
    TRACENET_ADAPTER_ABI_VERSION, "tsv-registry-example", create, destroy, lookup, release, health};

TRACENET_ADAPTER_EXPORT const tracenet_adapter_plugin* tracenet_adapter_plugin_v1(void) { return &kPlugin; }
