import Demand
import Forecasting
import Foundation
import LinearAlgebra
import Testing
import TestSupport
import TokenPlanCore

@Suite("Reconciliation")
struct ReconciliationTests {
  struct Reference {
    var s: Matrix
    var yHat: Matrix
    var residuals: Matrix
    var results: [String: Matrix]
  }

  static func reference() throws -> Reference {
    let url = packageRoot.appendingPathComponent("Tests/ForecastingTests/reference/reconciliation_reference.json")
    let json = try #require(JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
    func matrix(_ any: Any?) throws -> Matrix { Matrix(try #require(any as? [[Double]])) }
    var results: [String: Matrix] = [:]
    for (k, v) in try #require(json["results"] as? [String: Any]) { results[k] = try matrix(v) }
    return Reference(
      s: try matrix(json["S"]), yHat: try matrix(json["y_hat"]), residuals: try matrix(json["residuals"]),
      results: results)
  }

  /// Golden values from hierarchicalforecast 1.5.3 (`reference/reconciliation_reference.py`),
  /// same S, base forecasts and residuals. Both solve small well-conditioned systems (theirs
  /// with numpy's LU, ours with Cholesky), so they agree to ~1e-12; 1e-8 relative is asserted.
  @Test("every method agrees with hierarchicalforecast to 1e-8", arguments: ReconciliationMethod.allCases)
  func golden(_ method: ReconciliationMethod) throws {
    let r = try Self.reference()
    let expected = try #require(r.results[method.rawValue])
    let (got, notes) = try Reconciler(summing: r.s).reconcile(r.yHat, method: method, residuals: r.residuals)
    #expect(notes.isEmpty)
    for k in got.storage.indices {
      #expect(abs(got.storage[k] - expected.storage[k]) <= 1e-8 * abs(expected.storage[k]), "\(method) [\(k)]")
    }
  }

  @Test("reconciled forecasts are coherent: aggregates equal the sums of their parts to 1e-9")
  func coherence() throws {
    let r = try Self.reference()
    let reconciler = Reconciler(summing: r.s)
    for method in ReconciliationMethod.allCases {
      let (y, _) = try reconciler.reconcile(r.yHat, method: method, residuals: r.residuals)
      let na = reconciler.aggregates
      for h in 0..<y.columns {
        for a in 0..<na {
          var sum = 0.0
          for b in 0..<reconciler.bottom { sum += r.s[a, b] * y[na + b, h] }
          #expect(abs(y[a, h] - sum) <= 1e-9 * abs(sum), "\(method)")
        }
      }
    }
  }

  @Test("a singular covariance falls back with a ridge and says so; negatives are clipped")
  func singularAndNonnegative() throws {
    // Two bottom series and their total; residuals all zero → W = diag(2e-8): fine. A W with a
    // zero row comes from constant residuals under mint_shrink with the ridge removed: use a
    // hand-made singular case through the shrinkage of perfectly collinear residuals.
    let s = Matrix([[1, 1], [1, 0], [0, 1]])
    var e = Matrix(rows: 3, columns: 10)
    for k in 0..<10 {
      let v = Double(k % 3) - 1
      e[0, k] = 2 * v
      e[1, k] = v
      e[2, k] = v
    }
    let reconciler = Reconciler(summing: s)
    let (y, _) = try reconciler.reconcile(Matrix([[10], [4], [5]]), method: .mintShrink, residuals: e)
    #expect(abs(y[0, 0] - y[1, 0] - y[2, 0]) <= 1e-9 * abs(y[0, 0]))
    let (clipped, notes) = try reconciler.reconcile(
      Matrix([[1], [5], [-3]]), method: .ols, residuals: nil, nonnegative: true)
    #expect(clipped.storage.allSatisfy { $0 >= 0 })
    #expect(abs(clipped[0, 0] - clipped[1, 0] - clipped[2, 0]) < 1e-12)
    #expect(notes.contains { $0.contains("set to 0") })
  }
}

@Suite("Hierarchical forecasts")
struct HierarchicalForecastTests {
  /// A small synthetic-panel hierarchy: one industry's 15 tokens series (5 scenarios × 3
  /// modalities in one region), total + scenario + modality + bottom = 24 nodes.
  static func hierarchy(periods: ((Int) -> PeriodKind)? = nil) throws -> HierarchyInputs {
    let panel = Synthetic.shared.panel
    let keep = panel.series.indices.filter {
      panel.series[$0].segments[0] == "finance" && panel.series[$0].segments[3] == "east"
        && panel.series[$0].measure == .tokens
    }
    let sub = DemandPanel(
      dimensions: panel.dimensions, series: keep.map { panel.series[$0] }, start: panel.start,
      values: Matrix(columns: keep.map { panel.values.column($0) }),
      observed: keep.flatMap { s in (0..<panel.dayCount).map { panel.observed[$0 + s * panel.dayCount] } },
      sourcePeriods: keep.indices.map { periods?($0) ?? panel.sourcePeriods[keep[$0]] })
    return HierarchyInputs(sub, measure: .tokens, levels: [["scenario"], ["modality"]])
  }

  /// A node of monthly figures only is monthly figures (one observation per month when
  /// forecast); a node with a daily member is daily. The daily panel's nodes are all daily.
  @Test("aggregates of monthly series are monthly; mixed ones daily")
  func aggregatePeriods() throws {
    let daily = try Self.hierarchy()
    #expect(daily.inputs.allSatisfy { $0.period == .day })
    let monthly = try Self.hierarchy { _ in .month }
    #expect(monthly.inputs.count == 24)
    #expect(monthly.inputs.allSatisfy { $0.period == .month }, "\(monthly.inputs.map(\.period))")
    // Bottom series 0 daily, the rest monthly: the total and the aggregates holding series 0
    // are daily, every other node monthly.
    let mixed = try Self.hierarchy { $0 == 0 ? .day : .month }
    let aggregates = mixed.aggregation.rows
    for (r, input) in mixed.inputs.enumerated() {
      let holdsFirst = r < aggregates ? mixed.aggregation[r, 0] == 1 : r - aggregates == 0
      #expect(input.period == (holdsFirst ? .day : .month), "\(input.name): \(input.period)")
    }
    #expect(mixed.inputs[0].name == "total" && mixed.inputs[0].period == .day)
  }

  @Test("every reconciled path is coherent to 1e-9, for every method")
  func pathCoherence() async throws {
    let h = try Self.hierarchy()
    #expect(h.nodes.count == 24)  // 1 total + 5 scenarios + 3 modalities + 15 bottom
    // Aggregate inputs are the sums of their members on every day all are observed.
    let total = h.inputs[0]
    let bottomInputs = h.inputs.suffix(15)
    let middle = total.t.count / 2
    let day = total.t[middle]
    var sum = 0.0
    for b in bottomInputs { if let j = b.t.firstIndex(of: day) { sum += b.y[j] } }
    let difference = abs(total.y[middle] - sum)
    #expect(difference <= 1e-9 * sum)
    var options = ForecasterTests.fastOptions
    options.horizon = .quarters(2)
    options.candidates = [.growth(.exponential), .drift]
    let forecasts = await forecastAll(h.inputs, options)
    for method in ReconciliationMethod.allCases {
      let r = try HierarchicalForecast.reconcile(
        forecasts, hierarchy: h, method: method, granularity: .quarter, levels: [80])
      let na = h.summing.rows - h.summing.columns
      for k in 0..<r.paths[0].count {
        for p in 0..<r.paths[0][k].count {
          for a in 0..<na {
            var parts = 0.0
            for b in 0..<h.summing.columns where h.summing[a, b] != 0 { parts += r.paths[na + b][k][p] }
            #expect(abs(r.paths[a][k][p] - parts) <= 1e-9 * max(parts, 1), "\(method)")
          }
          for b in 0..<h.summing.columns { #expect(r.paths[na + b][k][p] >= 0) }
        }
      }
      // Means add up too (quantiles need not).
      let rows = r.rows.filter { $0.period == r.rows[0].period }
      let bottomMean = rows.filter { $0.level == .bottom }.map(\.mean).reduce(0, +)
      #expect(abs(rows[0].mean - bottomMean) <= 1e-9 * bottomMean)
      #expect(rows[0].level == .total)
    }
  }
}

extension ReconciliationTests {
  /// The λ from the O(n·T²) identity equals the pairwise Schäfer–Strimmer sums written out here.
  @Test("the fast shrinkage intensity equals the pairwise definition")
  func shrinkageIntensity() throws {
    let e = try Self.reference().residuals
    let (n, t) = (e.rows, e.columns)
    let tt = Double(t)
    var x = e
    for i in 0..<n {
      let mean = (0..<t).reduce(0) { $0 + e[i, $1] } / tt
      for k in 0..<t { x[i, k] = e[i, k] - mean }
      let sd = ((0..<t).reduce(0) { $0 + x[i, $1] * x[i, $1] } / tt).squareRoot() + 2e-8
      for k in 0..<t { x[i, k] /= sd }
    }
    var sumVar = 0.0
    var sumSquares = 0.0
    for i in 0..<n {
      for j in 0..<i {
        let w = (0..<t).map { x[i, $0] * x[j, $0] }
        let mean = w.reduce(0, +) / tt
        sumVar += w.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
        sumSquares += mean * mean
      }
    }
    let expected = min(max((sumVar / (tt * (tt - 1))) / (sumSquares + 2e-8), 0), 1)
    let (_, lambda) = Reconciler.shrunkCovariance(e, ridge: 2e-8)
    #expect(abs(lambda - expected) <= 1e-10 * max(expected, 1e-3), "\(lambda) vs \(expected)")
  }
}

@Suite("hierarchy inputs: a common last day")
struct CommonEndTests {
  /// Two daily series, one 10 days short: the forecast's nodes stop at the common last day,
  /// which a note states; the actuals' nodes (`commonEnd: false`) keep every day.
  @Test("series ending on different days are cut for the forecast and kept whole for actuals")
  func cut() throws {
    var rows = ["date,product,tokens"]
    for d in 0..<60 {
      let date = try #require(CalendarDate(iso: "2026-01-01")).adding(days: d)
      rows.append("\(date),chat,\(100 + d)")
      if d < 50 { rows.append("\(date),code,\(50 + d)") }
    }
    let panel = try DemandLoader.load(bytes: Array((rows.joined(separator: "\n") + "\n").utf8), file: "t.csv").panel
    let forecast = HierarchyInputs(panel)
    let actual = HierarchyInputs(panel, commonEnd: false)
    func last(_ h: HierarchyInputs, _ name: String) throws -> Double { try #require(h.inputs.first { $0.name == name }?.t.last) }
    let (cutLast, wholeLast) = (try last(forecast, "chat:tokens"), try last(actual, "chat:tokens"))
    #expect(cutLast == 49 && wholeLast == 59)
    #expect(forecast.end?.description == "2026-02-19" && actual.end?.description == "2026-03-01")
    #expect(forecast.notes.first?.contains("common last day, 2026-02-19; the 10 later days of 1 series are left out") == true, "\(forecast.notes)")
    #expect(actual.notes.isEmpty)
  }
}
