// Placeholder until the creditchina plugin lands.
#include "creditgw/PluginAbi.h"
