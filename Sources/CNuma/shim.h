#ifndef RESTRACK_CNUMA_SHIM_H
#define RESTRACK_CNUMA_SHIM_H
#include <numa.h>
#endif
