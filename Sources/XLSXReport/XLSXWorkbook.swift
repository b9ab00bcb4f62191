internal import CXLSXWriter

import Foundation

/// A workbook to write: sheets of typed cells, frozen header rows, column widths, number
/// formats, formulas with cached values, and defined names. Plain values: the C library stays
/// inside ``XLSXWriter``.
public struct XLSXWorkbook: Sendable {
  public enum Cell: Sendable {
    case text(String)
    case number(Double, format: String?)
    /// A formula (`=B2*C2`) with the value computed here, so readers that do not recalculate
    /// (and `openpyxl` with `data_only`) see it.
    case formula(String, cached: Double, format: String?)
    case empty
  }
  public struct Sheet: Sendable {
    public var name: String
    public var header: [String]
    public var rows: [[Cell]]
    public var widths: [Double]
    /// Cells limited to a list of values (a drop-down), by 0-based data row and column.
    public var choices: [(row: Int, column: Int, values: [String])] = []
    public init(name: String, header: [String], rows: [[Cell]], widths: [Double]? = nil) {
      self.name = name
      self.header = header
      self.rows = rows
      self.widths = widths ?? header.indices.map { c in
        let longest = rows.map { row -> Int in
          guard c < row.count else { return 0 }
          switch row[c] {
          case .text(let s): return s.count
          case .number, .formula: return 14
          case .empty: return 0
          }
        }.max() ?? 0
        return Double(min(max(header[c].count, longest) + 2, 60))
      }
    }
  }
  /// `(name, "=Sheet!$B$2")`.
  public var definedNames: [(String, String)]

  /// The spreadsheet letters of the 0-based column `index`: 0 → `A`, 25 → `Z`, 26 → `AA`.
  public static func columnLetters(_ index: Int) -> String {
    precondition(index >= 0, "a column index is not negative")
    var n = index + 1
    var letters = ""
    while n > 0 {
      let r = (n - 1) % 26
      letters = String(UnicodeScalar(UInt8(65 + r))) + letters
      n = (n - 1) / 26
    }
    return letters
  }
  public var sheets: [Sheet]
  /// Document properties: title, and the creation time (fixed, the same workbook gives the
  /// same bytes; `nil`: libxlsxwriter uses the current time).
  public var title: String?
  public var created: Date?
  /// Printing: every sheet landscape on A4, one page wide (as many tall as it takes), its header
  /// row repeated on each page, this text at the top left and "page P of N" at the foot.
  public var printHeader: String?
  public init(sheets: [Sheet], definedNames: [(String, String)] = [], title: String? = nil, created: Date? = nil) {
    self.sheets = sheets
    self.definedNames = definedNames
    self.title = title
    self.created = created
  }
}

/// Writes ``XLSXWorkbook``s with libxlsxwriter.
public enum XLSXWriter {
  /// Writes `book` to `path`.
  /// - Throws: an error naming libxlsxwriter's status when the file cannot be written.
  public static func write(_ book: XLSXWorkbook, to path: String) throws {
    guard let workbook = workbook_new(path) else {
      throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path])
    }
    let bold = workbook_add_format(workbook)
    format_set_bold(bold)
    var formats: [String: UnsafeMutablePointer<lxw_format>] = [:]
    func format(_ pattern: String?) -> UnsafeMutablePointer<lxw_format>? {
      guard let pattern else { return nil }
      if let f = formats[pattern] { return f }
      guard let f = workbook_add_format(workbook) else { return nil }
      format_set_num_format(f, pattern)
      formats[pattern] = f
      return f
    }
    for sheet in book.sheets {
      let ws = workbook_add_worksheet(workbook, sheet.name)
      for (c, title) in sheet.header.enumerated() { worksheet_write_string(ws, 0, UInt16(c), title, bold) }
      for (c, w) in sheet.widths.enumerated() { worksheet_set_column(ws, UInt16(c), UInt16(c), w, nil) }
      worksheet_freeze_panes(ws, 1, 0)
      worksheet_set_landscape(ws)
      worksheet_set_paper(ws, 9)  // A4
      worksheet_fit_to_pages(ws, 1, 0)
      worksheet_repeat_rows(ws, 0, 0)
      if let header = book.printHeader {
        // `&` starts a code in Excel's header language: a literal one is written `&&`.
        worksheet_set_header(ws, "&L" + header.replacingOccurrences(of: "&", with: "&&") + "&R" + sheet.name.replacingOccurrences(of: "&", with: "&&"))
      }
      worksheet_set_footer(ws, "&CPage &P of &N")
      for choice in sheet.choices {
        // libxlsxwriter copies the list when the validation is added.
        var strings = choice.values.map { strdup($0) } + [nil]
        defer { for s in strings { free(s) } }
        let status = strings.withUnsafeMutableBufferPointer { list in
          var validation = lxw_data_validation()
          validation.validate = UInt8(LXW_VALIDATION_TYPE_LIST.rawValue)
          validation.value_list = list.baseAddress
          return worksheet_data_validation_cell(ws, UInt32(choice.row + 1), UInt16(choice.column), &validation)
        }
        guard status == LXW_NO_ERROR else {
          // Excel holds at most 255 characters of list values in a drop-down.
          throw CocoaError(
            .fileWriteUnknown,
            userInfo: [NSFilePathErrorKey: path, NSLocalizedDescriptionKey: "the drop-down of \(choice.values.joined(separator: ", ")) on sheet \(sheet.name) cannot be written (\(String(cString: lxw_strerror(status))))"])
        }
      }
      for (r, row) in sheet.rows.enumerated() {
        for (c, cell) in row.enumerated() {
          let (rr, cc) = (UInt32(r + 1), UInt16(c))
          switch cell {
          case .text(let s): worksheet_write_string(ws, rr, cc, s, nil)
          case .number(let v, let f): worksheet_write_number(ws, rr, cc, v, format(f))
          case .formula(let f, let cached, let nf): worksheet_write_formula_num(ws, rr, cc, f, format(nf), cached)
          case .empty: break
          }
        }
      }
    }
    for (name, formula) in book.definedNames { workbook_define_name(workbook, name, formula) }
    // The properties struct holds C strings that must outlive workbook_close (it copies them,
    // but only reads them there in some versions): keep them alive until the end.
    let title = strdup(book.title ?? "")
    let creator = strdup("TokenPlan")
    defer {
      free(title)
      free(creator)
    }
    var properties = lxw_doc_properties()
    properties.title = book.title == nil ? nil : title
    properties.author = creator
    properties.created = book.created.map { time_t($0.timeIntervalSince1970) } ?? 0
    workbook_set_properties(workbook, &properties)
    let status = workbook_close(workbook)
    guard status == LXW_NO_ERROR else {
      throw CocoaError(
        .fileWriteUnknown,
        userInfo: [NSFilePathErrorKey: path, NSLocalizedDescriptionKey: String(cString: lxw_strerror(status))])
    }
  }
}
