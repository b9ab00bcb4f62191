// shard-bench: writes the shard results of a SYNTHETIC hierarchy of B bottom series, as N shard
// directories, for timing `tokenplan merge --reconcile mint_shrink` at scale (Benchmarks/shard/run.sh).
// The forecasts are made up (no series is forecast: 100,000 forecasts would take hours); what is
// real is the file format, the reading, the checks, the merge and the reconciliation the merge
// does.
//   shard-bench OUTDIR BOTTOM SHARDS PATHS [QUARTERS=8] [HISTORY_DAYS=180] [SEED=1]
// Hierarchy: total, 8 regions, 25 industries (34 aggregates), then the bottom series.
import Demand
import Forecasting
import Foundation
import LinearAlgebra
import TokenPlan
import TokenPlanCore

let arguments = CommandLine.arguments
guard arguments.count >= 5, let bottom = Int(arguments[2]), let shards = Int(arguments[3]), let paths = Int(arguments[4]) else {
  FileHandle.standardError.write(Data("usage: shard-bench OUTDIR BOTTOM SHARDS PATHS [QUARTERS] [HISTORY_DAYS] [SEED]\n".utf8))
  exit(2)
}
let out = arguments[1]
let quarters = arguments.count > 5 ? Int(arguments[5])! : 8
let days = arguments.count > 6 ? Int(arguments[6])! : 180
var rng = SplitMix64(seed: arguments.count > 7 ? UInt64(arguments[7])! : 1)
let regions = 8
let industries = 25
let origin = CalendarDate(iso: "2025-10-02")!
let first = Quarter(containing: origin.adding(days: days))

// Nodes: the aggregates (total, regions, industries), then the bottom series.
let na = 1 + regions + industries
let nodes: [HierarchyNode] =
  [HierarchyNode(level: .total, key: "total")]
  + (0..<regions).map { HierarchyNode(level: .aggregate(["region"]), key: "r\($0)") }
  + (0..<industries).map { HierarchyNode(level: .aggregate(["industry"]), key: "i\($0)") }
  + (0..<bottom).map { HierarchyNode(level: .bottom, key: "i\(($0 / regions) % industries)/r\($0 % regions)/s\($0)") }
var aggregation = Matrix(rows: na, columns: bottom)
for b in 0..<bottom {
  aggregation[0, b] = 1
  aggregation[1 + b % regions, b] = 1
  aggregation[1 + regions + (b / regions) % industries, b] = 1
}

// Per node: history, fitted values and quarterly paths; aggregates sum their members (plus their
// own noise, so the base forecasts are not coherent).
let t = (0..<days).map(Double.init)
var ys = [[Double]](repeating: [Double](repeating: 0, count: days), count: na + bottom)
var fitted = ys
var periodValues = [[[Double]]](repeating: [[Double]](repeating: [Double](repeating: 0, count: paths), count: quarters), count: na + bottom)
for b in 0..<bottom {
  let level = 1e9 * exp(1.5 * rng.gaussian())
  let growth = 0.004 + 0.004 * rng.uniform()
  let node = na + b
  for d in 0..<days {
    fitted[node][d] = level * exp(growth * Double(d))
    ys[node][d] = fitted[node][d] * exp(0.05 * rng.gaussian())
  }
  for q in 0..<quarters {
    let centre = level * exp(growth * Double(days + 45 + 91 * q))
    for p in 0..<paths { periodValues[node][q][p] = centre * exp(0.1 * Double(q + 1).squareRoot() * rng.gaussian()) }
  }
  for a in 0..<na where aggregation[a, b] != 0 {
    for d in 0..<days {
      ys[a][d] += ys[node][d]
      fitted[a][d] += fitted[node][d]
    }
    for q in 0..<quarters { for p in 0..<paths { periodValues[a][q][p] += periodValues[node][q][p] } }
  }
}
for a in 0..<na {
  for q in 0..<quarters { for p in 0..<paths { periodValues[a][q][p] *= exp(0.02 * rng.gaussian()) } }
}
let names: [String] = nodes.map { node in
  switch node.level {
  case .total: return "total"
  case .aggregate: return "\(node.level)=\(node.key)"
  case .bottom: return node.key
  }
}
let forecasts: [PeriodForecast] = (0..<(na + bottom)).map { i in
  PeriodForecast(
    fit: ForecastFit(
      name: names[i], model: .damped, scores: [], selection: .aicc, parameters: [:], notes: [], coverage80: nil,
      coverage95: nil, input: ForecastInput(name: names[i], t: t, y: ys[i], origin: origin), fittedHistory: fitted[i]),
    granularity: .quarter,
    periods: (0..<quarters).map { q in
      .init(period: .quarter(first.adding(q)), days: 91, observedDays: 0, values: periodValues[i][q])
    })
}
let settings = [("command", "shard-bench (synthetic)"), ("interval", "80,95"), ("reconcile", "mint_shrink")]
for k in 1...shards {
  let spec = ShardSpec(index: k, count: shards)
  let mine = forecasts.indices.filter { spec.owns(forecasts[$0].name) }
  var manifest = ShardResult.Manifest(
    shard: spec, hierarchical: true, seed: 1, paths: paths, settings: settings, inputs: [], seriesTotal: forecasts.count)
  manifest.toolVersion = TokenPlanDefaults.version
  let result = ShardResult(
    manifest: manifest, structure: .init(nodes: nodes, aggregation: aggregation),
    forecasts: mine.map { (index: $0, forecast: forecasts[$0]) }, failures: [],
    rowsCSV: "# SYNTHETIC benchmark shard: rows not written\n")
  try result.write(into: out)
}
print("{\"nodes\": \(na + bottom), \"aggregates\": \(na), \"bottom\": \(bottom), \"shards\": \(shards), \"paths\": \(paths), \"quarters\": \(quarters), \"history_days\": \(days)}")
