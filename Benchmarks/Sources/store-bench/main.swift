// Run store timings: recording a run shaped like the default run (288 series) and one of
// 10,000 series into SQLite and PostgreSQL, loading it back, and `history diff` of two such
// runs. Rows are synthetic (seeded); their shape is the default run's: 8 quarters, 8 candidates
// per series, 25 plan columns × 4 rows a quarter, 10 whole quarters of actuals per series.
// Usage: store-bench DIR [POSTGRES_URL]   (prints JSON lines; Benchmarks/store/run.sh drives it)
import Foundation
import RunStore
import TokenPlanCore

func run(series: Int, seed: UInt64, shift: Double) -> StoredRun {
  var rng = SplitMix64(seed: seed)
  let asOf = Quarter("2026Q1")!
  var r = StoredRun(plan: "bench", asOf: asOf, createdAt: "2026-12-02T00:00:00Z", toolVersion: "bench", seed: seed, paths: 1000, output: "out")
  r.inputs = (0..<4).map { .init(path: "input\($0)", sha256: String(repeating: "0", count: 64)) }
  r.assumptions = (0..<25).map { .init(key: "assumption \($0)", value: rng.uniform() + shift, unit: "u", source: "s", date: "2026-01-01") }
  for s in 0..<series {
    let name = "industry \(s % 9)/scenario \(s % 7)/modality \(s % 3)/region \(s):tokens"
    for h in 1...8 {
      let m = 1e9 * (1 + rng.uniform()) * (1 + shift)
      r.forecasts.append(.init(series: name, level: "bottom", quarter: asOf.adding(h), mean: m, p10: 0.8 * m, p50: m, p90: 1.2 * m, lo95: 0.7 * m, hi95: 1.3 * m, model: "logistic"))
      r.fits.append(.init(series: name, model: "model \(h)", mase: rng.uniform(), smape: 10 * rng.uniform(), origins: 3, selected: h == 1))
    }
    for k in 0..<10 { r.actuals.append(.init(series: name, quarter: asOf.adding(-k), tokensPerDay: 1e9 * rng.uniform())) }
  }
  for h in 1...8 {
    for w in ["total", "a", "b", "c"] {
      for c in 0..<25 { r.planValues.append(.init(quarter: asOf.adding(h), workload: w, name: "column \(c)", value: rng.uniform())) }
    }
  }
  return r
}

func seconds(_ body: () throws -> Void) rethrows -> Double {
  let start = DispatchTime.now().uptimeNanoseconds
  try body()
  return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}

func median(_ xs: [Double]) -> Double { xs.sorted()[xs.count / 2] }

let args = CommandLine.arguments
let dir = args.count > 1 ? args[1] : NSTemporaryDirectory()
var stores: [(String, () throws -> StoreURL)] = [
  ("sqlite", { .sqlite(path: "\(dir)/bench-\(UUID().uuidString).sqlite") })
]
if args.count > 2 { stores.append(("postgres", { try StoreURL(args[2]) })) }
for (name, makeURL) in stores {
  for series in [288, 10_000] {
    let a = run(series: series, seed: 1, shift: 0)
    let b = run(series: series, seed: 2, shift: 0.1)
    let rows = a.forecasts.count + a.fits.count + a.actuals.count + a.planValues.count + a.assumptions.count + a.inputs.count
    var record: [Double] = []
    var load: [Double] = []
    var diff: [Double] = []
    var changes = 0
    for _ in 0..<(series > 1000 ? 3 : 5) {
      let store = try RunStore(try makeURL())
      var ida: Int64 = 0
      var idb: Int64 = 0
      record.append(try seconds { ida = try store.record(a) })
      idb = try store.record(b)
      load.append(try seconds { _ = try store.load(ida) })
      diff.append(try seconds {
        let d = RunDiff(try store.load(ida), try store.load(idb))
        changes = d.forecastSeries.count + d.plan.count + d.assumptions.count
      })
    }
    print("{\"store\": \"\(name)\", \"series\": \(series), \"rows\": \(rows), \"record_s\": \(median(record)), \"load_s\": \(median(load)), \"diff_s\": \(median(diff)), \"changes\": \(changes)}")
  }
}
