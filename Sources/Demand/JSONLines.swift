import Foundation
import LinearAlgebra
import TokenPlanCore

// MARK: - JSON Lines

/// JSON Lines rendered into the CSV scanner's shape: one record per object, one field per key
/// (keys in order of first appearance; a missing key is an empty field).
enum JSONLinesTable {
  static func convert(_ bytes: [UInt8], file: String) throws -> ([String], CSVScanner) {
    var objects: [(line: Int, object: [String: Any])] = []
    var keys: [String] = []
    var seen: Set<String> = []
    var line = 1
    var startOfLine = 0
    var errors: [DemandIssue] = []
    func handle(_ range: Range<Int>, _ line: Int) {
      let slice = bytes[range]
      if slice.allSatisfy({ $0 == 32 || $0 == 9 || $0 == 13 }) { return }
      // The top level scanned first: the keys in order with their columns, a duplicate key
      // or a syntax error with its column (JSONSerialization reports neither).
      let scanned = JSONObjectKeys.scan(Array(slice))
      var problem: (column: Int, expected: String, fix: String)?
      switch scanned {
      case .failure(let e): problem = (e.column, e.expected, "write each record as {\"date\": \"2026-03-01\", \"tokens\": 123, …} on its own line")
      case .success(let keys):
        var first: [String: Int] = [:]
        for (k, column) in keys {
          if let earlier = first[k] {
            problem = (column, "each key once per object ('\(k)' is also at column \(earlier))", "remove one of the two '\(k)' entries")
            break
          }
          first[k] = column
        }
      }
      let object = problem == nil ? (try? JSONSerialization.jsonObject(with: Data(slice))) as? [String: Any] : nil
      guard let object, case .success(let keyColumns) = scanned else {
        let p = problem ?? (1, "one JSON object on the line", "write each record as {\"date\": \"2026-03-01\", \"tokens\": 123, …} on its own line")
        errors.append(
          DemandIssue(
            .error,
            LocatedError(
              file: file, line: line, column: p.column, found: String(decoding: slice.prefix(60), as: UTF8.self),
              expected: p.expected, fix: p.fix)))
        return
      }
      for k in keyColumns.map(\.key) where !seen.contains(k) {
        seen.insert(k)
        keys.append(k)
      }
      objects.append((line, object))
    }
    for (i, b) in bytes.enumerated() where b == UInt8(ascii: "\n") {
      handle(startOfLine..<i, line)
      line += 1
      startOfLine = i + 1
    }
    if startOfLine < bytes.count { handle(startOfLine..<bytes.count, line) }
    if !errors.isEmpty { throw DemandValidationError(issues: errors, unlistedErrors: 0) }
    // Render the records as CSV text (quoted fields), so the one tokenizer reads them.
    var csv = ""
    var lineOf: [Int] = []
    for (l, object) in objects {
      lineOf.append(l)
      csv += keys.map { k -> String in
        switch object[k] {
        case nil, is NSNull: return ""
        case let s as String: return quote(s)
        case let n as NSNumber: return quote("\(n.doubleValue)")
        default: return quote("\(object[k]!)")
        }
      }.joined(separator: ",") + "\n"
    }
    return (keys, JSONLinesScanner.make(csv: csv, lines: lineOf, file: file))
  }

  static func quote(_ s: String) -> String { "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }
}

/// The top-level keys of one JSON object, in order, with their 1-based byte columns; or the
/// column of the first syntax error. Values are checked for well-formedness and skipped.
enum JSONObjectKeys {
  struct Failure: Error {
    var column: Int
    var expected: String
  }

  static func scan(_ b: [UInt8]) -> Result<[(key: String, column: Int)], Failure> {
    var k = 0
    func fail(_ expected: String) -> Failure { Failure(column: min(k, b.count) + 1, expected: expected) }
    func skipSpace() { while k < b.count, [32, 9, 13, 10].contains(b[k]) { k += 1 } }
    func string() throws(Failure) -> String {
      guard k < b.count, b[k] == UInt8(ascii: "\"") else { throw fail("a string in double quotes") }
      let start = k + 1
      k += 1
      while k < b.count, b[k] != UInt8(ascii: "\"") {
        if b[k] == UInt8(ascii: "\\") { k += 1 }
        k += 1
      }
      guard k < b.count else { throw fail("a closing double quote") }
      k += 1
      return String(decoding: b[start..<(k - 1)], as: UTF8.self)
    }
    func value(_ depth: Int) throws(Failure) {
      guard depth < 64 else { throw fail("JSON nested at most 64 levels deep") }
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
          try value(depth + 1)
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
        let token = String(decoding: b[start..<k], as: UTF8.self)
        guard ["true", "false", "null"].contains(token) || Double(token) != nil else {
          k = start
          throw fail("a JSON value (a string in double quotes, a number, true, false or null)")
        }
      }
    }
    do throws(Failure) {
      skipSpace()
      guard k < b.count, b[k] == UInt8(ascii: "{") else { throw fail("one JSON object ('{') on the line") }
      k += 1
      var keys: [(key: String, column: Int)] = []
      skipSpace()
      if k < b.count, b[k] == UInt8(ascii: "}") {
        k += 1
      } else {
        while true {
          skipSpace()
          let column = k + 1
          keys.append((try string(), column))
          skipSpace()
          guard k < b.count, b[k] == UInt8(ascii: ":") else { throw fail("':' after a key") }
          k += 1
          try value(1)
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
      return .success(keys)
    } catch {
      return .failure(error)
    }
  }
}

/// Builds a scanner over rendered JSON Lines whose record lines are the original JSONL lines.
enum JSONLinesScanner {
  static func make(csv: String, lines: [Int], file: String) -> CSVScanner {
    var scanner = CSVScanner(bytes: Array(csv.utf8), file: file)
    scanner.lineMap = lines
    return scanner
  }
}
