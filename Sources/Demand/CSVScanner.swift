import TokenPlanCore

/// A byte-level RFC 4180 CSV scanner: records as ranges of bytes, with no string made per field.
///
/// Quoted fields may hold commas, doubled quotes and line breaks; they are unescaped in place
/// (the unescaped text is never longer than the quoted text), so every field is a contiguous
/// range of ``bytes``. Records end at LF, CRLF or CR. Blank lines are skipped (and only they).
/// Unquoted fields are trimmed of spaces and tabs.
///
/// This is the one CSV tokenizer in TokenPlan: ``CSVTable`` (small files, strings) and the demand
/// loader (millions of rows, numbers parsed straight from the bytes) both run on it.
public struct CSVScanner {
  /// The file's bytes (quoted fields unescaped in place as they are scanned).
  public private(set) var bytes: [UInt8]
  /// The file name used in errors.
  public let file: String

  /// One record: its first line and its fields' byte ranges.
  public struct Record {
    /// 1-based line on which the record starts.
    public var line = 0
    /// Byte ranges of the fields in ``CSVScanner/bytes``.
    public var fields: [Range<Int>] = []
  }

  /// A scanner over `bytes`; a UTF-8 byte-order mark is skipped.
  public init(bytes: [UInt8], file: String) {
    self.bytes = bytes
    self.file = file
  }

  /// Calls `body` for each non-blank record in order, reusing one ``Record``.
  /// - Throws: a ``LocatedError`` for an unclosed quote or text after a closing quote; whatever
  ///   `body` throws.
  public mutating func scan(_ body: (Record, UnsafeBufferPointer<UInt8>) throws -> Void) throws {
    let file = self.file
    try bytes.withUnsafeMutableBufferPointer { buf in
      let n = buf.count
      var i = buf.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
      var line = 1
      var record = Record()
      record.fields.reserveCapacity(16)
      let quote = UInt8(ascii: "\""), comma = UInt8(ascii: ","), lf = UInt8(ascii: "\n")
      let cr = UInt8(ascii: "\r"), space = UInt8(ascii: " "), tab = UInt8(ascii: "\t")
      while i < n {
        record.fields.removeAll(keepingCapacity: true)
        record.line = line
        var endOfRecord = false
        var quoted = false
        while !endOfRecord {
          // Skip leading blanks of the field.
          var start = i
          while start < n && (buf[start] == space || buf[start] == tab) { start += 1 }
          if start < n && buf[start] == quote {
            // Quoted field: unescape in place into [start+1, write).
            quoted = true
            let openLine = line
            var read = start + 1
            var write = start + 1
            var closed = false
            while read < n {
              let b = buf[read]
              if b == quote {
                if read + 1 < n && buf[read + 1] == quote {
                  buf[write] = quote
                  write += 1
                  read += 2
                  continue
                }
                closed = true
                read += 1
                break
              }
              if b == lf || (b == cr && !(read + 1 < n && buf[read + 1] == lf)) { line += 1 }
              buf[write] = b
              write += 1
              read += 1
            }
            guard closed else {
              throw LocatedError(
                file: file, line: openLine, column: record.fields.count + 1,
                expected: "a closing double quote",
                fix: "close the quoted field that opens on this line, or double any quote inside it")
            }
            record.fields.append((start + 1)..<write)
            while read < n && (buf[read] == space || buf[read] == tab) { read += 1 }
            if read >= n {
              i = read
              endOfRecord = true
            } else if buf[read] == comma {
              i = read + 1
            } else if buf[read] == lf || buf[read] == cr {
              i = read + (buf[read] == cr && read + 1 < n && buf[read + 1] == lf ? 2 : 1)
              line += 1
              endOfRecord = true
            } else {
              throw LocatedError(
                file: file, line: line, column: record.fields.count,
                found: String(decoding: buf[read..<Swift.min(n, read + 20)], as: UTF8.self),
                expected: "a comma or line end after a closing quote",
                fix: "put the whole field inside the quotes, and double quotes inside it")
            }
          } else {
            var j = start
            while j < n {
              let b = buf[j]
              if b == comma || b == lf || b == cr { break }
              j += 1
            }
            var end = j
            while end > start && (buf[end - 1] == space || buf[end - 1] == tab) { end -= 1 }
            record.fields.append(start..<end)
            if j >= n {
              i = j
              endOfRecord = true
            } else if buf[j] == comma {
              i = j + 1
              if i >= n {
                record.fields.append(i..<i)
                endOfRecord = true
              }
            } else {
              i = j + (buf[j] == cr && j + 1 < n && buf[j + 1] == lf ? 2 : 1)
              line += 1
              endOfRecord = true
            }
          }
        }
        // A blank line (one empty, unquoted field): skip it.
        if record.fields.count == 1 && record.fields[0].isEmpty && !quoted { continue }
        try body(record, UnsafeBufferPointer(buf))
      }
    }
  }
}

extension UnsafeBufferPointer where Element == UInt8 {
  /// The bytes of `range` as a string (invalid UTF-8 repaired with U+FFFD).
  @inlinable
  public func string(_ range: Range<Int>) -> String {
    String(decoding: UnsafeBufferPointer(rebasing: self[range]), as: UTF8.self)
  }
}
