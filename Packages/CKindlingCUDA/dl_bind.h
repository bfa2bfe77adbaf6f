// Private to CKindlingCUDA and CKindlingOpenCL's twin: opens a library and binds a table of
// symbols with dlsym. Not part of the module's headers.
#pragma once
#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

/// One entry point to bind: its exported name and the slot of the function pointer. An optional
/// entry point that is missing leaves its slot NULL instead of failing the whole open.
typedef struct kd_symbol {
  const char *name;
  void **slot;
  int optional;
} kd_symbol;

/// Opens `path` (RTLD_NOW | RTLD_LOCAL) and binds `count` symbols. Returns the handle, or NULL
/// with a message in `error`: dlerror's text, or "the <what> library has no symbol <name>".
static inline void *kd_open_and_bind(const char *path, const char *what, const kd_symbol *symbols, size_t count,
                                     char *error, size_t error_size) {
  if (error_size > 0) error[0] = '\0';
  void *handle = dlopen(path, RTLD_NOW | RTLD_LOCAL);
  if (handle == NULL) {
    const char *reason = dlerror();
    if (error_size > 0) snprintf(error, error_size, "%s", reason ? reason : "dlopen failed");
    return NULL;
  }
  for (size_t i = 0; i < count; i++) {
    *symbols[i].slot = dlsym(handle, symbols[i].name);
    if (*symbols[i].slot == NULL && !symbols[i].optional) {
      if (error_size > 0) snprintf(error, error_size, "the %s library has no symbol %s", what, symbols[i].name);
      dlclose(handle);
      return NULL;
    }
  }
  return handle;
}

/// Opens `path` into the function table `table` (`table_size` bytes, whose `handle` slot is
/// `handle_slot`): binds `symbols` (slots inside the table), and on failure zeroes the table and
/// returns -1 with the message in `error`. Returns 0 on success.
static inline int kd_open_table(const char *path, const char *what, void *table, size_t table_size,
                                void **handle_slot, const kd_symbol *symbols, size_t count, char *error,
                                size_t error_size) {
  void *handle = kd_open_and_bind(path, what, symbols, count, error, error_size);
  if (handle == NULL) {
    memset(table, 0, table_size);
    return -1;
  }
  *handle_slot = handle;
  return 0;
}

/// Closes a table opened by kd_open_table and zeroes it.
static inline void kd_close_table(void *table, size_t table_size, void *handle) {
  if (handle != NULL) dlclose(handle);
  memset(table, 0, table_size);
}
