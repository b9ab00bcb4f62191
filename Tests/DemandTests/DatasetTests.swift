import Demand
import Foundation
import TestSupport
import Testing
import TokenPlanCore

@Suite("Shipped datasets")
struct DatasetTests {
  /// Every data file under datasets/ (the NIST reference sets, event windows and the serving
  /// catalog's source extracts excepted: they are not demand).
  static var files: [String] {
    let root = packageRoot.appendingPathComponent("datasets")
    let walker = FileManager.default.enumerator(atPath: root.path)!
    return walker.compactMap { $0 as? String }.filter {
      ($0.hasSuffix(".csv") || $0.hasSuffix(".csv.gz") || $0.hasSuffix(".jsonl"))
        && !$0.hasPrefix("reference/") && !$0.hasPrefix("events/") && !$0.hasPrefix("catalog/")
    }.sorted()
  }

  @Test("every demand file loads, with only the documented warnings")
  func allLoad() throws {
    #expect(Self.files.count >= 3)
    for file in Self.files {
      let result = try DemandLoader.load(path: packageRoot.appendingPathComponent("datasets/\(file)").path)
      #expect(result.panel.series.count > 0, "\(file)")
      for w in result.warnings {
        // Documented: gaps between public disclosures; the synthetic outage day.
        let documented =
          w.detail.expected.hasPrefix("a value for every day")
          || (file.hasPrefix("synthetic/") && w.detail.found?.contains("on 2025-06-12") == true)
        #expect(documented, "\(file): \(w)")
      }
    }
  }

  @Test("the synthetic panel regenerates byte for byte from its seed")
  func synthReproduces() throws {
    let committed = try Gzip.decompress(
      [UInt8](Data(contentsOf: packageRoot.appendingPathComponent("datasets/synthetic/panel.csv.gz"))),
      file: "panel.csv.gz")
    let output = SyntheticDemand.generate(seed: 1)
    #expect(Array(output.csv.utf8) == committed)
    let truth = try String(
      contentsOf: packageRoot.appendingPathComponent("datasets/synthetic/truth.json"), encoding: .utf8)
    #expect(SyntheticDemand.truthJSON(output) == truth)
  }

  @Test("the synthetic panel: ≥ 200 series, ≥ 3 years, national total calibrated to the NDA")
  func synthCalibrated() throws {
    let result = try DemandLoader.load(
      path: packageRoot.appendingPathComponent("datasets/synthetic/panel.csv.gz").path)
    let p = result.panel
    let bottom = p.series.indices.filter { p.series[$0].measure == .tokens }
    #expect(bottom.count >= 200)
    #expect(p.dayCount >= 3 * 365)
    func national(_ date: String, window: Int = 15) -> Double {
      let d = p.day(of: CalendarDate(iso: date)!)
      var sum = 0.0
      for day in (d - window / 2)...(d + window / 2) {
        for s in bottom where p.observed[day + s * p.dayCount] { sum += p.values[day, s] }
      }
      return sum / Double(window)
    }
    // NDA: over 140 T/day in March 2026; 100 T at the end of 2025; 30 T at the end of June
    // 2025; about 0.1 T in early 2024. The synthetic total must be within ±35% of the first
    // three (weekly, holiday and noise effects move a 15-day mean by up to ~10%) and within a
    // factor of 3 of the early-2024 figure, whose date is itself approximate.
    let march2026 = national("2026-03-15")
    #expect(abs(march2026 / 140e12 - 1) < 0.35, "\(march2026)")
    #expect(abs(national("2025-12-24") / 100e12 - 1) < 0.35, "\(national("2025-12-24"))")
    #expect(abs(national("2025-06-30") / 30e12 - 1) < 0.35, "\(national("2025-06-30"))")
    let early2024 = national("2024-02-15")
    #expect(early2024 > 0.1e12 / 3 && early2024 < 0.1e12 * 3, "\(early2024)")
    // About 1000× over the two years to March 2026.
    let growth = march2026 / national("2024-03-15")
    #expect(growth > 300 && growth < 3000, "\(growth)")
  }
}
