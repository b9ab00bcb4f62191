import Foundation
import LinearAlgebra
import TokenPlanCore

extension PanelBuilder {
  /// Days missing inside each series' span: reported (and kept, filled or refused by policy).
  mutating func checkGaps(_ panel: inout DemandPanel) throws {
    let n = panel.dayCount
    for s in panel.series.indices {
      var firstDay = -1
      var lastDay = -1
      for d in 0..<n where panel.observed[d + s * n] {
        if firstDay < 0 { firstDay = d }
        lastDay = d
      }
      guard firstDay >= 0 else { continue }
      var ranges: [(Int, Int)] = []
      var missing = 0
      var d = firstDay
      while d <= lastDay {
        if !panel.observed[d + s * n] {
          var e = d
          while e + 1 <= lastDay && !panel.observed[e + 1 + s * n] { e += 1 }
          ranges.append((d, e))
          missing += e - d + 1
          if options.gaps == .interpolate {
            let a = panel.values.storage[d - 1 + s * n]
            let b = panel.values.storage[e + 1 + s * n]
            for k in d...e {
              let w = Double(k - d + 1) / Double(e - d + 2)
              panel.values.storage[k + s * n] =
                a > 0 && b > 0 ? exp(log(a) * (1 - w) + log(b) * w) : a * (1 - w) + b * w
              panel.observed[k + s * n] = true
            }
          }
          d = e + 1
        } else {
          d += 1
        }
      }
      guard missing > 0 else { continue }
      let shown = ranges.prefix(3).map { r in
        r.0 == r.1
          ? panel.date(ofDay: r.0).description
          : "\(panel.date(ofDay: r.0))…\(panel.date(ofDay: r.1))"
      }.joined(separator: ", ")
      let detail = LocatedError(
        file: file,
        found: "\(panel.series[s].name): \(missing) of \(lastDay - firstDay + 1) days missing in "
          + "\(ranges.count) gap\(ranges.count == 1 ? "" : "s") (\(shown)\(ranges.count > 3 ? ", …" : ""))",
        expected: "a value for every day between a series' first and last observation",
        fix: options.gaps == .interpolate
          ? "filled log-linearly between neighbours (--gaps interpolate)"
          : options.gaps == .keep
            ? "kept as missing (--gaps keep); use --gaps interpolate to fill or --gaps error to refuse"
            : "supply the missing days, or use --gaps keep")
      if options.gaps == .error {
        errorCountForGaps += 1
        issues.append(DemandIssue(.error, detail))
      } else {
        warn(detail)
      }
    }
    if errorCountForGaps > 0 {
      errorCount += errorCountForGaps
      throw validationError()
    }
  }

  /// Suspicious points: log value against a centred rolling median of 9 observed days, scaled by
  /// 1.4826 × the series' median absolute deviation; |z| above the threshold and a factor of at
  /// least 1.5 from the local median are reported (never removed). The first and last 4
  /// observations of a series are not judged (their window is one-sided).
  mutating func checkOutliers(_ panel: DemandPanel) {
    let n = panel.dayCount
    var flagged: [(series: Int, day: Int, z: Double, ratio: Double)] = []
    for s in panel.series.indices {
      var days: [Int] = []
      var logs: [Double] = []
      for d in 0..<n where panel.observed[d + s * n] && panel.values.storage[d + s * n] > 0 {
        days.append(d)
        logs.append(log(panel.values.storage[d + s * n]))
      }
      guard logs.count >= 15 else { continue }
      let half = 4
      let width = 2 * half + 1
      var residuals = [Double](repeating: 0, count: logs.count)
      var window = [Double](repeating: 0, count: width)
      window.withUnsafeMutableBufferPointer { w in
        for i in logs.indices {
          let lo = Swift.max(0, Swift.min(i - half, logs.count - width))
          // Insertion sort of the 9 values: a handful of comparisons, no allocation.
          for k in 0..<width {
            let v = logs[lo + k]
            var j = k
            while j > 0 && w[j - 1] > v {
              w[j] = w[j - 1]
              j -= 1
            }
            w[j] = v
          }
          residuals[i] = logs[i] - w[half]
        }
      }
      let mad = median(residuals.map(abs))
      guard mad > 0 else { continue }
      // Only where the window is centred: a series' first and last days (a launch ramp, the
      // latest point) have neighbours on one side only.
      for i in half..<(logs.count - half) {
        let z = residuals[i] / (1.4826 * mad)
        if abs(z) > options.outlierZ && abs(residuals[i]) > log(1.5) {
          flagged.append((s, days[i], z, exp(residuals[i])))
        }
      }
    }
    // One warning per day: a day on which many series jump together is one event (an outage).
    let byDay = Dictionary(grouping: flagged, by: \.day)
    let days = byDay.keys.sorted()
    for day in days.prefix(20) {
      let group = byDay[day]!
      let date = panel.date(ofDay: day)
      let ratio = median(group.map(\.ratio))
      let names = group.prefix(3).map { panel.series[$0.series].name }.joined(separator: "; ")
      warn(
        LocatedError(
          file: file,
          found: group.count == 1
            ? "\(names) on \(date): \(String(format: "%.3g", ratio))× its local median (robust z \(String(format: "%.1f", group[0].z)))"
            : "\(group.count) series on \(date) at \(String(format: "%.3g", ratio))× their local medians (\(names)\(group.count > 3 ? "; …" : ""))",
          expected: "values near their neighbours",
          fix: "check the source; kept as is (an outage or a launch can be real)"))
    }
    if days.count > 20 {
      warn(
        LocatedError(
          file: file, found: "suspicious points on \(days.count - 20) more days",
          expected: "values near their neighbours", fix: "see the first ones above"))
    }
  }
}

extension PanelBuilder {
  /// A partial first or last period: a series of weekly, monthly or longer figures whose last
  /// (or first) period's daily level is under 0.8× what the series' own period-on-period growth
  /// predicts from its neighbour, and below it by more than 3 robust SDs of that growth (at
  /// least 2% each). An export made mid-month, labelled as the month's total, looks exactly like
  /// this; so does a real drop, so it is a warning with the fix, never a change. Needs 5 periods.
  mutating func checkPartialPeriods(_ panel: DemandPanel) {
    let n = panel.dayCount
    for s in panel.series.indices where panel.sourcePeriods[s] != .day {
      // The series' periods: runs of consecutive observed days at one value.
      var runs: [(start: Int, end: Int, level: Double)] = []
      for d in 0..<n where panel.observed[d + s * n] {
        let v = panel.values.storage[d + s * n]
        if let last = runs.last, last.end == d - 1, last.level == v {
          runs[runs.count - 1].end = d
        } else {
          runs.append((d, d, v))
        }
      }
      guard runs.count >= 5, runs.allSatisfy({ $0.level > 0 }) else { continue }
      let kind = panel.sourcePeriods[s].rawValue
      // Growth from period to period only where periods follow each other (disclosures are
      // months apart): the consecutive periods at each end, at least 5 of them.
      func adjacent(_ i: Int) -> Bool { runs[i].start == runs[i - 1].end + 1 }
      var tail = runs.count - 1
      while tail > 0 && adjacent(tail) { tail -= 1 }
      var head = 0
      while head + 1 < runs.count && adjacent(head + 1) { head += 1 }
      for (block, which) in [(Array(runs[tail...]), "last"), (Array(runs[...head]), "first")] where block.count >= 5 {
        checkEnd(block, which: which, series: s, kind: kind, panel)
      }
    }
  }

  /// The partial-period check of one end (`which`) of a block of consecutive periods: the end
  /// period against its neighbour carried by the block's median period-on-period log growth.
  private mutating func checkEnd(
    _ runs: [(start: Int, end: Int, level: Double)], which: String, series s: Int, kind: String, _ panel: DemandPanel
  ) {
    let logs = runs.map { log($0.level) }
    let k = logs.count
    let growth = (1..<k).map { logs[$0] - logs[$0 - 1] }
    let (at, from, steps) = which == "last" ? (k - 1, k - 2, Array(growth.dropLast())) : (0, 1, Array(growth.dropFirst()))
    let med = median(steps)
    let sd = Swift.max(1.4826 * median(steps.map { abs($0 - med) }), 0.02)
    let gap = logs[at] - (logs[from] + (at > from ? med : -med))
    guard exp(gap) < 0.8, gap / sd < -3 else { return }
    let run = runs[at]
    let range = "\(panel.date(ofDay: run.start))…\(panel.date(ofDay: run.end))"
    warn(
      LocatedError(
        file: file,
        found: "\(panel.series[s].name): its \(which) \(kind) (\(range)) at \(String(format: "%.2f", exp(gap)))× the level its \(kind)-on-\(kind) growth predicts",
        expected: "whole periods (a partial one reads as a drop in demand and moves the forecast)",
        fix: which == "last"
          ? "if the export ended mid-\(kind), give --complete-through with its last complete day to leave that \(kind) out (or drop its row); if the drop is real, keep it"
          : "if the data starts mid-\(kind), drop that row; if the level is real, keep it"))
  }
}
