import Documents
import Demand
import Foundation
import Report
import TokenPlanCore

/// `tokenplan data …`: validate, summarise and synthesise demand files.
public enum DataJob {
  /// The summary rows as a table for `--format table|csv|json` (JSON: `{"series": [...]}`).
  public static func summaryTable(_ panel: DemandPanel) -> ReportTable {
    var table = ReportTable(columns: [
      .init(key: "series"), .init(key: "measure"), .init(key: "source_period"), .init(key: "first"), .init(key: "last"),
      .init(key: "points", numeric: true), .init(key: "missing_days", numeric: true),
      .init(key: "last_tokens_per_day", numeric: true), .init(key: "growth_90d", numeric: true),
      .init(key: "growth_1y", numeric: true),
    ])
    for s in panel.summaries() {
      table.rows.append([
        .text(s.series.segments.joined(separator: "/")), .text(s.series.measure.rawValue),
        .init(s.sourcePeriod.rawValue), .init(s.first?.description), .init(s.last?.description),
        .init(s.points), .init(s.missingDays), .init(s.lastValue), .init(s.growth90d),
        .init(s.growth1y),
      ])
    }
    return table
  }

  /// `data synth`: the synthetic panel as CSV bytes (gzip-compressed when `path` ends in `.gz`),
  /// and the truth JSON.
  public static func synthesize(seed: UInt64, gzip: Bool) -> (data: Data, truth: String) {
    let output = SyntheticDemand.generate(seed: seed)
    let bytes = Array(output.csv.utf8)
    return (Data(gzip ? Gzip.compress(bytes) : bytes), SyntheticDemand.truthJSON(output))
  }

  /// Whether `data` is a synthetic panel (plain or gzip) or truth file this tool wrote: the
  /// only files `data synth --out/--truth` replace.
  public static func isSyntheticOutput(_ data: Data) -> Bool {
    var bytes = [UInt8](data.prefix(1 << 16))
    if bytes.starts(with: [0x1f, 0x8b]) {
      guard let inflated = try? Gzip.decompress([UInt8](data), file: "", limit: 1 << 16) else { return false }
      bytes = inflated
    }
    let text = String(decoding: bytes, as: UTF8.self)
    return text.hasPrefix(SyntheticDemand.header + "\n") || text.hasPrefix("{\n\"synthetic\": true,")
  }
}
