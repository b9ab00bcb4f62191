import Capacity
import Demand
import Foundation

/// `tokenplan plan`: read a plan, optionally fill its demand from a forecast file, compute.
public enum PlanJob {
  /// Reads the plan, applies `--demand` (a `forecast --granularity quarter --format csv` file),
  /// and runs the planner. Returns the rows and warnings (unmatched series, quarters without
  /// demand, MW shortfalls).
  public static func run(planPath: String, demandPath: String?) throws -> (rows: [PlanRow], warnings: [String]) {
    var plan = try PlanReader.read(path: planPath)
    var warnings: [String] = []
    if let demandPath {
      let table = try CSVTable(contentsOf: demandPath)
      let series = try table.column(named: "series", flag: "--demand (a forecast CSV)")
      let period = try table.column(named: "period", flag: "--demand (a forecast CSV)")
      let mean = try table.column(named: "mean", flag: "--demand (a forecast CSV)")
      var rows: [(String, Quarter, Double)] = []
      for r in table.records {
        guard let q = Quarter(r.fields[period]) else {
          throw LocatedError(
            file: table.file, line: r.line, column: period + 1, found: r.fields[period],
            expected: "a quarter like 2026Q2 (forecast with --granularity quarter)",
            fix: "run tokenplan forecast … --granularity quarter --format csv")
        }
        let v = try FitJob.parseNumber(r.fields[mean], file: table.file, line: r.line, column: mean + 1, what: "a mean")
        rows.append((r.fields[series], q, v))
      }
      let unmatched = plan.applyDemand(rows)
      if !unmatched.isEmpty {
        warnings.append("\(unmatched.count) demand series match no workload (e.g. \(unmatched[0])); they are not planned")
      }
    }
    for q in plan.quarters where plan.workloads.allSatisfy({ ($0.tokensPerDay[q] ?? 0) == 0 }) {
      warnings.append("\(q): no demand (the demand ends before the plan's horizon)")
    }
    for w in plan.workloads {
      for h in plan.hardware.keys.sorted() {
        if let t = CapacityPlanner.throughput(plan, model: w.model, hardware: h, latencyClass: w.latencyClass), t.estimated {
          warnings.append("throughput of \(w.model) on \(h) at \(w.latencyClass) is a roofline estimate (no measurement in the catalogs)")
        }
      }
    }
    let rows = try CapacityPlanner.run(plan)
    for r in rows where r.workload == "total" {
      if let by = r.orderByQuarter, by <= plan.asOf {
        warnings.append("\(r.quarter): \(r.gpusToOrder) GPUs had to be ordered by \(by), at or before the as-of quarter \(plan.asOf): order now, they may arrive late")
      }
    }
    for r in rows where r.workload == "total" && r.shortfallMegawatts > 0 {
      warnings.append(String(format: "%@: needs %.2f MW of facility power beyond the site's %.2f MW", r.quarter.description,
        r.shortfallMegawatts, r.facilityPowerMegawatts - r.shortfallMegawatts))
    }
    return (rows, warnings)
  }

  /// The plan table (the contract's columns, then `workload`, `purchase_hardware`, `shortfall_mw`).
  public static func table(_ rows: [PlanRow]) -> TextTable {
    var table = TextTable(columns: [
      .init("quarter"), .init("workload"), .init("tokens_per_day", numeric: true), .init("tokens", numeric: true),
      .init("gpu_hours", numeric: true), .init("gpus_busy_avg", numeric: true), .init("gpus_required", numeric: true),
      .init("gpus_installed", numeric: true), .init("gpus_to_order", numeric: true), .init("order_by_quarter"),
      .init("racks", numeric: true), .init("it_power_mw", numeric: true), .init("facility_power_mw", numeric: true),
      .init("energy_mwh", numeric: true), .init("joules_per_token", numeric: true), .init("capex", numeric: true),
      .init("opex", numeric: true), .init("cost_per_million_tokens", numeric: true), .init("currency"),
      .init("purchase_hardware"), .init("shortfall_mw", numeric: true),
    ])
    for r in rows {
      table.rows.append([
        .text(r.quarter.description), .text(r.workload), .number(r.tokensPerDay), .number(r.tokens),
        .number(r.gpuHours), .number(r.gpusBusyAverage), .integer(r.gpusRequired), .integer(r.gpusInstalled),
        .integer(r.gpusToOrder), .text(r.orderByQuarter?.description), .integer(r.racks), .number(r.itPowerMegawatts),
        .number(r.facilityPowerMegawatts), .number(r.energyMegawattHours), .number(r.joulesPerToken),
        .number(r.capex), .number(r.opex), .number(r.costPerMillionTokens), .text(r.currency),
        .text(r.purchaseHardware), .number(r.shortfallMegawatts),
      ])
    }
    return table
  }
}
