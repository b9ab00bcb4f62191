import Foundation
import LinearAlgebra
import TokenPlanCore

/// What to do with days missing inside a series' observed span.
public enum GapPolicy: String, Sendable, CaseIterable {
  /// Leave them missing (masked) and warn.
  case keep
  /// Fill them log-linearly between the neighbouring observations, and warn.
  case interpolate
  /// Refuse the file.
  case error
}

/// How ``DemandLoader`` reads and checks a file.
public struct DemandLoadOptions: Sendable {
  /// The date column (default `date`).
  public var dateColumn = "date"
  /// Days missing inside a series' span.
  public var gaps: GapPolicy = .keep
  /// Robust z-score (log space, against a rolling median, scaled by the MAD) above which a point
  /// is reported as a suspicious outlier. Outliers are reported, never removed.
  public var outlierZ = 8.0
  /// Whether to run the outlier check.
  public var checkOutliers = true
  /// At most this many errors are listed (all are counted).
  public var maxListedErrors = 50
  /// The last day the data is complete through (`--complete-through`): rows of periods that end
  /// after it (a month exported mid-month) are left out, with a warning naming them.
  public var completeThrough: CalendarDate?
  /// The period of rows without a `period` column or value (`--period`; default a day).
  public var period: PeriodKind?
  /// The basis of rows without a `basis` column or value (`--basis`).
  public var basis: Basis?
  /// A thousands separator accepted inside values (`--thousands-separator ,`: `"1,234,567"`).
  public var thousandsSeparator: UInt8?
  /// The column naming what each row's value counts (`--metric-column`; default `metric`).
  public var metricColumn: String?
  /// Values of the metric column read as a measure (`--metric prompt=input_tokens`), keyed by
  /// the value lower-cased; the measure names themselves are always read.
  public var metrics: [String: Measure] = [:]
  /// The SQL whose result is the data when the source is a database (`--query`,
  /// `demand_data.query`); the pipeline runs it and loads its result as CSV.
  public var query: String?
  public init() {}
}

/// A loaded panel and the warnings found on the way.
public struct DemandLoadResult: Sendable {
  public var panel: DemandPanel
  public var warnings: [DemandIssue]
}

/// Reads token demand — tidy CSV, wide CSV or JSON Lines, optionally gzip-compressed, from a file
/// or standard input — into a ``DemandPanel``, or fails naming every problem.
///
/// **Tidy (long) CSV**: a `date` column; segment columns (any column not otherwise known, e.g.
/// `industry`, `region`, `entity`); one or more measure columns `tokens`, `input_tokens`,
/// `output_tokens`; or instead a `metric` column naming the measure and a `value` column.
/// **Wide CSV**: a `date` column and one column per series (no measure or metric column).
/// **JSON Lines**: one object per line with the same keys.
///
/// Units: a header suffix (`tokens_T`, `value_B`) or a `unit` column (`tokens`, `K`, `M`, `B`,
/// `T`, `Q`). Periods: an optional `period` column (`day`, `week`, `month`, `quarter`, `year`;
/// default `day`) with a `basis` column (`total` over the period, or `per_day` average) when
/// the period is longer than a day. The date is the period's first day (a month, quarter or year
/// must start on its first calendar day; `2025-04`, `2025Q2` and `2025` are accepted as labels).
/// A period's value becomes tokens per day on each of its days, counting the period's actual
/// days. Columns `source`, `url`, `note`, `notes`, `comment` are carried as metadata, not segments.
public enum DemandLoader {
  static let metadataColumns: Set<String> = ["source", "url", "note", "notes", "comment"]

  /// Loads a file (`-` for standard input). `.jsonl`/`.ndjson` (optionally `.gz`) are JSON Lines,
  /// and so is any input not named `.csv` whose first character is `{`; anything else is CSV;
  /// gzip is detected by its magic bytes.
  ///
  ///     let result = try DemandLoader.load(path: "datasets/synthetic/panel.csv.gz")
  ///     print(result.panel.series.count, result.warnings.count)
  ///
  /// - Parameters:
  ///   - path: the file, or `-`.
  ///   - options: the date column, the gap policy and the outlier check.
  /// - Returns: the panel (days × series with a mask) and the warnings.
  /// - Throws: ``DemandValidationError`` listing every bad row with its line and column, or a
  ///   `LocatedError` for a file that cannot be read or a panel too large for memory.
  /// - Complexity: O(rows) to read; O(days × series) memory for the panel, sized before it is
  ///   allocated.
  public static func load(path: String, options: DemandLoadOptions = .init()) throws
    -> DemandLoadResult
  {
    let name = path == "-" ? "<stdin>" : path
    var bytes: [UInt8]
    if path == "-" {
      bytes = [UInt8](FileHandle.standardInput.readDataToEndOfFile())
    } else {
      bytes = try FileBytes.read(path, expected: "a readable data file")
    }
    if Gzip.isCompressed(bytes) {
      // Bounded by what the panel could hold: a quarter of the memory this process may use
      // (a 2 MB file can inflate to gigabytes).
      let memory = MemoryBudget.limit
      let maxBytes = Int(memory.bytes / 4)
      bytes = try Gzip.decompress(bytes, file: name, maxBytes: maxBytes) { _ in
        LocatedError(
          file: name,
          expected: String(
            format: "compressed data that inflate to at most %.2f GB (a quarter of the %.1f GB of %@)", Double(maxBytes) / 1e9,
            memory.bytes / 1e9, memory.source),
          fix: "the file inflates past that; check it is the export you meant (a compression bomb is refused), or split it by series or date")
      }
    }
    try refuseParquet(bytes, file: name)
    var base = path.lowercased()
    if base.hasSuffix(".gz") { base.removeLast(3) }
    // JSON Lines by name, or by content when the name does not say CSV (stdin, no extension):
    // a first non-blank byte '{' is no CSV header.
    let firstByte = bytes.first { ![32, 9, 13, 10, 0xEF, 0xBB, 0xBF].contains($0) }
    let jsonLines = base.hasSuffix(".jsonl") || base.hasSuffix(".ndjson")
      || (!base.hasSuffix(".csv") && firstByte == UInt8(ascii: "{"))
    return try load(bytes: consume bytes, file: name, jsonLines: jsonLines, options: options)
  }

  /// Loads bytes already in memory.
  public static func load(
    bytes: consuming [UInt8], file: String, jsonLines: Bool = false,
    options: DemandLoadOptions = .init()
  ) throws -> DemandLoadResult {
    var builder = PanelBuilder(file: file, options: options, csv: !jsonLines)
    guard isValidUTF8(bytes) else {
      throw LocatedError(
        file: file, line: CSVTable.firstInvalidUTF8Line(bytes), expected: "UTF-8 text",
        fix: jsonLines ? "re-save the file as UTF-8 (JSON text is UTF-8)" : "re-save the file as UTF-8 (CSV UTF-8 in spreadsheet programs)")
    }
    if jsonLines {
      try JSONLinesTable.load(bytes, file: file, into: &builder)
    } else {
      // The scanner takes the bytes over and is dropped after the scan, so the file's memory
      // is freed before the panel is assembled.
      var headerDone = false
      do {
        var scanner = CSVScanner(bytes: consume bytes, file: file)
        try scanner.scan { record, buf in
          if !headerDone {
            headerDone = true
            try builder.setHeader(record.fields.map { buf.string($0) })
          } else {
            try builder.addRow(record, buf)
          }
        }
      }
      if !headerDone {
        throw LocatedError(
          file: file, line: 1, expected: "a header line naming the columns",
          fix: "the file is empty; export it again with a header row")
      }
    }
    return try builder.finish()
  }

  /// The conversion to CSV a refused Parquet file is told of (pyarrow, Apache Arrow's maintained
  /// Python package: `pip install pyarrow`). No Parquet reader builds here (none among Debian
  /// 12's packages or the offline Swift packages), and a hand-written decoder is not kept.
  public static func parquetConversion(_ file: String) -> String {
    let stem = file.hasSuffix(".parquet") ? String(file.dropLast(".parquet".count)) : file
    return "python3 -c \"import pyarrow.parquet as pq, pyarrow.csv as pc; pc.write_csv(pq.read_table('\(file)'), '\(stem).csv')\""
  }

  /// A Parquet file (its `PAR1` magic at both ends) is refused with the one-line conversion.
  static func refuseParquet(_ bytes: [UInt8], file: String) throws {
    let magic = Array("PAR1".utf8)
    guard bytes.count >= 8, Array(bytes.prefix(4)) == magic, Array(bytes.suffix(4)) == magic else { return }
    throw LocatedError(
      file: file, expected: "CSV or JSON Lines (this is a Parquet file, which TokenPlan does not read)",
      fix: "convert it to CSV with pyarrow (pip install pyarrow): " + parquetConversion(file))
  }

  /// UTF-8 validity without copying: an all-ASCII buffer (the common case) is checked by one
  /// vectorisable pass; anything else by the standard library's validating decoder.
  static func isValidUTF8(_ bytes: [UInt8]) -> Bool {
    let highBits = bytes.withUnsafeBufferPointer { b -> UInt8 in
      var acc: UInt8 = 0
      for x in b { acc |= x }
      return acc & 0x80
    }
    return highBits == 0 || String(validating: bytes, as: UTF8.self) != nil
  }
}
