#ifndef TOKENPLAN_CPOSIX_H
#define TOKENPLAN_CPOSIX_H

/// Atomically exchanges two paths (renameat2 RENAME_EXCHANGE, Linux ≥ 3.15). Returns 0, or -1
/// with errno set (EINVAL or ENOSYS where the file system or kernel cannot).
int tokenplan_rename_exchange(const char *from, const char *to);

/// Renames `from` to `to` only if `to` does not exist (renameat2 RENAME_NOREPLACE). Returns 0,
/// or -1 with errno set (EEXIST when `to` exists).
int tokenplan_rename_noreplace(const char *from, const char *to);

#endif
