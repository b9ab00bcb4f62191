import Foundation
import Report
import TokenPlanCore

/// A table of typed cells rendered as aligned text, CSV (RFC 4180) or JSON — the three formats
/// every table-printing command offers. Numbers keep full precision in CSV and JSON and are
/// shown in text with thousands separators and about six significant digits, never in
/// scientific notation (``NumberText/readable(_:)``); whole-number cells (ids, counts, seeds)
/// as written.
public struct TextTable: Sendable {
  public struct Column: Sendable {
    public var name: String
    public var numeric: Bool
    public init(_ name: String, numeric: Bool = false) {
      self.name = name
      self.numeric = numeric
    }
  }
  public enum Cell: Sendable {
    case text(String?)
    case number(Double?)
    case integer(Int?)

    package var json: JSONValue {
      switch self {
      case .text(let s): return s.map(JSONValue.string) ?? .null
      case .number(let d): return .number(d)
      case .integer(let i): return i.map(JSONValue.integer) ?? .null
      }
    }
    package var csv: String {
      switch self {
      case .text(let s): return s.map(CSVText.field) ?? ""
      case .number(let d): return d.flatMap { $0.isFinite ? "\($0)" : nil } ?? ""
      case .integer(let i): return i.map(String.init) ?? ""
      }
    }
    package var display: String {
      switch self {
      case .text(let s): return s ?? "—"
      case .number(let d): return d.map(NumberText.readable) ?? "—"
      case .integer(let i): return i.map(String.init) ?? "—"
      }
    }
  }

  public var columns: [Column]
  public var rows: [[Cell]] = []

  public init(columns: [Column]) { self.columns = columns }

  /// RFC 4180 CSV with a header row and LF line ends.
  public func csv() -> String {
    var out = columns.map { CSVText.field($0.name) }.joined(separator: ",") + "\n"
    for row in rows { out += row.map(\.csv).joined(separator: ",") + "\n" }
    return out
  }

  /// `{"<key>": [{column: value, …}, …]}`.
  public func json(key: String) -> JSONValue {
    .object([
      (key, .array(rows.map { row in .object(zip(columns, row).map { ($0.name, $1.json) }) }))
    ])
  }

  /// Aligned text: numbers right-aligned, a rule under the header.
  public func text() -> String {
    let cells = rows.map { $0.map(\.display) }
    let widths = columns.indices.map { c in
      max(columns[c].name.count, cells.map { $0[c].count }.max() ?? 0)
    }
    func line(_ items: [String]) -> String {
      items.enumerated().map { c, s in
        let pad = String(repeating: " ", count: widths[c] - s.count)
        return columns[c].numeric ? pad + s : s + pad
      }.joined(separator: "  ").replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression)
    }
    var out = line(columns.map(\.name)) + "\n"
    out += widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ") + "\n"
    for row in cells { out += line(row) + "\n" }
    return out
  }
}
