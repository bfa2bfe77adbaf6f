// Private shim: zlib (zlib1g-dev), used by KindlingData to read gzip-compressed data sets.
#pragma once
#include <zlib.h>
