import Foundation
import TokenPlanCore

/// What changed from run `a` (older) to run `b`: assumptions, the demand forecast (the total
/// and every series, per quarter) and the plan's totals (GPUs, MW, capex, cost per million
/// tokens), per quarter both runs cover.
public struct RunDiff: Sendable, Equatable {
  /// An assumption whose value or source changed, or that one run lacks.
  public struct AssumptionChange: Sendable, Equatable {
    public var key: String
    public var old: Double?
    public var new: Double?
    public var unit: String
    /// The newer run's source (the older's when the key was dropped).
    public var source: String
  }

  /// One quantity in one quarter in both runs.
  public struct Change: Sendable, Equatable {
    /// A series name, or a plan column (`gpus_required`, …).
    public var item: String
    public var quarter: Quarter
    public var old: Double
    public var new: Double
    /// `new / old − 1`, or `nil` when `old` is 0.
    public var relative: Double? { old != 0 ? new / old - 1 : nil }
  }

  public var assumptions: [AssumptionChange] = []
  /// The forecast's top node (level `total`) per quarter.
  public var forecastTotal: [Change] = []
  /// Every bottom series per quarter.
  public var forecastSeries: [Change] = []
  /// The plan's `total` rows.
  public var plan: [Change] = []

  /// The plan columns a budget review compares.
  public static let planColumns = ["gpus_required", "facility_power_mw", "capex", "cost_per_million_tokens"]

  public init(_ a: StoredRun, _ b: StoredRun) {
    let old = Dictionary(a.assumptions.map { ($0.key, $0) }, uniquingKeysWith: { x, _ in x })
    let new = Dictionary(b.assumptions.map { ($0.key, $0) }, uniquingKeysWith: { x, _ in x })
    for key in Set(old.keys).union(new.keys).sorted() {
      let (o, n) = (old[key], new[key])
      guard o?.value != n?.value || o?.source != n?.source || o?.unit != n?.unit else { continue }
      assumptions.append(
        AssumptionChange(key: key, old: o?.value, new: n?.value, unit: (n ?? o)!.unit, source: (n ?? o)!.source))
    }
    func pairs(_ x: [StoredRun.Forecast], _ y: [StoredRun.Forecast], where keep: (StoredRun.Forecast) -> Bool) -> [Change] {
      let before = Dictionary(x.filter(keep).map { ("\($0.series)|\($0.quarter)", $0) }, uniquingKeysWith: { p, _ in p })
      return y.filter(keep).compactMap { f in
        before["\(f.series)|\(f.quarter)"].map { Change(item: f.series, quarter: f.quarter, old: $0.mean, new: f.mean) }
      }.sorted { ($0.item, $0.quarter) < ($1.item, $1.quarter) }
    }
    forecastTotal = pairs(a.forecasts, b.forecasts) { $0.level == "total" }
    forecastSeries = pairs(a.forecasts, b.forecasts) { $0.level == "bottom" }
    func totals(_ r: StoredRun) -> [String: Double] {
      Dictionary(
        r.planValues.filter { $0.workload == "total" && Self.planColumns.contains($0.name) }.compactMap { v in
          v.value.map { ("\(v.name)|\(v.quarter)", $0) }
        }, uniquingKeysWith: { p, _ in p })
    }
    let (pa, pb) = (totals(a), totals(b))
    let quarters = Set(b.planValues.map(\.quarter)).intersection(a.planValues.map(\.quarter)).sorted()
    for name in Self.planColumns {
      for q in quarters {
        if let o = pa["\(name)|\(q)"], let n = pb["\(name)|\(q)"] { plan.append(Change(item: name, quarter: q, old: o, new: n)) }
      }
    }
  }
}

/// A stored run's forecasts scored against actuals that have arrived since: per series and
/// horizon (quarters after the run's as-of quarter), and pooled over horizons.
public struct ForecastScore: Sendable, Equatable {
  /// One forecast quarter against its actual.
  public struct Point: Sendable, Equatable {
    public var series: String
    public var level: String
    public var quarter: Quarter
    /// Quarters after the run's as-of quarter (1 = the next quarter).
    public var horizon: Int
    public var forecast: Double
    public var actual: Double
    /// |forecast − actual| over the series' in-sample quarterly naive MAE (`nil` without two
    /// actual quarters at or before the as-of quarter).
    public var scaledError: Double?
    public var in80: Bool?
    public var in95: Bool?
  }

  /// Scores pooled over a group of points: one series, or every series of a level
  /// (`all bottom series`).
  public struct Summary: Sendable, Equatable {
    public var series: String
    public var level: String
    /// A horizon, or `nil` for all horizons together.
    public var horizon: Int?
    public var count: Int
    /// Mean scaled error (MASE), over the points that have a scale.
    public var mase: Double?
    /// Mean of forecast / actual − 1 over the points whose actual is above 0 (a ratio to 0 is
    /// no bias); `nil` when there is none.
    public var bias: Double?
    public var coverage80: Double?
    public var coverage95: Double?
  }

  public var points: [Point] = []
  public var summaries: [Summary] = []

  /// Scores `run`'s forecasts against `actuals` (quarterly means of tokens per day, whole
  /// quarters only). The MASE scale of a series is the mean absolute change between its
  /// consecutive actual quarters up to the run's as-of quarter.
  public init(_ run: StoredRun, actuals: [StoredRun.Actual]) {
    var bySeries: [String: [Quarter: Double]] = [:]
    for a in actuals { bySeries[a.series, default: [:]][a.quarter] = a.tokensPerDay }
    var scale: [String: Double] = [:]
    for (series, values) in bySeries {
      let history = values.filter { $0.key <= run.asOf }.sorted { $0.key < $1.key }
      let steps = zip(history.dropFirst(), history).filter { $0.0.key == $0.1.key.adding(1) }.map { abs($0.0.value - $0.1.value) }
      if !steps.isEmpty, steps.reduce(0, +) > 0 { scale[series] = steps.reduce(0, +) / Double(steps.count) }
    }
    for f in run.forecasts where f.quarter > run.asOf {
      guard let actual = bySeries[f.series]?[f.quarter] else { continue }
      func inside(_ lo: Double?, _ hi: Double?) -> Bool? {
        guard let lo, let hi else { return nil }
        return actual >= lo && actual <= hi
      }
      points.append(
        Point(
          series: f.series, level: f.level, quarter: f.quarter, horizon: run.asOf.distance(to: f.quarter), forecast: f.mean,
          actual: actual, scaledError: scale[f.series].map { abs(f.mean - actual) / $0 }, in80: inside(f.p10, f.p90),
          in95: inside(f.lo95, f.hi95)))
    }
    points.sort { ($0.series, $0.quarter) < ($1.series, $1.quarter) }
    func add(_ ps: [Point], as series: String) {
      for h in Set(ps.map(\.horizon)).sorted() {
        var s = Self.summary(ps.filter { $0.horizon == h }, horizon: h)
        s.series = series
        summaries.append(s)
      }
      if Set(ps.map(\.horizon)).count > 1 {
        var s = Self.summary(ps, horizon: nil)
        s.series = series
        summaries.append(s)
      }
    }
    // Every series of a level pooled first (`all <level> series`), then each series.
    let levels = Dictionary(grouping: points) { $0.level }
    for level in levels.keys.sorted() where levels[level]!.map(\.series).uniqued().count > 1 {
      add(levels[level]!, as: "all \(level) series")
    }
    let groups = Dictionary(grouping: points) { $0.series }
    for series in groups.keys.sorted() { add(groups[series]!, as: series) }
  }

  static func summary(_ ps: [Point], horizon: Int?) -> Summary {
    func share(_ xs: [Bool?]) -> Double? {
      let known = xs.compactMap { $0 }
      return known.isEmpty ? nil : Double(known.filter { $0 }.count) / Double(known.count)
    }
    let scaled = ps.compactMap(\.scaledError)
    let ratios = ps.filter { $0.actual > 0 }.map { $0.forecast / $0.actual - 1 }
    return Summary(
      series: ps[0].series, level: ps[0].level, horizon: horizon, count: ps.count,
      mase: scaled.isEmpty ? nil : scaled.reduce(0, +) / Double(scaled.count),
      bias: ratios.isEmpty ? nil : ratios.reduce(0, +) / Double(ratios.count),
      coverage80: share(ps.map(\.in80)), coverage95: share(ps.map(\.in95)))
  }
}

extension Sequence where Element: Hashable {
  /// The distinct elements, in first-seen order.
  func uniqued() -> [Element] {
    var seen = Set<Element>()
    return filter { seen.insert($0).inserted }
  }
}
