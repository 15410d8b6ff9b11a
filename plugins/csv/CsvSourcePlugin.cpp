// Placeholder until the csv plugin lands.
#include "creditgw/PluginAbi.h"
