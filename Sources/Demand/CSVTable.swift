import Foundation
import TokenPlanCore

/// A CSV file read into fields with their line numbers (RFC 4180: quoted fields may hold commas,
/// doubled quotes and line breaks; CRLF or LF line ends; a UTF-8 byte-order mark is skipped).
///
/// Reading never drops a record: blank lines are the only lines skipped, and a record whose
/// field count differs from the header's is an error naming its line.
public struct CSVTable: Sendable {
  /// One data record and the line it starts on (1-based, counting the header as line 1).
  public struct Record: Sendable {
    public var line: Int
    public var fields: [String]
  }
  /// The file name used in errors.
  public let file: String
  /// Header fields, trimmed of surrounding spaces.
  public let header: [String]
  /// Data records in file order.
  public let records: [Record]

  /// Reads a file (`-` reads standard input).
  public init(contentsOf path: String) throws {
    let data: Data
    let name = path == "-" ? "<stdin>" : path
    if path == "-" {
      data = FileHandle.standardInput.readDataToEndOfFile()
    } else {
      guard FileManager.default.fileExists(atPath: path) else {
        throw LocatedError(
          file: path, expected: "a readable CSV file", fix: "check the path; no file is there")
      }
      do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
        throw LocatedError(
          file: path, expected: "a readable CSV file",
          fix: "check permissions (\(error.localizedDescription))")
      }
    }
    try self.init(data: data, file: name)
  }

  /// Parses CSV bytes.
  public init(data: Data, file: String) throws {
    self.file = file
    let bytes = [UInt8](data)
    guard String(validating: bytes, as: UTF8.self) != nil else {
      throw LocatedError(
        file: file, line: CSVTable.firstInvalidUTF8Line(bytes), expected: "UTF-8 text",
        fix: "re-save the file as UTF-8 (CSV UTF-8 in spreadsheet programs)")
    }
    var rows: [Record] = []
    var scanner = CSVScanner(bytes: bytes, file: file)
    try scanner.scan { record, buf in
      rows.append(Record(line: record.line, fields: record.fields.map { buf.string($0) }))
    }
    guard let first = rows.first else {
      throw LocatedError(
        file: file, line: 1, expected: "a header line naming the columns",
        fix: "the file is empty; export it again with a header row")
    }
    header = first.fields
    try CSVTable.checkHeader(header, file: file)
    records = Array(rows.dropFirst())
    for r in records where r.fields.count != header.count {
      throw CSVTable.fieldCountError(file: file, line: r.line, found: r.fields, header: header)
    }
  }

  /// Rejects empty and duplicate column names.
  static func checkHeader(_ header: [String], file: String) throws {
    var seen: [String: Int] = [:]
    for (k, name) in header.enumerated() {
      if name.isEmpty {
        throw LocatedError(
          file: file, line: 1, column: k + 1, expected: "a column name",
          fix: "name every column in the header")
      }
      if let earlier = seen[name] {
        throw LocatedError(
          file: file, line: 1, column: k + 1, found: name,
          expected: "a unique column name (column \(earlier + 1) has the same name)",
          fix: "rename one of the two columns")
      }
      seen[name] = k
    }
  }

  /// The error for a record whose field count differs from the header's.
  static func fieldCountError(file: String, line: Int, found fields: [String], header: [String])
    -> LocatedError
  {
    LocatedError(
      file: file, line: line, column: Swift.min(fields.count, header.count) + 1,
      found: fields.joined(separator: ","),
      expected: "\(header.count) fields as in the header, not \(fields.count)",
      fix: fields.count > header.count
        ? "quote fields that contain commas, or remove the extra field"
        : "add the missing fields (leave them empty if unknown)")
  }

  /// The index of a column, or a located error listing the columns there are.
  public func column(named name: String, flag: String) throws -> Int {
    guard let k = header.firstIndex(of: name) else {
      throw LocatedError(
        file: file, line: 1, expected: "a column named '\(name)'",
        fix: "the header has \(header.joined(separator: ", ")); pass \(flag) with one of them")
    }
    return k
  }

  static func firstInvalidUTF8Line(_ bytes: [UInt8]) -> Int {
    var line = 1
    var start = 0
    for (i, b) in bytes.enumerated() where b == UInt8(ascii: "\n") {
      if String(validating: bytes[start..<i], as: UTF8.self) == nil { return line }
      line += 1
      start = i + 1
    }
    return line
  }
}
