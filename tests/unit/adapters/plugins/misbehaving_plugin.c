/* A plugin that misbehaves on purpose, for the seam tests: it answers the conformance fixture's
 * TNCK-1001 and nothing else, and crashes (a null write) when asked about serial "SEGV". */
#include <string.h>

#include <adapters/sdk/tracenet_adapter.h>

static int counter;

static void* create(const char* settings_json, char* error, size_t error_size) {
  (void)settings_json, (void)error, (void)error_size;
  return &counter;
}

static void destroy(void* instance) { (void)instance; }

static const tracenet_custody_entry kChain[] = {
    {"manufacturer", "Glock GmbH", "", "AUT", "", "2015-03-02", "", "", "", ""},
    {"first_retail_purchaser", "J. Doe", "", "USA", "", "2016-02-20", "", "", "", ""}};

static int lookup(void* instance, const tracenet_query* query, tracenet_findings* out, char* error, size_t error_size) {
  (void)instance;
  if (strcmp(query->serial, "SEGV") == 0) {
    volatile int* nowhere = 0;
    *nowhere = 1;
  }
  if (strcmp(query->serial, "FAIL") == 0) {
    strncpy(error, "registry database is offline", error_size - 1);
    return TRACENET_UNAVAILABLE;
  }
  if (strcmp(query->serial, "TNCK-1001") != 0) return TRACENET_OK;
  out->outcome = TRACENET_FOUND;
  out->manufacturer = "Glock";
  out->model = "G17";
  out->chain = kChain;
  out->chain_length = 2;
  return TRACENET_OK;
}

static int health(void* instance, char* error, size_t error_size) {
  (void)instance, (void)error, (void)error_size;
  return TRACENET_OK;
}

static const tracenet_adapter_plugin kPlugin = {TRACENET_ADAPTER_ABI_VERSION, "misbehaving", create, destroy, lookup, NULL,
                                                health};

TRACENET_ADAPTER_EXPORT const tracenet_adapter_plugin* tracenet_adapter_plugin_v1(void) { return &kPlugin; }
