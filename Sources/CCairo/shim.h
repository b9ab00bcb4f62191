#ifndef CCAIRO_SHIM_H
#define CCAIRO_SHIM_H
#include <cairo.h>
#include <cairo-pdf.h>
#include <pango/pangocairo.h>
#include <glib-object.h>
// PANGO_SCALE is a macro; give Swift a constant.
static const int ccairo_pango_scale = PANGO_SCALE;
// g_object_unref through a typed helper (G_OBJECT() is a function-like macro Swift cannot import).
static inline void ccairo_unref_layout(PangoLayout *layout) { g_object_unref(layout); }
#endif
