import Foundation
import LinearAlgebra

/// Fits the estimator's three constants — MFU for the compute-paced part, MBU for the
/// memory-paced part, and the fixed time per layer per decode step τ — to measurements. At
/// fixed batches a measurement's output rate `y` satisfies `1/y = C/MFU + M/MBU + O·τ`
/// (``Estimate``), linear in `(1/MFU, 1/MBU, τ)`: each point is one row `[y·C, y·M, y·O] · x = 1`
/// (its relative error), solved by column-scaled QR through ``LinearAlgebra``. The batches depend
/// on the constants (a latency target caps the batch by the step time), so the fit re-estimates
/// and re-solves until they settle.
///
/// A constant is fitted only when the points can tell it apart: MFU when their compute shares
/// differ by ``separation`` or more (points at two or more input/output ratios), τ when their
/// overhead shares do (points at two or more interactivity targets or batch sizes); otherwise
/// it stays at its prior. When no fitted set is positive, one common factor scales the prior.
public enum EfficiencyFit {
  /// The least spread (max/min) of a column's share across points for it to be fitted.
  public static let separation = 1.5

  /// One measurement as the fit sees it.
  public struct Point: Sendable {
    public var measurement: ServingMeasurement
    public var model: ServedModel
    public var accelerator: Accelerator
    public init(measurement: ServingMeasurement, model: ServedModel, accelerator: Accelerator) {
      self.measurement = measurement
      self.model = model
      self.accelerator = accelerator
    }

    func estimate(_ c: Calibration) throws(ServingError) -> Estimate {
      let m = measurement
      return try Estimator.estimate(
        model: model, accelerator: accelerator, precision: m.precision, inputTokens: m.inputTokens,
        outputTokens: m.outputTokens, tokensPerSecondPerUser: m.tokensPerSecondPerUser, ttftSeconds: nil,
        calibration: c, maximumGPUs: m.gpus, interactivityIsP99Bound: m.interactivityIsP99Bound)
    }
  }

  /// Which constants were fitted (MBU always; the rest when the points tell them apart).
  public struct Method: Sendable, Equatable, CustomStringConvertible {
    public var computeEfficiency = false
    public var stepOverhead = false
    public var tokenOverhead = false
    public var commonScale = false
    public var description: String {
      if commonScale { return "one common factor on the prior" }
      return (["MBU"] + (computeEfficiency ? ["MFU"] : []) + (stepOverhead ? ["step overhead"] : [])
        + (tokenOverhead ? ["per-sequence overhead"] : [])).joined(separator: ", ")
    }
  }

  /// The calibration `prior` with its constants fitted to `points`.
  /// - Throws: ``ServingError`` when a point cannot be estimated or the solve fails.
  public static func fit(_ points: [Point], prior: Calibration) throws(ServingError) -> (Calibration, Method) {
    guard !points.isEmpty else { return (prior, Method(commonScale: true)) }
    var c = prior
    var method = Method(commonScale: true)
    for _ in 0..<20 {
      let estimates = try points.map { (p) throws(ServingError) in try p.estimate(c) }
      let ys = points.map(\.measurement.outputTokensPerSecondPerGPU)
      let before = c
      (c, method) = try solve(estimates, ys, current: c, prior: prior)
      let change = max(
        abs(c.computeEfficiency / before.computeEfficiency - 1), abs(c.bandwidthEfficiency / before.bandwidthEfficiency - 1),
        abs(c.stepOverheadPerLayerSeconds - before.stepOverheadPerLayerSeconds) / max(1e-9, before.stepOverheadPerLayerSeconds),
        abs(c.tokenOverheadPerLayerSeconds - before.tokenOverheadPerLayerSeconds) / max(1e-12, before.tokenOverheadPerLayerSeconds))
      if change < 1e-6 { break }
    }
    return (c, method)
  }

  /// The catalog's calibration: MBU, MFU and the per-sequence overhead fitted to every point
  /// (``fit(_:prior:)``, the step overhead held), and the step overhead τ fitted to the points
  /// whose interactivity is a mean reached (the throughput-interactivity curves: the only points
  /// where a fixed per-step time shows) by golden-section search on their log errors; twice
  /// round, so each stage sees the other's result.
  public static func calibrate(_ points: [Point], prior: Calibration) throws(ServingError) -> (Calibration, Method) {
    var (c, method) = try fit(points, prior: prior)
    let curve = points.filter { $0.measurement.tokensPerSecondPerUser != nil && !$0.measurement.interactivityIsP99Bound }
    guard curve.count >= 2 else { return (c, method) }
    for _ in 0..<2 {
      func loss(_ tau: Double) -> Double {
        var trial = c
        trial.stepOverheadPerLayerSeconds = tau
        var sum = 0.0
        for p in curve {
          guard let e = try? p.estimate(trial) else { return .infinity }
          let r = log(e.outputRate(trial) / p.measurement.outputTokensPerSecondPerGPU)
          sum += r * r
        }
        return sum
      }
      // Golden section on [0, 400 µs] (a decode step of an 80-layer model at 32 ms).
      var (a, b) = (0.0, 400e-6)
      let ratio = (sqrt(5) - 1) / 2
      var x1 = b - ratio * (b - a)
      var x2 = a + ratio * (b - a)
      var (f1, f2) = (loss(x1), loss(x2))
      for _ in 0..<40 {
        if f1 <= f2 {
          (b, x2, f2) = (x2, x1, f1)
          x1 = b - ratio * (b - a)
          f1 = loss(x1)
        } else {
          (a, x1, f1) = (x1, x2, f2)
          x2 = a + ratio * (b - a)
          f2 = loss(x2)
        }
      }
      c.stepOverheadPerLayerSeconds = (a + b) / 2
      (c, method) = try fit(points, prior: c)
    }
    method.stepOverhead = true
    return (c, method)
  }

  /// The spread (max/min over points with a positive share) of `part / total`.
  static func spread(_ part: [Double], _ total: [Double]) -> Double {
    let shares = zip(part, total).map { $0 / max(1e-300, $1) }.filter { $0 > 0 }
    guard shares.count >= 2 else { return 1 }
    return shares.max()! / shares.min()!
  }

  /// One linear solve at fixed batches, with bounds: MBU and MFU at most 1 (no engine beats
  /// the hardware's peak), the overheads at least 0. Columns the points cannot tell apart stay
  /// at their priors; a constant whose solution breaks its bound is held at the bound and the
  /// rest re-solved (an active-set method over four unknowns).
  static func solve(_ e: [Estimate], _ y: [Double], current: Calibration, prior: Calibration) throws(ServingError) -> (Calibration, Method) {
    // Gauss-Newton on the log errors: with t̂ the predicted GPU-seconds per output token at the
    // current constants, log(t̂'/t) ≈ log(t̂/t) + a·(x' − x)/t̂, so each row is a/t̂ and its
    // target 1 − log(t̂·y) (t = 1/y). At the solution this minimises Σ log²(predicted/measured),
    // which treats over- and under-prediction alike (a relative error in time would favour
    // predicting too fast).
    let predicted = e.map { 1 / $0.outputRate(current) }
    let scale = predicted.map { 1 / $0 }
    let memory = zip(e, scale).map { $0.0.memorySecondsPerOutputToken * $0.1 }
    let compute = zip(e, scale).map { $0.0.computeSecondsPerOutputToken * $0.1 }
    let step = zip(e, scale).map { $0.0.overheadCoefficient * $0.1 }
    let token = zip(e, scale).map { $0.0.tokenCoefficient * $0.1 }
    let base = zip(predicted, y).map { 1 - log($0 * $1) }
    let total = zip(compute, memory).map { $0 + $1 }
    // Unknowns: 1/MBU, 1/MFU, σ (per-sequence), τ (per-step); their columns, priors, lower
    // bounds, and whether the points tell them apart.
    let columns = [memory, compute, token, step]
    var value = [1 / prior.bandwidthEfficiency, 1 / prior.computeEfficiency, prior.tokenOverheadPerLayerSeconds, prior.stepOverheadPerLayerSeconds]
    let lower = [1.0, 1.0, 0, 0]
    var free = [
      memory.contains { $0 > 0 },
      e.count >= 2 && spread(compute, total) >= separation,
      e.count >= 2 && token.contains { $0 > 0 } && spread(token, total) >= separation,
      false,  // the step overhead is fitted to the curves alone (calibrate)
    ]
    let fitted = free
    while free.contains(true) {
      var target = base
      for k in 0..<4 where !free[k] { for r in target.indices { target[r] -= columns[k][r] * value[k] } }
      let active = (0..<4).filter { free[$0] }
      let x = try leastSquares(columns: active.map { columns[$0] }, target: target)
      // The most violated bound, if any, is held there and the rest re-solved.
      let violations = active.enumerated().filter { x[$0.offset] < lower[$0.element] }
      if let worst = violations.min(by: { x[$0.offset] - lower[$0.element] < x[$1.offset] - lower[$1.element] }) {
        value[worst.element] = lower[worst.element]
        free[worst.element] = false
        continue
      }
      for (n, k) in active.enumerated() { value[k] = x[n] }
      break
    }
    var c = prior
    c.bandwidthEfficiency = 1 / value[0]
    c.computeEfficiency = 1 / value[1]
    c.tokenOverheadPerLayerSeconds = value[2]
    c.stepOverheadPerLayerSeconds = value[3]
    return (c, Method(computeEfficiency: fitted[1] && free[1], stepOverhead: fitted[3] && free[3], tokenOverhead: fitted[2] && free[2]))
  }

  static func leastSquares(columns: [[Double]], target: [Double]) throws(ServingError) -> [Double] {
    do {
      let qr = try QRFactorization(Matrix(columns: columns))
      return try qr.solve(target)
    } catch {
      throw ServingError("the efficiency fit failed: \(error)")
    }
  }
}
