#ifndef RESTRACK_CPCI_SHIM_H
#define RESTRACK_CPCI_SHIM_H
#include <pci/pci.h>
#endif
