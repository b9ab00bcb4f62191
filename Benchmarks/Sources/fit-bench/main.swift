// fit-bench: fits every series of Benchmarks/fit/data/<family>.bin (1,000 × 1,096 daily points)
// with TokenPlan's self-start + Levenberg–Marquardt, single-threaded, and writes per-series
// results (start, parameters, SSE, iterations, time) to Benchmarks/fit/results/<family>.swift.json.
// It also measures the per-iteration floor: one model + Jacobian evaluation and one QR of the
// 1,096 × p Jacobian. Run through Benchmarks/fit/run.sh, which compares against scipy.
import CurveFitting
import Foundation
import LinearAlgebra

BLAS.setThreadCount(1)
if CommandLine.arguments.dropFirst().first == "--width" {
  print(VectorMath.width)
  exit(0)
}
let here = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
  .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("fit")
let families = CommandLine.arguments.count > 1
  ? Array(CommandLine.arguments.dropFirst())
  : ["linear", "exponential", "logistic", "richards", "gompertz", "monomolecular", "power", "bass"]
let nSeries = 1000
let nPoints = 1096
let t = (0..<nPoints).map(Double.init)

func nanoseconds(_ body: () throws -> Void) rethrows -> UInt64 {
  let start = DispatchTime.now().uptimeNanoseconds
  try body()
  return DispatchTime.now().uptimeNanoseconds - start
}

func median(_ xs: [Double]) -> Double {
  let s = xs.sorted()
  return s.isEmpty ? .nan : s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
}

try FileManager.default.createDirectory(
  at: here.appendingPathComponent("results"), withIntermediateDirectories: true)
for family in families {
  guard let model = GrowthFamily.model(named: family) else { fatalError("unknown \(family)") }
  let raw = try Data(contentsOf: here.appendingPathComponent("data/\(family).bin"))
  let all: [Double] = raw.withUnsafeBytes { Array($0.bindMemory(to: Double.self)) }
  precondition(all.count == nSeries * nPoints)
  var rows: [[String: Any]] = []
  var totalFitNs: UInt64 = 0
  var totalStartNs: UInt64 = 0
  var totalIterations = 0
  var converged = 0
  for s in 0..<nSeries {
    let y = Array(all[(s * nPoints)..<((s + 1) * nPoints)])
    var start: [Double] = []
    let startNs = try nanoseconds { start = try model.selfStart(t, y) }
    var fit: GrowthFit?
    let fitNs = try nanoseconds { fit = try CurveFitter.fit(model, t: t, y: y) }
    guard let fit else { continue }
    totalFitNs += fitNs
    totalStartNs += startNs
    totalIterations += fit.iterations
    if fit.converged { converged += 1 }
    rows.append([
      "start": start, "parameters": fit.values, "sse": fit.sse, "iterations": fit.iterations,
      "converged": fit.converged, "ns": fitNs,
    ])
  }
  // Floor per iteration: model + Jacobian at a typical solution, and the QR of that Jacobian.
  let y0 = Array(all[0..<nPoints])
  let p0 = (try? CurveFitter.fit(model, t: t, y: y0).values) ?? []
  var values = [Double](repeating: 0, count: nPoints)
  var jac = Matrix(rows: nPoints, columns: p0.count)
  var evalSamples: [Double] = []
  var qrSamples: [Double] = []
  for _ in 0..<31 {
    let reps = 200
    let e = nanoseconds {
      for _ in 0..<reps {
        model.evaluate(t, p0, into: &values)
        model.jacobian(t, p0, into: &jac)
      }
    }
    evalSamples.append(Double(e) / Double(reps))
    var qr = QRFactorization(rows: nPoints, columns: p0.count)
    let q = nanoseconds { for _ in 0..<reps { try? qr.factor(jac) } }
    qrSamples.append(Double(q) / Double(reps))
  }
  // Component timings (median of 31 batches of 200 calls), for the report.
  var parts: [String: [Double]] = [:]
  var qrNoPivot = QRFactorization(rows: nPoints, columns: p0.count)
  var qrPivot = QRFactorization(rows: nPoints, columns: p0.count)
  var qtb = y0
  var damped = DampedLeastSquares(unknowns: p0.count)
  var stepOut = [Double](repeating: 0, count: p0.count)
  try qrNoPivot.factor(jac, pivoting: false)
  let rMatrix = qrNoPivot.r
  for _ in 0..<31 {
    let reps = 200.0
    func time(_ name: String, _ ns: UInt64) { parts[name, default: []].append(Double(ns) / reps) }
    time("evaluate", nanoseconds { for _ in 0..<200 { model.evaluate(t, p0, into: &values) } })
    time("jacobian", nanoseconds { for _ in 0..<200 { model.jacobian(t, p0, into: &jac) } })
    time("qr_dgeqrf", nanoseconds { for _ in 0..<200 { try? qrNoPivot.factor(jac, pivoting: false) } })
    time("qr_dgeqp3", nanoseconds { for _ in 0..<200 { try? qrPivot.factor(jac, pivoting: true) } })
    time("q_transpose", nanoseconds { for _ in 0..<200 { try? qrNoPivot.applyQTransposed(to: &qtb) } })
    let qtbHead = Array(qtb.prefix(p0.count))
    let ones = [Double](repeating: 1, count: p0.count)
    let identity = Array(0..<p0.count)
    time("damped_solve", nanoseconds { for _ in 0..<200 {
      try? damped.solve(
        r: rMatrix, permutation: identity, qtb: qtbHead, diagonal: ones, lambda: 1e-3,
        rank: p0.count, into: &stepOut)
    } })
    time("self_start", nanoseconds { for _ in 0..<200 { _ = try? model.selfStart(t, y0) } })
    /* { model.evaluate(t, p0, into: &values) }
    time("jacobian") { model.jacobian(t, p0, into: &jac) }
    try time("qr_dgeqrf") { try qrNoPivot.factor(jac, pivoting: false) }
    try time("qr_dgeqp3") { try qrPivot.factor(jac, pivoting: true) }
    try time("q_transpose") { try qrNoPivot.applyQTransposed(to: &qtb) }
    try time("damped_solve") {
      try damped.solve(
        r: rMatrix, permutation: Array(0..<p0.count), qtb: Array(qtb.prefix(p0.count)),
        diagonal: [Double](repeating: 1, count: p0.count), lambda: 1e-3, rank: p0.count,
        into: &stepOut)
    }
    */
  }
  let componentLine = parts.keys.sorted().map { String(format: "%@ %.2f", $0, median(parts[$0]!) / 1e3) }
  print("  components (µs): " + componentLine.joined(separator: ", "))
  let summary: [String: Any] = [
    "components_ns_median": parts.mapValues(median),
    "family": family, "series": rows.count, "points": nPoints,
    "fit_seconds_total": Double(totalFitNs) / 1e9,
    "self_start_seconds_total": Double(totalStartNs) / 1e9,
    "iterations_total": totalIterations, "converged": converged,
    "eval_plus_jacobian_ns_median": median(evalSamples), "qr_ns_median": median(qrSamples),
    // LM time per iteration: the fit minus its self-start, over the iterations plus one (the
    // Jacobian and QR at the solution for the covariance cost one iteration's worth).
    "per_iteration_ns": Double(totalFitNs - min(totalFitNs, totalStartNs))
      / Double(max(totalIterations + rows.count, 1)),
    "fit_ns_median": median(rows.map { Double($0["ns"] as! UInt64) }),
    "rows": rows,
  ]
  let json = try JSONSerialization.data(withJSONObject: summary, options: [.sortedKeys])
  try json.write(to: here.appendingPathComponent("results/\(family).swift.json"))
  print(
    String(
      format: "%-14@ %6.3f s  %7.1f fits/s  iters/fit %5.2f  per-iter %7.1f µs  floor %6.1f µs",
      family as NSString, Double(totalFitNs) / 1e9, Double(rows.count) / (Double(totalFitNs) / 1e9),
      Double(totalIterations) / Double(rows.count),
      Double(totalFitNs - min(totalFitNs, totalStartNs)) / Double(totalIterations + rows.count) / 1e3,
      (median(evalSamples) + median(qrSamples)) / 1e3))
}
