import Foundation
import Report
import TokenPlanCore

/// The machine renderings of the one table model: CSV (RFC 4180) and JSON at full precision
/// under the columns' machine names, and aligned terminal text — the three formats every
/// table-printing command offers and every result table is written in. Terminal numbers are
/// shown as their cells show them (``ReportTable/Cell/display``): thousands separators, never
/// scientific notation.
extension ReportTable.Cell {
  package var json: JSONValue {
    switch self {
    case .text(let s): return s.isEmpty ? .null : .string(s)
    case .number(let v, _), .value(let v): return .number(v)
    case .integer(let i): return .integer(i)
    case .missing: return .null
    }
  }
  package var csv: String {
    switch self {
    case .text(let s): return CSVText.field(s)
    case .number(let v, _), .value(let v): return v.isFinite ? "\(v)" : ""
    case .integer(let i): return String(i)
    case .missing: return ""
    }
  }
}

extension ReportTable {
  /// RFC 4180 CSV with a header row of the columns' machine names and LF line ends.
  public func csv() -> String {
    var out = columns.map { CSVText.field($0.key) }.joined(separator: ",") + "\n"
    for row in rows { out += row.map(\.csv).joined(separator: ",") + "\n" }
    return out
  }

  /// `{"<key>": [{column: value, …}, …]}`.
  public func json(key: String) -> JSONValue {
    .object([
      (key, .array(rows.map { row in .object(zip(columns, row).map { ($0.key, $1.json) }) }))
    ])
  }

  /// Aligned text under the machine names: numbers right-aligned, a rule under the header.
  public func text() -> String {
    let cells = rows.map { $0.map(\.display) }
    let widths = columns.indices.map { c in
      max(columns[c].key.count, cells.map { $0[c].count }.max() ?? 0)
    }
    func line(_ items: [String]) -> String {
      items.enumerated().map { c, s in
        let pad = String(repeating: " ", count: widths[c] - s.count)
        return columns[c].numeric ? pad + s : s + pad
      }.joined(separator: "  ").replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression)
    }
    var out = line(columns.map(\.key)) + "\n"
    out += widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ") + "\n"
    for row in cells { out += line(row) + "\n" }
    return out
  }
}
