#ifndef CZLIB_SHIM_H
#define CZLIB_SHIM_H
#include <zlib.h>
// inflateInit2 is a macro: give Swift a function.
static inline int czlib_inflate_init_gzip(z_stream *s) {
  return inflateInit2(s, 15 + 32);  // 15-bit window, detect gzip or zlib header
}
static inline int czlib_deflate_init_gzip(z_stream *s, int level) {
  return deflateInit2(s, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
}
#endif
