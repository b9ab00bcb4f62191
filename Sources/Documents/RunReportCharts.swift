import Capacity
import Demand
import Forecasting
import Foundation
import Report
import RunStore
import TokenPlanCore

extension RunReport {
  // MARK: charts

  /// The run's charts, each with the file stem of its PNG, in document order.
  package static func charts(_ r: RunResults, largestSegments: Int = 4) -> [(String, Chart)] {
    demandFanCharts(r) + capacityCharts(r) + powerCharts(r) + costCharts(r)
      + fitCharts(r, largestSegments: largestSegments)
  }

  /// The demand fan: the top node's quarterly history and its reconciled forecast distribution.
  package static func demandFanCharts(_ r: RunResults) -> [(String, Chart)] {
    let asOf = r.plan.asOf
    func x(_ q: Quarter) -> Double { Double(asOf.distance(to: q)) }
    var out: [(String, Chart)] = []
    // Demand fan: the top node's quarterly history and its reconciled forecast distribution.
    if let total = r.forecasts.first(where: { $0.name == r.totalName }) {
      let history = total.input.quarterMeans()
      let future = r.forecastRows.filter { $0.series == r.totalName }.compactMap { row -> (Quarter, ForecastRow)? in
        row.period.quarter.map { ($0, row) }
      }
      let unit = TokenScale(for: history.map(\.mean) + future.map(\.1.mean))
      let scale = unit.divisor
      let fx = future.map { x($0.0) }
      func q(_ p: Double) -> [Double] { future.map { ($0.1.quantiles[p] ?? .nan) / scale } }
      // Bands join the last history point so the fan opens from the data.
      let joinX = history.last.map { [x($0.quarter)] } ?? []
      let joinY = history.last.map { [$0.mean / scale] } ?? []
      let quarters = history.map(\.quarter) + future.map(\.0)
      out.append(("demand-fan", Chart(
        title: "Token demand (all segments): history and forecast",
        valueLabel: "tokens/day (\(unit.name), log scale)",
        kind: .xy(
          series: [
            .init("95% interval", x: joinX + fx, y: joinY + q(0.025), style: .band(upper: joinY + q(0.975)), color: 0, opacity: 0.18),
            .init("80% interval", x: joinX + fx, y: joinY + q(0.1), style: .band(upper: joinY + q(0.9)), color: 0, opacity: 0.3),
            .init("median", x: joinX + fx, y: joinY + q(0.5), style: .dashed, color: 0),
            .init("history (quarterly mean)", x: history.map { x($0.quarter) }, y: history.map { $0.mean / scale }, style: .line, color: 7),
          ],
          xTicks: quarters.map { (x($0), $0.description) }, marker: (0, "as of \(asOf)")), logScale: true)))
    }
    return out
  }

  /// GPUs required (with the scenario range) against installed.
  package static func capacityCharts(_ r: RunResults) -> [(String, Chart)] {
    let asOf = r.plan.asOf
    let totals = r.totals
    func x(_ q: Quarter) -> Double { Double(asOf.distance(to: q)) }
    var out: [(String, Chart)] = []
    // Demand vs installed capacity (GPUs), with the scenario range.
    var capacitySeries: [Chart.Series] = []
    let low = r.scenarios.filter { $0.workload == r.plan.scenarios.first?.name }
    let high = r.scenarios.filter { $0.workload == r.plan.scenarios.last?.name }
    if r.plan.scenarios.count >= 2, low.count == totals.count, high.count == totals.count {
      capacitySeries.append(.init(
        "GPUs required, \(r.plan.scenarios.first!.name)–\(r.plan.scenarios.last!.name) scenarios", x: totals.map { x($0.quarter) },
        y: low.map { Double($0.gpusRequired) }, style: .band(upper: high.map { Double($0.gpusRequired) }), color: 1, opacity: 0.2))
    }
    capacitySeries += [
      // What it would take (the unconstrained plan) against what can be installed (constrained).
      .init(
        "GPUs it would take (base)", x: r.unconstrainedTotals.map { x($0.quarter) },
        y: r.unconstrainedTotals.map { Double($0.gpusRequired) }, style: .line, color: 1),
      .init(
        "GPUs installed (deliverable, powered)", x: totals.map { x($0.quarter) }, y: totals.map { Double($0.gpusInstalled) },
        style: .step, color: 0),
    ]
    out.append(("capacity", Chart(
      title: "Demand vs installed capacity", valueLabel: "GPUs (log scale)",
      kind: .xy(series: capacitySeries, xTicks: totals.map { (x($0.quarter), $0.quarter.description) }, marker: nil), logScale: true)))
    return out
  }

  /// Power (IT, facility, the site) and energy by quarter.
  package static func powerCharts(_ r: RunResults) -> [(String, Chart)] {
    let asOf = r.plan.asOf
    let totals = r.totals
    func x(_ q: Quarter) -> Double { Double(asOf.distance(to: q)) }
    var out: [(String, Chart)] = []
    // Power and energy.
    let site = totals.map { r.plan.megawattsAvailable(at: $0.quarter) }
    out.append(("power", Chart(
      title: "Power by quarter", valueLabel: "MW",
      kind: .xy(
        series: [
          .init("IT power", x: totals.map { x($0.quarter) }, y: totals.map(\.itPowerMegawatts), style: .bars, color: 5),
          .init("facility power", x: totals.map { x($0.quarter) }, y: totals.map(\.facilityPowerMegawatts), style: .bars, color: 0),
          .init("site power available", x: totals.map { x($0.quarter) }, y: site, style: .step, color: 1),
        ],
        xTicks: totals.map { (x($0.quarter), $0.quarter.description) }, marker: nil))))
    out.append(("energy", Chart(
      title: "Facility energy by quarter", valueLabel: "GWh per quarter",
      kind: .xy(
        series: [.init("energy", x: totals.map { x($0.quarter) }, y: totals.map { $0.energyMegawattHours / 1000 }, style: .bars, color: 2)],
        xTicks: totals.map { (x($0.quarter), $0.quarter.description) }, marker: nil))))
    return out
  }

  /// Cost per million tokens by scenario, and the sensitivity tornado.
  package static func costCharts(_ r: RunResults) -> [(String, Chart)] {
    let asOf = r.plan.asOf
    let totals = r.totals
    func x(_ q: Quarter) -> Double { Double(asOf.distance(to: q)) }
    var out: [(String, Chart)] = []
    // Cost per million tokens, by scenario.
    var costSeries: [Chart.Series] = []
    for (k, s) in r.plan.scenarios.enumerated() {
      let rows = r.scenarios.filter { $0.workload == s.name }
      costSeries.append(.init(s.name, x: rows.map { x($0.quarter) }, y: rows.map(\.costPerMillionTokens), style: s.name == "base" ? .line : .dashed, color: [2, 0, 1, 3][k % 4]))
    }
    if costSeries.isEmpty {
      costSeries = [.init("plan", x: totals.map { x($0.quarter) }, y: totals.map(\.costPerMillionTokens))]
    }
    out.append(("cost", Chart(
      title: "Cost per million tokens", valueLabel: "\(r.plan.money.currency) per million tokens",
      kind: .xy(series: costSeries, xTicks: totals.map { (x($0.quarter), $0.quarter.description) }, marker: nil))))

    if !r.tornado.isEmpty {
      // The tornado moves the unconstrained plan (every quarter's demand served): its base is
      // that plan's last quarter, not the constrained plan's.
      let base = r.unconstrainedTotals.last?.costPerMillionTokens ?? 0
      out.append(("tornado", Chart(
        title: "Sensitivity of cost per million tokens, \(totals.last?.quarter.description ?? ""), all demand served",
        valueLabel: "\(r.plan.money.currency) per million tokens (base \(NumberText.grouped(base, decimals: 4)))",
        kind: .tornado(bars: r.tornado.map { .init(label: $0.driver, atLow: $0.costAtLow, atHigh: $0.costAtHigh) }, base: base))))
    }
    return out
  }

  /// Fit diagnostics of the largest bottom-level segments: daily actuals and the fitted curve.
  package static func fitCharts(_ r: RunResults, largestSegments: Int) -> [(String, Chart)] {
    let asOf = r.plan.asOf
    func x(_ q: Quarter) -> Double { Double(asOf.distance(to: q)) }
    var out: [(String, Chart)] = []
    // Fit diagnostics: the largest bottom-level segments, daily actuals and the fitted curve.
    let bottomNames = Set(r.forecastRows.filter { $0.level == .bottom }.map(\.series))
    let largest = bySize(r.forecasts.filter { bottomNames.contains($0.name) }).prefix(largestSegments)
    for (k, (f, _)) in largest.enumerated() {
      guard let origin = f.input.origin else { continue }
      let days = f.input.t.map { Double(origin.adding(days: Int($0.rounded())).dayNumber) }
      let first = Quarter(containing: origin.adding(days: Int(f.input.t.first ?? 0)), calendar: f.input.quarters)
      let last = Quarter(containing: origin.adding(days: Int(f.input.t.last ?? 0)), calendar: f.input.quarters)
      let ticks: [(x: Double, label: String)] = (0...first.distance(to: last)).map { (k: Int) -> (x: Double, label: String) in
        let q = first.adding(k)
        return (Double(q.firstDay.dayNumber), q.description)
      }
      let score = f.scores.first { $0.model == f.model }
      var series: [Chart.Series] = [
        .init("actual", x: days, y: f.input.y.map { $0 / 1e9 }, style: .points, color: 7, opacity: 0.55)
      ]
      if f.fittedHistory.count == days.count {
        series.append(.init("fitted \(f.model)", x: days, y: f.fittedHistory.map { $0 / 1e9 }, style: .line, color: 1))
      }
      out.append(("fit-\(k + 1)", Chart(
        title: "\(f.name): \(f.model)" + (score.map { String(format: ", backtest MASE %.2f", $0.mase) } ?? ""),
        valueLabel: "tokens/day (billion, log scale)", kind: .xy(series: series, xTicks: ticks, marker: nil), logScale: true)))
    }
    return out
  }
}
