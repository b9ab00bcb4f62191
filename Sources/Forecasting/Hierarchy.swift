import Demand
import Foundation
import LinearAlgebra
import TokenPlanCore

/// A panel's hierarchy as forecast inputs: one input per node (total, levels, bottom), the
/// aggregates' rows of the summing matrix and the node labels.
public struct HierarchyInputs: Sendable {
  public var nodes: [HierarchyNode]
  /// The aggregates' rows of the summing matrix (`nₐ × n_b`): the nodes are the `nₐ` aggregates
  /// (total first) and then the `n_b` bottom series, whose rows are the identity.
  public var aggregation: Matrix
  public var inputs: [ForecastInput]
  /// The last day every node is observed through: the data's last day, or the bottom series'
  /// common last day when they end on different days (``init(_:measure:levels:)``).
  public var end: CalendarDate?
  /// What was left out to reach a common last day, as a sentence for the run's notes.
  public var notes: [String] = []

  /// How far before the latest end a bottom series may end and still be cut to: a quarter's
  /// days. A series ending earlier is taken to have ended (it counts as zero in its aggregates
  /// after its end, and the hierarchy cannot be reconciled until its rows are removed).
  public static let commonEndReachDays = 92

  /// The whole summing matrix (`n × n_b`, dense: for small hierarchies and tests).
  public var summing: Matrix { Reconciler.summing(aggregation: aggregation) }

  /// No nodes: the hierarchy of a forecast given as a file (`run --demand`), which has none.
  public static let none = HierarchyInputs(nodes: [], aggregation: Matrix(rows: 0, columns: 0), inputs: [])

  init(nodes: [HierarchyNode], aggregation: Matrix, inputs: [ForecastInput]) {
    self.nodes = nodes
    self.aggregation = aggregation
    self.inputs = inputs
  }

  /// Builds every node's daily series from the bottom series of one measure. A node's day is
  /// observed when each member is observed that day or has not yet started (or has ended): a
  /// segment before its launch counts as zero, a gap inside a segment's span makes the
  /// aggregate's day missing. A node whose members all come from one kind of period (monthly
  /// figures, say) is that kind too, so its forecast models one observation per period as the
  /// bottom series' do. Time O(days × Σ members), no `n × n_b` matrix.
  ///
  /// Bottom series that end on different days within ``commonEndReachDays`` of the latest (a
  /// month missing from one product's export) are cut to their common last day, so every node
  /// forecasts the same periods; ``notes`` says what was left out.
  ///
  /// With `commonEnd` false every series keeps its own days (for actuals, which are not
  /// forecast). `quarters`: the quarters each input's days are summed to (a plan's fiscal
  /// quarters).
  public init(
    _ panel: DemandPanel, measure: Measure = .tokens, levels: [[String]]? = nil, commonEnd: Bool = true,
    quarters: QuarterCalendar = .calendar
  ) {
    let (nodes, members, bottom) = panel.hierarchyMembers(measure: measure, levels: levels)
    let n = panel.dayCount
    var spans: [(Int, Int)] = []
    for b in bottom {
      var first = -1
      var last = -1
      for d in 0..<n where panel.observed[d + b * n] {
        if first < 0 { first = d }
        last = d
      }
      spans.append((first, last))
    }
    // The common last day: the earliest end among the series that end within reach of the latest.
    let latest = spans.map(\.1).max() ?? n - 1
    let lagging = spans.indices.filter { spans[$0].1 >= 0 && spans[$0].1 < latest && latest - spans[$0].1 <= Self.commonEndReachDays }
    let cut = commonEnd ? lagging.map { spans[$0].1 }.min() ?? latest : latest
    var notes: [String] = []
    if cut < latest {
      let first = lagging.min { (spans[$0].1, nodes[nodes.count - bottom.count + $0].key) < (spans[$1].1, nodes[nodes.count - bottom.count + $1].key) }!
      let later = spans.indices.filter { spans[$0].1 > cut }.count
      notes.append(
        "the series end on different days (\(nodes[nodes.count - bottom.count + first].key) on \(panel.date(ofDay: cut)), the latest on \(panel.date(ofDay: latest))): "
          + "the hierarchy is forecast from their common last day, \(panel.date(ofDay: cut)); the \(latest - cut) later days of \(later) series are left out")
    }
    var inputs: [ForecastInput] = []
    for (r, node) in nodes.enumerated() {
      var t: [Double] = []
      var y: [Double] = []
      for d in 0..<(min(cut, n - 1) + 1) {
        var sum = 0.0
        var ok = true
        var any = false
        for c in members[r] {
          let b = bottom[c]
          if panel.observed[d + b * n] {
            sum += panel.values.storage[d + b * n]
            any = true
          } else if d >= spans[c].0 && d <= spans[c].1 {
            ok = false
            break
          }
        }
        if ok && any {
          t.append(Double(d))
          y.append(sum)
        }
      }
      let name: String
      switch node.level {
      case .bottom: name = node.key
      case .total: name = "total"
      case .aggregate: name = "\(node.level)=\(node.key)"
      }
      // The members' source period when they share one (a sum of monthly figures is constant
      // within each month, so it is monthly figures too); daily otherwise.
      let periods = Set(members[r].map { panel.sourcePeriods[bottom[$0]] })
      let period = periods.count == 1 ? periods.first! : .day
      var input = ForecastInput(name: name, t: t, y: y, origin: panel.start, period: period)
      input.quarters = quarters
      inputs.append(input)
    }
    let aggregates = nodes.count - bottom.count
    var aggregation = Matrix(rows: aggregates, columns: bottom.count)
    for r in 0..<aggregates { for c in members[r] { aggregation[r, c] = 1 } }
    self.nodes = nodes
    self.aggregation = aggregation
    self.inputs = inputs
    self.end = n > 0 ? panel.date(ofDay: min(cut, n - 1)) : nil
    self.notes = notes
  }
}

/// Coherent forecasts of a hierarchy: every node forecast on its own, then reconciled path by
/// path at the output granularity (reconciliation is linear, so reconciling quarterly values
/// equals reconciling daily paths and summing them), so every path — and every quantile table
/// built from them — adds up.
public enum HierarchicalForecast {
  /// Reconciled rows with their `level`, notes (ridge fallbacks, clipped negatives, the residual
  /// window) and the reconciled values (node → period → path).
  public struct Result: Sendable {
    public var rows: [ForecastRow]
    public var notes: [String]
    public var paths: [[[Double]]]
    public init(rows: [ForecastRow], notes: [String] = [], paths: [[[Double]]] = []) {
      self.rows = rows
      self.notes = notes
      self.paths = paths
    }
  }

  /// Makes the hierarchy's forecasts coherent, period by period and path by path.
  ///
  /// The residual-based methods estimate `W = F·Fᵀ + diag(d)` from the nodes' in-sample
  /// residuals; each path is reconciled in constraint form (only the aggregates' `nₐ × nₐ`
  /// system is factored), negative bottom values are clipped and the aggregates re-summed.
  ///
  /// - Parameters:
  ///   - forecasts: one forecast per node, in `nodes` order, all summed to the same periods
  ///     with the same number of paths (``SeriesForecast/summed(to:)``).
  ///   - nodes: the hierarchy's nodes: the aggregates, then the bottom series.
  ///   - aggregation: the aggregates' rows of the summing matrix (``HierarchyInputs/aggregation``).
  ///   - method: bottom-up or a MinT variant; `nil` reports the nodes' own (base) forecasts,
  ///     for comparison.
  ///   - levels: interval levels in percent for the rows' `lo_N`/`hi_N`.
  /// - Returns: the reconciled rows (every node, every period), notes, and the reconciled paths.
  /// - Throws: ``ReconciliationError`` when the forecasts do not match the hierarchy.
  /// - Complexity: O(paths × periods × (n · T + nₐ³)) for `n` nodes, `nₐ` aggregates and `T`
  ///   residual days; never O(n²) memory.
  public static func reconcile(
    _ forecasts: [PeriodForecast], nodes: [HierarchyNode], aggregation: Matrix, method: ReconciliationMethod?,
    levels: [Int]
  ) throws -> Result {
    let n = nodes.count
    precondition(n == aggregation.rows + aggregation.columns, "nodes are the aggregates and the bottom series")
    guard forecasts.count == n else {
      throw ReconciliationError(
        description: "\(n - forecasts.count) node(s) of the hierarchy could not be forecast; reconciliation needs every node")
    }
    let periodsOfFirst = forecasts.first.map { $0.periods.map(\.period) } ?? []
    if let odd = forecasts.first(where: { $0.periods.map(\.period) != periodsOfFirst || $0.pathCount != forecasts[0].pathCount }) {
      func start(_ f: PeriodForecast) -> String { f.periods.first.map { "\($0.period)" } ?? "nothing" }
      throw ReconciliationError(
        description: "\(odd.input.name)'s data end more than \(HierarchyInputs.commonEndReachDays) days before "
          + "\(forecasts[0].input.name)'s, so its forecast starts at \(start(odd)) and \(forecasts[0].input.name)'s at "
          + "\(start(forecasts[0])): a series that stopped reporting counts as ended; remove its rows to reconcile the "
          + "rest, or give --complete-through (complete_through: under demand_data in a plan) with its last day to cut every series there")
    }
    // One BLAS thread: OpenBLAS splits a product's sums by thread, so its last bits depend on
    // the thread count; with one, the same forecasts reconcile to the same bytes on any machine
    // and in any process (a merge of shards runs no forecast that would have set it).
    BLAS.setThreadCount(1)
    var notes: [String] = []
    var residuals: Matrix?
    if let method, method.needsResiduals {
      // In-sample residuals on the original scale over the last days (or periods, for nodes of
      // monthly or weekly figures) every node observed.
      var common = Set(forecasts[0].input.t)
      for f in forecasts.dropFirst() { common.formIntersection(f.input.t) }
      let days = common.sorted().suffix(180)
      guard days.count >= 3 else {
        throw ReconciliationError(description: "fewer than 3 days observed by every node: no residuals for \(method.rawValue)")
      }
      var e = Matrix(rows: n, columns: days.count)
      for (i, f) in forecasts.enumerated() {
        let index = Dictionary(uniqueKeysWithValues: f.input.t.enumerated().map { ($1, $0) })
        for (k, d) in days.enumerated() {
          let j = index[d]!
          e[i, k] = f.input.y[j] - f.fittedHistory[j]
        }
      }
      residuals = e
      let unit = forecasts[0].input.period == .day ? "days" : "\(forecasts[0].input.period.rawValue)s"
      notes.append("\(method.rawValue): in-sample residuals of the last \(days.count) \(unit) every node observed")
    }
    let reconciler = Reconciler(aggregation: aggregation)
    // The weights and the factored system depend on the residuals only: prepared once for
    // every period.
    let prepared = try method.map { try reconciler.prepare($0, residuals: residuals) }
    let perNode = forecasts.map(\.periods)
    let periods = perNode[0].count
    let pathCount = forecasts[0].pathCount
    var rows: [ForecastRow] = []
    var reconciledValues = [[[Double]]](repeating: [], count: n)  // node → period → paths
    var clipped = 0
    for k in 0..<periods {
      var yHat = Matrix(rows: n, columns: pathCount)
      for i in 0..<n { for p in 0..<pathCount { yHat[i, p] = perNode[i][k].values[p] } }
      var y = yHat
      if let prepared {
        let (r, stepNotes) = try reconciler.reconcile(yHat, prepared: prepared, nonnegative: true)
        y = r
        for note in stepNotes {
          if note.hasSuffix("set to 0 and re-aggregated"), let count = Int(note.prefix { $0.isNumber }) {
            clipped += count
          } else if !notes.contains(note) {
            notes.append(note)
          }
        }
      }
      for i in 0..<n { reconciledValues[i].append((0..<pathCount).map { y[i, $0] }) }
    }
    if clipped > 0 {
      notes.append(
        "\(clipped) of \(periods * pathCount * aggregation.columns) bottom-level path values came out negative and were set to 0 before re-aggregating (non-negative reconciliation)")
    }
    for i in 0..<n {
      for k in 0..<periods {
        let pp = perNode[i][k]
        rows.append(
          ForecastRow.summarising(
            reconciledValues[i][k], series: forecasts[i].name, period: pp.period, days: pp.days,
            observedDays: pp.observedDays, levels: levels, level: nodes[i].level))
      }
    }
    return Result(rows: rows, notes: notes, paths: reconciledValues)
  }

  /// Reconciles the daily forecasts of `hierarchy`'s nodes summed to `granularity`.
  public static func reconcile(
    _ forecasts: [SeriesForecast], hierarchy: HierarchyInputs, method: ReconciliationMethod?,
    granularity: ForecastGranularity, levels: [Int]
  ) throws -> Result {
    try reconcile(
      forecasts.map { $0.summed(to: granularity) }, nodes: hierarchy.nodes, aggregation: hierarchy.aggregation, method: method,
      levels: levels)
  }
}
