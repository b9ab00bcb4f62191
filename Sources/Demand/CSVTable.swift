import Foundation

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
    var bytes = [UInt8](data)
    if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
    guard String(validating: bytes, as: UTF8.self) != nil else {
      let bad = CSVTable.firstInvalidUTF8Line(bytes)
      throw LocatedError(
        file: file, line: bad, expected: "UTF-8 text",
        fix: "re-save the file as UTF-8 (CSV UTF-8 in spreadsheet programs)")
    }
    var rows: [Record] = []
    var field: [UInt8] = []
    var fields: [String] = []
    var line = 1
    var recordLine = 1
    var inQuotes = false
    var quoteLine = 1
    var fieldWasQuoted = false
    var i = 0
    func endField() {
      var s = String(decoding: field, as: UTF8.self)
      if !fieldWasQuoted { s = s.trimmingCharacters(in: .whitespaces) }
      fields.append(s)
      field.removeAll(keepingCapacity: true)
      fieldWasQuoted = false
    }
    func endRecord() {
      endField()
      if !(fields.count == 1 && fields[0].isEmpty) {
        rows.append(Record(line: recordLine, fields: fields))
      }
      fields.removeAll(keepingCapacity: true)
    }
    while i < bytes.count {
      let b = bytes[i]
      if inQuotes {
        if b == UInt8(ascii: "\"") {
          if i + 1 < bytes.count && bytes[i + 1] == UInt8(ascii: "\"") {
            field.append(b)
            i += 1
          } else {
            inQuotes = false
          }
        } else {
          if b == UInt8(ascii: "\n") { line += 1 }
          field.append(b)
        }
      } else if b == UInt8(ascii: "\"") && field.allSatisfy({ $0 == UInt8(ascii: " ") }) {
        inQuotes = true
        fieldWasQuoted = true
        quoteLine = line
        field.removeAll(keepingCapacity: true)
      } else if b == UInt8(ascii: ",") {
        endField()
      } else if b == UInt8(ascii: "\n") || b == UInt8(ascii: "\r") {
        if b == UInt8(ascii: "\r") && i + 1 < bytes.count && bytes[i + 1] == UInt8(ascii: "\n") {
          i += 1
        }
        endRecord()
        line += 1
        recordLine = line
      } else {
        field.append(b)
      }
      i += 1
    }
    if inQuotes {
      throw LocatedError(
        file: file, line: quoteLine, expected: "a closing double quote",
        fix: "close the quoted field that opens on this line, or double any quote inside it")
    }
    if !field.isEmpty || !fields.isEmpty { endRecord() }
    guard let first = rows.first else {
      throw LocatedError(
        file: file, line: 1, expected: "a header line naming the columns",
        fix: "the file is empty; export it again with a header row")
    }
    header = first.fields
    for (k, name) in header.enumerated() where name.isEmpty {
      throw LocatedError(
        file: file, line: 1, column: k + 1, expected: "a column name",
        fix: "name every column in the header")
    }
    var seen: [String: Int] = [:]
    for (k, name) in header.enumerated() {
      if let earlier = seen[name] {
        throw LocatedError(
          file: file, line: 1, column: k + 1, found: name,
          expected: "a unique column name (column \(earlier + 1) has the same name)",
          fix: "rename one of the two columns")
      }
      seen[name] = k
    }
    records = Array(rows.dropFirst())
    for r in records where r.fields.count != header.count {
      throw LocatedError(
        file: file, line: r.line, column: min(r.fields.count, header.count) + 1,
        found: r.fields.joined(separator: ","),
        expected: "\(header.count) fields as in the header, not \(r.fields.count)",
        fix: r.fields.count > header.count
          ? "quote fields that contain commas, or remove the extra field"
          : "add the missing fields (leave them empty if unknown)")
    }
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
