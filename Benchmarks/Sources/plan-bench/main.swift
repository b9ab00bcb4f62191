// plan-bench: Monte Carlo of the capacity plan, 10,000 draws × 200 demand segments × 12 quarters
// (issue 5's benchmark). Synthetic demand quantiles (seeded); the shipped catalogs' B200 and H100.
// Prints draws per second and the share of time in the BLAS product that sums segments into
// workloads (measured by timing the same products alone).
import Capacity
import Foundation
import LinearAlgebra
import TokenPlanCore

BLAS.setThreadCount(1)
let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
  .deletingLastPathComponent().deletingLastPathComponent()
var plan = try PlanReader.read(path: root.appendingPathComponent("datasets/plans/default.yaml").path)
plan.horizonQuarters = 12
let draws = Int(CommandLine.arguments.dropFirst().first ?? "") ?? 10_000
let segments = 200
let quarters = plan.quarters
var rng = SplitMix64(seed: 5)
var p10 = Matrix(rows: segments, columns: quarters.count)
var p50 = p10
var p90 = p10
for s in 0..<segments {
  let level = 1e12 * exp(rng.gaussian())
  for q in 0..<quarters.count {
    let m = level * pow(1.3, Double(q))
    p50[s, q] = m
    p10[s, q] = m / (1.2 + 0.1 * Double(q))
    p90[s, q] = m * (1.2 + 0.1 * Double(q))
  }
}
let demand = DemandQuantiles(
  series: (0..<segments).map { "s\($0)" }, quarters: quarters, p10: p10, p50: p50, p90: p90)
let membership: [Int?] = (0..<segments).map { $0 % plan.workloads.count }
var spec = plan.uncertainty ?? UncertaintySpec()
spec.draws = draws
func seconds(_ body: () throws -> Void) rethrows -> Double {
  let t0 = DispatchTime.now().uptimeNanoseconds
  try body()
  return Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9
}
var total: [Double] = []
for _ in 0..<3 {
  total.append(try seconds { _ = try MonteCarlo.run(plan, demand: demand, membership: membership, spec: spec) })
}
// The BLAS part alone: the per-quarter (draws × segments) · (segments × workloads) products.
let z = Matrix(rows: draws, columns: segments, repeating: 1)
let m = Matrix(rows: segments, columns: plan.workloads.count, repeating: 0.01)
let blas = seconds { for _ in quarters { _ = z.multiplied(by: m) } }
let best = total.min()!
print(String(
  format: "%d draws × %d segments × %d quarters: %.3f s (median of 3: %.3f s) → %.0f draws/s; BLAS products %.4f s (%.1f%% of the run)",
  draws, segments, quarters.count, best, total.sorted()[1], Double(draws) / total.sorted()[1], blas,
  100 * blas / total.sorted()[1]))
