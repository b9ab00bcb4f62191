import Foundation

/// A JSON document with ordered object keys, written deterministically: the same value gives the
/// same bytes on every run and platform. Numbers use Swift's shortest round-trip form; a
/// non-finite number is written as `null` (JSON has no NaN), so callers make such values `nil`
/// on purpose rather than by accident.
public indirect enum JSONValue: Sendable, Equatable {
  case null
  case bool(Bool)
  case number(Double)
  case integer(Int)
  /// An unsigned integer (seeds span all of `UInt64`).
  case unsigned(UInt64)
  case string(String)
  case array([JSONValue])
  case object([(String, JSONValue)])

  public static func == (a: JSONValue, b: JSONValue) -> Bool { a.serialized() == b.serialized() }

  /// The value as JSON text; `indent` spaces per level, or compact with `indent == nil`.
  public func serialized(indent: Int? = 2) -> String {
    var out = ""
    write(into: &out, indent: indent, level: 0)
    return out
  }

  private func write(into out: inout String, indent: Int?, level: Int) {
    let newline = indent == nil ? "" : "\n"
    let pad = { (l: Int) in String(repeating: " ", count: (indent ?? 0) * l) }
    let colon = indent == nil ? ":" : ": "
    switch self {
    case .null: out += "null"
    case .bool(let b): out += b ? "true" : "false"
    case .integer(let i): out += String(i)
    case .unsigned(let u): out += String(u)
    case .number(let d):
      if !d.isFinite {
        out += "null"
      } else if d == d.rounded() && abs(d) < 1e15 {
        out += String(Int64(d))
      } else {
        out += "\(d)"
      }
    case .string(let s): out += JSONValue.quote(s)
    case .array(let items):
      if items.isEmpty {
        out += "[]"
        return
      }
      out += "[" + newline
      for (k, item) in items.enumerated() {
        out += pad(level + 1)
        item.write(into: &out, indent: indent, level: level + 1)
        out += (k + 1 < items.count ? "," : "") + newline
      }
      out += pad(level) + "]"
    case .object(let pairs):
      if pairs.isEmpty {
        out += "{}"
        return
      }
      out += "{" + newline
      for (k, (key, value)) in pairs.enumerated() {
        out += pad(level + 1) + JSONValue.quote(key) + colon
        value.write(into: &out, indent: indent, level: level + 1)
        out += (k + 1 < pairs.count ? "," : "") + newline
      }
      out += pad(level) + "}"
    }
  }

  public static func quote(_ s: String) -> String {
    var out = "\""
    for scalar in s.unicodeScalars {
      switch scalar {
      case "\"": out += "\\\""
      case "\\": out += "\\\\"
      case "\n": out += "\\n"
      case "\r": out += "\\r"
      case "\t": out += "\\t"
      default:
        if scalar.value < 0x20 {
          out += String(format: "\\u%04x", scalar.value)
        } else {
          out.unicodeScalars.append(scalar)
        }
      }
    }
    return out + "\""
  }
}

extension JSONValue {
  /// A number, or `null` when absent or non-finite.
  public static func number(_ d: Double?) -> JSONValue {
    guard let d, d.isFinite else { return .null }
    return .number(d)
  }
}
