/* A plugin built for a later ABI than this node's: the node must refuse it and say so. */
#include <stddef.h>

#include <adapters/sdk/tracenet_adapter.h>

static const tracenet_adapter_plugin kPlugin = {TRACENET_ADAPTER_ABI_VERSION + 1, "from-the-future", NULL, NULL, NULL,
                                                NULL, NULL};

TRACENET_ADAPTER_EXPORT const tracenet_adapter_plugin* tracenet_adapter_plugin_v1(void) { return &kPlugin; }
