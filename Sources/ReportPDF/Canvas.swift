internal import CCairo

import Foundation
import Report

/// A cairo surface and context with pango text, in points (1/72 in), origin top-left. Owns its C
/// handles; never leaves the thread that made it (not `Sendable`).
final class Canvas {
  enum Target { case pdf(path: String), image(width: Int, height: Int) }
  enum Weight { case regular, bold }
  enum Align { case left, right, center }

  private let surface: OpaquePointer
  let context: OpaquePointer
  let path: String?
  /// Family for every text (DejaVu Sans: Debian's `fonts-dejavu-core`, embedded in PDFs).
  var fontFamily = "DejaVu Sans"

  /// A PDF of `width`×`height` points at `path`, or an image of `width`×`height` pixels drawn
  /// at `scale` pixels per point.
  init(_ target: Target, width: Double, height: Double, scale: Double = 1) {
    switch target {
    case .pdf(let path):
      surface = cairo_pdf_surface_create(path, width, height)
      self.path = path
    case .image(let w, let h):
      surface = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, Int32(w), Int32(h))
      self.path = nil
    }
    context = cairo_create(surface)
    cairo_scale(context, scale, scale)
  }

  deinit {
    cairo_destroy(context)
    cairo_surface_destroy(surface)
  }

  /// PDF metadata (title, author, subject, creator, creation date).
  func setMetadata(title: String, author: String, subject: String, creator: String, date: String?) {
    cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_TITLE, title)
    cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_AUTHOR, author)
    cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_SUBJECT, subject)
    cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATOR, creator)
    if let date {
      cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATE_DATE, date)
      cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_MOD_DATE, date)
    }
  }

  /// Ends the page and starts the next.
  func newPage() { cairo_show_page(context) }

  /// Flushes and closes a PDF; throws when cairo could not write it (cairo reports write errors
  /// only here, through the surface's status).
  func finish() throws {
    cairo_surface_finish(surface)
    let status = cairo_surface_status(surface)
    guard status == CAIRO_STATUS_SUCCESS else {
      throw ReportError.cairo(path: path ?? "(image)", message: String(cString: cairo_status_to_string(status)))
    }
  }

  /// Writes an image canvas as PNG.
  func writePNG(to path: String) throws {
    cairo_surface_flush(surface)
    let status = cairo_surface_write_to_png(surface, path)
    guard status == CAIRO_STATUS_SUCCESS else {
      throw ReportError.cairo(path: path, message: String(cString: cairo_status_to_string(status)))
    }
  }

  // MARK: drawing

  func color(_ rgb: (Double, Double, Double), alpha: Double = 1) {
    cairo_set_source_rgba(context, rgb.0, rgb.1, rgb.2, alpha)
  }
  func gray(_ level: Double) { cairo_set_source_rgb(context, level, level, level) }

  func fillRect(_ x: Double, _ y: Double, _ w: Double, _ h: Double) {
    cairo_rectangle(context, x, y, w, h)
    cairo_fill(context)
  }
  func strokeRect(_ x: Double, _ y: Double, _ w: Double, _ h: Double, width: Double = 0.5) {
    cairo_set_line_width(context, width)
    cairo_rectangle(context, x, y, w, h)
    cairo_stroke(context)
  }
  func line(_ x0: Double, _ y0: Double, _ x1: Double, _ y1: Double, width: Double = 0.5, dash: [Double] = []) {
    cairo_set_line_width(context, width)
    dash.withUnsafeBufferPointer { cairo_set_dash(context, $0.baseAddress, Int32($0.count), 0) }
    cairo_move_to(context, x0, y0)
    cairo_line_to(context, x1, y1)
    cairo_stroke(context)
    cairo_set_dash(context, nil, 0, 0)
  }
  /// A polyline through `points` (skipping non-finite ones, which break the line).
  func polyline(_ points: [(Double, Double)], width: Double, dash: [Double] = []) {
    cairo_set_line_width(context, width)
    cairo_set_line_join(context, CAIRO_LINE_JOIN_ROUND)
    dash.withUnsafeBufferPointer { cairo_set_dash(context, $0.baseAddress, Int32($0.count), 0) }
    var pen = false
    for (x, y) in points {
      guard x.isFinite, y.isFinite else {
        pen = false
        continue
      }
      if pen { cairo_line_to(context, x, y) } else { cairo_move_to(context, x, y) }
      pen = true
    }
    cairo_stroke(context)
    cairo_set_dash(context, nil, 0, 0)
  }
  /// A filled polygon.
  func polygon(_ points: [(Double, Double)]) {
    guard let first = points.first else { return }
    cairo_move_to(context, first.0, first.1)
    for (x, y) in points.dropFirst() { cairo_line_to(context, x, y) }
    cairo_close_path(context)
    cairo_fill(context)
  }
  func circle(_ x: Double, _ y: Double, radius: Double) {
    cairo_new_sub_path(context)
    cairo_arc(context, x, y, radius, 0, 2 * .pi)
    cairo_fill(context)
  }
  func clip(_ x: Double, _ y: Double, _ w: Double, _ h: Double) {
    cairo_save(context)
    cairo_rectangle(context, x, y, w, h)
    cairo_clip(context)
  }
  func unclip() { cairo_restore(context) }

  // MARK: text

  private func layout(_ text: String, size: Double, weight: Weight, width: Double?) -> OpaquePointer {
    let layout = pango_cairo_create_layout(context)!
    let description = pango_font_description_new()
    pango_font_description_set_family(description, fontFamily)
    pango_font_description_set_absolute_size(description, size * Double(ccairo_pango_scale))
    pango_font_description_set_weight(description, weight == .bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL)
    pango_layout_set_font_description(layout, description)
    pango_font_description_free(description)
    if let width {
      pango_layout_set_width(layout, Int32(width * Double(ccairo_pango_scale)))
      pango_layout_set_wrap(layout, PANGO_WRAP_WORD_CHAR)
    }
    pango_layout_set_text(layout, text, -1)
    return layout
  }

  /// The size of `text` set at `size` points (wrapped at `width` when given).
  func measure(_ text: String, size: Double, weight: Weight = .regular, width: Double? = nil) -> (width: Double, height: Double) {
    let l = layout(text, size: size, weight: weight, width: width)
    defer { ccairo_unref_layout(l) }
    var w: Int32 = 0
    var h: Int32 = 0
    pango_layout_get_size(l, &w, &h)
    return (Double(w) / Double(ccairo_pango_scale), Double(h) / Double(ccairo_pango_scale))
  }

  /// Sets `text` with its top at `y`; `x` is the left edge, right edge or centre per `align`.
  /// Wraps at `width` when given. Returns the height used.
  @discardableResult
  func text(_ text: String, x: Double, y: Double, size: Double, weight: Weight = .regular, align: Align = .left,
    width: Double? = nil, rotate: Bool = false) -> Double {
    let l = layout(text, size: size, weight: weight, width: width)
    defer { ccairo_unref_layout(l) }
    var w: Int32 = 0
    var h: Int32 = 0
    pango_layout_get_size(l, &w, &h)
    let tw = Double(w) / Double(ccairo_pango_scale)
    let th = Double(h) / Double(ccairo_pango_scale)
    let dx: Double
    switch align {
    case .left: dx = 0
    case .right: dx = -tw
    case .center: dx = -tw / 2
    }
    cairo_save(context)
    if rotate {
      cairo_move_to(context, x, y)
      cairo_rotate(context, -.pi / 2)
      cairo_rel_move_to(context, dx, 0)
    } else {
      cairo_move_to(context, x + dx, y)
    }
    pango_cairo_show_layout(context, l)
    cairo_restore(context)
    return th
  }
}

/// A report could not be written.
public enum ReportError: Error, CustomStringConvertible {
  case cairo(path: String, message: String)
  public var description: String {
    switch self {
    case .cairo(let path, let message): return "\(path): cairo could not write the file: \(message)"
    }
  }
}
