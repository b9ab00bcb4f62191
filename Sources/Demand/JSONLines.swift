import Foundation
import TokenPlanCore

// MARK: - JSON Lines

/// JSON Lines read directly into the panel builder's rows: one record per object, one field per
/// top-level key (keys in order of first appearance; a missing key or `null` is an empty field).
///
/// Each line is parsed once by ``JSONObjectFields``: string values are unescaped, numbers are
/// passed on as their JSON text (so the builder's number parser sees exactly what the file
/// says), `true`/`false` as text (refused where a number is expected), and nested arrays or
/// objects as their JSON text. Every malformed line is reported with its line and column.
enum JSONLinesTable {
  /// The fields of the file's objects: their values' bytes in one arena, and per object its
  /// line and the (key index, byte range) of each field.
  struct Fields {
    var keys: [String] = []
    var arena: [UInt8] = []
    var objects: [(line: Int, fields: [(key: Int, range: Range<Int>)])] = []
  }

  /// Reads `bytes` (UTF-8 JSON Lines) into `builder`: the header, then one row per object.
  /// - Throws: a ``DemandValidationError`` listing every malformed line; whatever the builder
  ///   throws for a bad row.
  static func load(_ bytes: [UInt8], file: String, into builder: inout PanelBuilder) throws {
    let fields = try parse(bytes, file: file)
    try builder.setHeader(fields.keys)
    var record = CSVScanner.Record()
    var row: [UInt8] = []
    for object in fields.objects {
      // The object's values laid out in header order (a missing key is an empty field).
      row.removeAll(keepingCapacity: true)
      record.line = object.line
      record.fields = Array(repeating: 0..<0, count: fields.keys.count)
      for (key, range) in object.fields {
        record.fields[key] = row.count..<(row.count + range.count)
        row.append(contentsOf: fields.arena[range])
      }
      try row.withUnsafeBufferPointer { try builder.addRow(record, $0) }
    }
  }

  static func parse(_ bytes: [UInt8], file: String) throws -> Fields {
    var out = Fields()
    var keyIndex: [String: Int] = [:]
    var errors: [DemandIssue] = []
    func fail(_ line: Int, _ slice: ArraySlice<UInt8>, _ column: Int, _ expected: String, _ fix: String) {
      errors.append(
        DemandIssue(
          .error,
          LocatedError(
            file: file, line: line, column: column, found: String(decoding: slice.prefix(60), as: UTF8.self),
            expected: expected, fix: fix)))
    }
    let recordFix = "write each record as {\"date\": \"2026-03-01\", \"tokens\": 123, …} on its own line"
    var line = 1
    var start = 0
    func handle(_ end: Int) {
      defer {
        line += 1
        start = end + 1
      }
      let slice = bytes[start..<end]
      if slice.allSatisfy({ $0 == 32 || $0 == 9 || $0 == 13 }) { return }
      let parsed: [JSONObjectFields.Field]
      switch JSONObjectFields.parse(slice) {
      case .failure(let e): return fail(line, slice, e.column, e.expected, recordFix)
      case .success(let f): parsed = f
      }
      var first: [String: Int] = [:]
      for f in parsed {
        if let earlier = first[f.key] {
          return fail(
            line, slice, f.column, "each key once per object ('\(f.key)' is also at column \(earlier))",
            "remove one of the two '\(f.key)' entries")
        }
        first[f.key] = f.column
      }
      var object: [(key: Int, range: Range<Int>)] = []
      for f in parsed {
        let k: Int
        if let known = keyIndex[f.key] {
          k = known
        } else {
          k = out.keys.count
          keyIndex[f.key] = k
          out.keys.append(f.key)
        }
        guard let value = f.value else { continue }  // null: an empty field
        object.append((k, out.arena.count..<(out.arena.count + value.count)))
        out.arena.append(contentsOf: value)
      }
      out.objects.append((line, object))
    }
    for (i, b) in bytes.enumerated() where b == UInt8(ascii: "\n") { handle(i) }
    if start < bytes.count { handle(bytes.count) }
    if !errors.isEmpty { throw DemandValidationError(issues: errors, unlistedErrors: 0) }
    return out
  }
}

/// One JSON object on one line: its top-level keys in order with their 1-based byte columns and
/// their values, or the column of the first syntax error (RFC 8259's grammar).
enum JSONObjectFields {
  struct Failure: Error {
    var column: Int
    var expected: String
  }

  /// A top-level field: the key (unescaped), its column, and its value's bytes (`nil` for `null`).
  struct Field {
    var key: String
    var column: Int
    var value: [UInt8]?
  }

  static func parse(_ line: ArraySlice<UInt8>) -> Result<[Field], Failure> {
    var parser = Parser(b: Array(line))
    do throws(Failure) {
      return .success(try parser.object())
    } catch {
      return .failure(error)
    }
  }

  private struct Parser {
    let b: [UInt8]
    var k = 0

    func fail(_ expected: String) -> Failure { Failure(column: min(k, b.count) + 1, expected: expected) }

    mutating func skipSpace() { while k < b.count, [32, 9, 13, 10].contains(b[k]) { k += 1 } }

    /// `{ "key": value, … }` and nothing after it.
    mutating func object() throws(Failure) -> [Field] {
      skipSpace()
      guard k < b.count, b[k] == UInt8(ascii: "{") else { throw fail("one JSON object ('{') on the line") }
      k += 1
      var fields: [Field] = []
      skipSpace()
      if k < b.count, b[k] == UInt8(ascii: "}") {
        k += 1
      } else {
        while true {
          skipSpace()
          let column = k + 1
          let key = String(decoding: try string(), as: UTF8.self)
          skipSpace()
          guard k < b.count, b[k] == UInt8(ascii: ":") else { throw fail("':' after a key") }
          k += 1
          skipSpace()
          fields.append(Field(key: key, column: column, value: try topValue()))
          skipSpace()
          guard k < b.count else { throw fail("',' or '}'") }
          if b[k] == UInt8(ascii: "}") {
            k += 1
            break
          }
          guard b[k] == UInt8(ascii: ",") else { throw fail("',' or '}'") }
          k += 1
        }
      }
      skipSpace()
      guard k == b.count else { throw fail("the end of the line after the object") }
      return fields
    }

    /// A top-level value's bytes: a string unescaped, a number or literal as written, an array
    /// or object as its JSON text; `nil` for `null`.
    mutating func topValue() throws(Failure) -> [UInt8]? {
      guard k < b.count else { throw fail("a value") }
      if b[k] == UInt8(ascii: "\"") { return try string() }
      let start = k
      try skipValue(depth: 1)
      let text = Array(b[start..<k])
      return text == Array("null".utf8) ? nil : text
    }

    /// A string in double quotes, unescaped to UTF-8.
    mutating func string() throws(Failure) -> [UInt8] {
      guard k < b.count, b[k] == UInt8(ascii: "\"") else { throw fail("a string in double quotes") }
      k += 1
      var out: [UInt8] = []
      while true {
        guard k < b.count else { throw fail("a closing double quote") }
        let c = b[k]
        if c == UInt8(ascii: "\"") {
          k += 1
          return out
        }
        guard c >= 0x20 else { throw fail("no control characters inside a string (write \\n, \\t)") }
        guard c == UInt8(ascii: "\\") else {
          out.append(c)
          k += 1
          continue
        }
        k += 1
        guard k < b.count else { throw fail("an escape after '\\'") }
        let e = b[k]
        k += 1
        switch e {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(e)
        case UInt8(ascii: "b"): out.append(8)
        case UInt8(ascii: "f"): out.append(12)
        case UInt8(ascii: "n"): out.append(10)
        case UInt8(ascii: "r"): out.append(13)
        case UInt8(ascii: "t"): out.append(9)
        case UInt8(ascii: "u"):
          var scalar = try hex4()
          if (0xD800..<0xDC00).contains(scalar) {
            // A surrogate pair: the low half must follow as \uDC00–\uDFFF.
            guard k + 1 < b.count, b[k] == UInt8(ascii: "\\"), b[k + 1] == UInt8(ascii: "u") else {
              throw fail("the low half of a surrogate pair (\\uDC00–\\uDFFF)")
            }
            k += 2
            let low = try hex4()
            guard (0xDC00..<0xE000).contains(low) else { throw fail("the low half of a surrogate pair (\\uDC00–\\uDFFF)") }
            scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
          }
          guard let u = Unicode.Scalar(scalar) else { throw fail("a Unicode scalar (not a lone surrogate)") }
          out.append(contentsOf: Array(String(Character(u)).utf8))
        default:
          k -= 2  // the column of the backslash
          throw fail("a JSON escape (\\\", \\\\, \\/, \\b, \\f, \\n, \\r, \\t or \\uXXXX)")
        }
      }
    }

    mutating func hex4() throws(Failure) -> UInt32 {
      guard k + 4 <= b.count, let v = UInt32(String(decoding: b[k..<(k + 4)], as: UTF8.self), radix: 16) else {
        throw fail("four hexadecimal digits after \\u")
      }
      k += 4
      return v
    }

    /// Any value, checked and skipped.
    mutating func skipValue(depth: Int) throws(Failure) {
      guard depth <= 64 else { throw fail("JSON nested at most 64 levels deep") }
      skipSpace()
      guard k < b.count else { throw fail("a value") }
      switch b[k] {
      case UInt8(ascii: "\""): _ = try string()
      case UInt8(ascii: "{"), UInt8(ascii: "["):
        let close = b[k] == UInt8(ascii: "{") ? UInt8(ascii: "}") : UInt8(ascii: "]")
        k += 1
        skipSpace()
        if k < b.count, b[k] == close {
          k += 1
          return
        }
        while true {
          if close == UInt8(ascii: "}") {
            skipSpace()
            _ = try string()
            skipSpace()
            guard k < b.count, b[k] == UInt8(ascii: ":") else { throw fail("':' after a key") }
            k += 1
          }
          try skipValue(depth: depth + 1)
          skipSpace()
          guard k < b.count else { throw fail("',' or a closing bracket") }
          if b[k] == close {
            k += 1
            return
          }
          guard b[k] == UInt8(ascii: ",") else { throw fail("',' or a closing bracket") }
          k += 1
        }
      default:
        let start = k
        while k < b.count, !([32, 9, 13, 10, UInt8(ascii: ","), UInt8(ascii: "}"), UInt8(ascii: "]")].contains(b[k])) { k += 1 }
        let token = b[start..<k]
        guard ["true", "false", "null"].contains(where: { token.elementsEqual($0.utf8) }) || Self.isNumber(token) else {
          k = start
          throw fail("a JSON value (a string in double quotes, a number, true, false or null)")
        }
      }
    }

    /// RFC 8259's number: `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`.
    static func isNumber(_ t: ArraySlice<UInt8>) -> Bool {
      var i = t.startIndex
      func digits() -> Int {
        let s = i
        while i < t.endIndex, (48...57).contains(t[i]) { i += 1 }
        return i - s
      }
      if i < t.endIndex, t[i] == UInt8(ascii: "-") { i += 1 }
      guard i < t.endIndex else { return false }
      if t[i] == UInt8(ascii: "0") {
        i += 1
      } else if digits() == 0 {
        return false
      }
      if i < t.endIndex, t[i] == UInt8(ascii: ".") {
        i += 1
        guard digits() > 0 else { return false }
      }
      if i < t.endIndex, t[i] == UInt8(ascii: "e") || t[i] == UInt8(ascii: "E") {
        i += 1
        if i < t.endIndex, t[i] == UInt8(ascii: "+") || t[i] == UInt8(ascii: "-") { i += 1 }
        guard digits() > 0 else { return false }
      }
      return i == t.endIndex
    }
  }
}
