// reconcile-bench: TokenPlan's MinT-shrink on a hierarchy written by reconcile/bench.py
// (S, base forecasts, residuals as float64 files). Median of 3 timings (weights and solve
// included), one thread; writes the reconciled forecasts for comparison.
import Forecasting
import Foundation
import LinearAlgebra

BLAS.setThreadCount(1)
let base = CommandLine.arguments[1]
let meta = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: base + ".json"))) as! [String: Int]
let (n, nb, t, h) = (meta["n"]!, meta["nb"]!, meta["T"]!, meta["H"]!)
func read(_ suffix: String, rows: Int, columns: Int) throws -> Matrix {
  // The files are numpy C order (row-major): transpose into column-major.
  let data = try Data(contentsOf: URL(fileURLWithPath: base + suffix))
  let values: [Double] = data.withUnsafeBytes { Array($0.bindMemory(to: Double.self)) }
  var m = Matrix(rows: rows, columns: columns)
  for i in 0..<rows { for j in 0..<columns { m[i, j] = values[i * columns + j] } }
  return m
}
let s = try read(".S.bin", rows: n, columns: nb)
let yHat = try read(".yhat.bin", rows: n, columns: h)
let residuals = try read(".res.bin", rows: n, columns: t)
let reconciler = Reconciler(summing: s)
var times: [Double] = []
var result = Matrix(rows: 0, columns: 0)
for _ in 0..<3 {
  let t0 = DispatchTime.now().uptimeNanoseconds
  result = try reconciler.reconcile(yHat, method: .mintShrink, residuals: residuals).forecasts
  times.append(Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9)
}
// Write in numpy's (H, n) C order: column-major n × H is exactly that.
try Data(bytes: result.storage, count: result.storage.count * 8).write(to: URL(fileURLWithPath: base + ".out.bin"))
var usage = rusage()
getrusage(RUSAGE_SELF.rawValue, &usage)
print("{\"seconds_median\": \(times.sorted()[1]), \"peak_rss_mb\": \(Double(usage.ru_maxrss) / 1024)}")
