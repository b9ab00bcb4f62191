#include <sqlite3.h>

// SQLITE_TRANSIENT is a macro (a cast of -1 to a destructor) that Swift does not import.
static inline sqlite3_destructor_type tokenplan_sqlite_transient(void) { return SQLITE_TRANSIENT; }
