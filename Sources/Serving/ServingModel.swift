import Foundation

/// Tokens per second per GPU for a model on an accelerator at a request shape and latency
/// target, from published measurements where they exist and a calibrated estimator where they
/// do not.
///
/// Three layers, each named in the answer's ``OperatingPoint/basis``:
/// 1. **measured** — a catalog measurement at the query's conditions (model, hardware,
///    precision, input and output tokens within 1%, the same interactivity target or none) is
///    returned as published: its prompts are inside its output rate, so they are counted once.
/// 2. **interpolated** — the model has measurements on this accelerator at this precision: the
///    estimator is re-fitted to them alone (``EfficiencyFit``: MFU from points at two or more
///    input/output ratios, MBU from the rest) and evaluated at the query. Outside the
///    measurements' lengths (½× to 2×) or interactivity range it is flagged `extrapolated`.
/// 3. **estimated** — no measurement of the group: the ``Estimator`` with the efficiencies
///    fitted to the whole catalog.
public struct ServingModel: Sendable, Equatable {
  public private(set) var models: [String: ServedModel]
  public private(set) var accelerators: [String: Accelerator]
  public private(set) var measurements: [ServingMeasurement]
  /// The estimator's calibration fitted to every measurement.
  public private(set) var calibration: Calibration
  public private(set) var calibrationMethod: EfficiencyFit.Method
  /// Per group with measurements, the calibration fitted to them.
  public private(set) var groupCalibrations: [ServingGroup: Calibration]

  /// Builds and calibrates the model.
  /// - Throws: ``ServingError`` when a measurement names a model or accelerator not given, or
  ///   cannot be estimated (a model that does not fit where it was measured is a catalog error).
  public init(
    models: [String: ServedModel], accelerators: [String: Accelerator], measurements: [ServingMeasurement],
    prior: Calibration = Calibration()
  ) throws(ServingError) {
    self.models = models
    self.accelerators = accelerators
    self.measurements = measurements
    // Only measurements served the way the estimator models calibrate it.
    let points = try Self.points(measurements.filter(\.isModelled), models: models, accelerators: accelerators)
    (calibration, calibrationMethod) = try EfficiencyFit.calibrate(points, prior: prior)
    var groups: [ServingGroup: Calibration] = [:]
    for (g, members) in Dictionary(grouping: points, by: { $0.measurement.group }) {
      groups[g] = try EfficiencyFit.fit(members, prior: calibration).0
    }
    groupCalibrations = groups
  }

  static func points(
    _ measurements: [ServingMeasurement], models: [String: ServedModel], accelerators: [String: Accelerator]
  ) throws(ServingError) -> [EfficiencyFit.Point] {
    try measurements.map { (m) throws(ServingError) in
      guard let model = models[m.model] else { throw ServingError("measurement of \(m.model): no such model in the catalogs") }
      guard let h = accelerators[m.hardware] else { throw ServingError("measurement on \(m.hardware): no such hardware in the catalogs") }
      return EfficiencyFit.Point(measurement: m, model: model, accelerator: h)
    }
  }

  /// The precision a query runs at: its own, else the model's.
  public func precision(of q: ServingQuery) throws(ServingError) -> Precision {
    guard let model = models[q.model] else {
      throw ServingError("no model '\(q.model)' in the catalogs (there are: \(models.keys.sorted().joined(separator: ", ")))")
    }
    return q.precision ?? model.precision
  }

  /// The measurement taken at the query's conditions, if any: only one served as the estimator
  /// models (a point taken with speculative decoding, disaggregation or an unstated
  /// configuration does not say with what settings, so it answers nothing as measured).
  public func measurement(matching q: ServingQuery) throws(ServingError) -> ServingMeasurement? {
    let p = try precision(of: q)
    func close(_ a: Double, _ b: Double) -> Bool { abs(a - b) <= 0.01 * max(abs(a), abs(b)) }
    return measurements.first { m in
      m.isModelled && m.model == q.model && m.hardware == q.hardware && m.precision == p && close(m.inputTokens, q.inputTokens)
        && close(m.outputTokens, q.outputTokens)
        && m.interactivityIsP99Bound == q.interactivityIsP99Bound
        && (m.tokensPerSecondPerUser == nil
          ? q.tokensPerSecondPerUser == nil : q.tokensPerSecondPerUser.map { close($0, m.tokensPerSecondPerUser!) } ?? false)
        && (q.ttftP99Seconds == nil || (m.ttftSeconds.map { $0 <= q.ttftP99Seconds! * 1.01 } ?? false))
    }
  }

  /// The operating point for a query (see the type's description for the three bases).
  /// - Throws: ``ServingError`` for an unknown model or hardware, a precision the hardware does
  ///   not compute, or a model that does not fit the hardware's scale-up domain.
  public func operatingPoint(_ q: ServingQuery) throws(ServingError) -> OperatingPoint {
    guard q.inputTokens >= 0, q.outputTokens >= 1, q.inputTokens.isFinite, q.outputTokens.isFinite else {
      throw ServingError("a request needs at least 1 output token and a finite input length")
    }
    let p = try precision(of: q)
    guard let model = models[q.model] else { throw ServingError("no model '\(q.model)'") }
    guard let h = accelerators[q.hardware] else {
      throw ServingError(
        "no hardware '\(q.hardware)' in the catalogs (there are: \(accelerators.keys.sorted().joined(separator: ", ")))")
    }
    let group = ServingGroup(model: q.model, hardware: q.hardware, precision: p)
    let groupCalibration = groupCalibrations[group]
    let c = groupCalibration ?? calibration
    func estimate(_ levers: ServingLevers) throws(ServingError) -> Estimate {
      try Estimator.estimate(
        model: model, accelerator: h, precision: p, inputTokens: q.inputTokens, outputTokens: q.outputTokens,
        tokensPerSecondPerUser: q.tokensPerSecondPerUser, ttftSeconds: q.ttftP99Seconds, calibration: c,
        interactivityIsP99Bound: q.interactivityIsP99Bound, levers: levers)
    }
    let e = try estimate(q.levers)
    var point = Self.point(group: group, estimate: e, calibration: c, input: q.inputTokens, output: q.outputTokens)
    point.notes = e.notes + (q.levers.isOff ? [] : ["levers: " + q.levers.summary])
    point.targetsMet = e.targetsMet
    if let m = try measurement(matching: q) {
      point.basis = .measured
      point.targetsMet = true  // the measurement held its own conditions
      // The measured time split between prefill and decode as the fitted estimate splits it:
      // both pure rates scale by measured / estimated, so the prompts are counted once and the
      // planner's GPU-seconds (input / prefill + output / decode) give back the measurement.
      // Levers the measurement was not taken with move it as they move the estimate.
      let unlevered = q.levers.isOff ? point : Self.point(group: group, estimate: try estimate(ServingLevers()), calibration: c, input: q.inputTokens, output: q.outputTokens)
      let k = m.outputTokensPerSecondPerGPU / unlevered.outputTokensPerSecondPerGPU
      point.prefillTokensPerGPUSecond *= k
      point.decodeTokensPerGPUSecond *= k
      point.outputTokensPerSecondPerGPU *= k
      point.inputTokensPerSecondPerGPU = point.outputTokensPerSecondPerGPU * m.inputTokens / m.outputTokens
      if q.levers.isOff {
        point.outputTokensPerSecondPerGPU = m.outputTokensPerSecondPerGPU
        if let u = m.tokensPerSecondPerUser { point.tokensPerSecondPerUser = m.interactivityIsP99Bound ? u * c.p99BoundFactor : u }
      } else {
        point.notes.append(
          String(format: "the measurement (%.4g output tokens/s per GPU, no levers) moved by the estimator's ratio with and without the levers: x%.3f", m.outputTokensPerSecondPerGPU, point.outputTokensPerSecondPerGPU / m.outputTokensPerSecondPerGPU))
      }
      point.sources = [Self.cite(m)]
      return point
    }
    let members = measurements.filter { $0.group == group && $0.isModelled }
    if members.isEmpty {
      point.basis = .estimated
      point.sources = [calibration.summary]
      point.extrapolated = true
      return point
    }
    point.basis = .interpolated
    // The nearest measurements by request shape and interactivity (log distance), then a count.
    func distance(_ m: ServingMeasurement) -> Double {
      func d(_ a: Double, _ b: Double) -> Double { abs(log(max(a, 1) / max(b, 1))) }
      return d(m.inputTokens, q.inputTokens) + d(m.outputTokens, q.outputTokens)
        + d(m.tokensPerSecondPerUser ?? 1, q.tokensPerSecondPerUser ?? 1)
    }
    let nearest = members.sorted { (distance($0), $0.source) < (distance($1), $1.source) }
    point.sources = nearest.prefix(3).map(Self.cite)
      + (members.count > 3 ? ["and \(members.count - 3) more measurements of \(group)"] : [])
      + ["fitted to the \(members.count) measurements of \(group): " + c.summary]
    let (inRange, reasons) = Self.coverage(q, members)
    point.extrapolated = !inRange
    point.notes += reasons
    return point
  }

  static func cite(_ m: ServingMeasurement) -> String {
    "\(m.source) (\(m.date); \(m.engine), \(m.gpus) GPUs, \(Int(m.inputTokens.rounded()))/\(Int(m.outputTokens.rounded())) tokens"
      + (m.tokensPerSecondPerUser.map { String(format: ", %.4g tokens/s per user", $0) } ?? ", maximum throughput") + ")"
  }

  /// Whether a query lies within its group's measurements: lengths within ½× to 2× of the
  /// measured range, and the interactivity target within the measured targets (a query with
  /// none needs a maximum-throughput measurement).
  static func coverage(_ q: ServingQuery, _ members: [ServingMeasurement]) -> (Bool, [String]) {
    var reasons: [String] = []
    let inputs = members.map(\.inputTokens)
    let outputs = members.map(\.outputTokens)
    if q.inputTokens < inputs.min()! / 2 || q.inputTokens > inputs.max()! * 2 {
      reasons.append(String(format: "extrapolated: input of %.0f tokens outside the measured %.0f-%.0f (½× to 2×)", q.inputTokens, inputs.min()!, inputs.max()!))
    }
    if q.outputTokens < outputs.min()! / 2 || q.outputTokens > outputs.max()! * 2 {
      reasons.append(String(format: "extrapolated: output of %.0f tokens outside the measured %.0f-%.0f (½× to 2×)", q.outputTokens, outputs.min()!, outputs.max()!))
    }
    let targets = members.compactMap(\.tokensPerSecondPerUser)
    if let u = q.tokensPerSecondPerUser {
      if targets.isEmpty || u < targets.min()! * 0.99 || u > targets.max()! * 1.01 {
        reasons.append(
          targets.isEmpty
            ? String(format: "extrapolated: %.4g tokens/s per user, but only maximum-throughput points are measured", u)
            : String(format: "extrapolated: %.4g tokens/s per user outside the measured %.4g-%.4g", u, targets.min()!, targets.max()!))
      }
    } else if !members.contains(where: { $0.tokensPerSecondPerUser == nil }) {
      reasons.append("extrapolated: maximum throughput asked, but only latency-bound points are measured")
    }
    return (reasons.isEmpty, reasons)
  }

  static func point(group: ServingGroup, estimate e: Estimate, calibration c: Calibration, input: Double, output: Double) -> OperatingPoint {
    let y = e.outputRate(c)
    let prefillPerOutput = e.prefillSecondsPerOutputToken / c.computeEfficiency
    let decodePerOutput = 1 / y - prefillPerOutput
    let g = Double(e.gpusPerReplica)
    return OperatingPoint(
      group: group, outputTokensPerSecondPerGPU: y, inputTokensPerSecondPerGPU: y * input / output,
      tokensPerSecondPerUser: e.tokensPerSecondPerUser(c),
      ttftSeconds: input > 0 ? input * prefillPerOutput * output / input / g : 0,
      prefillTokensPerGPUSecond: input > 0 ? input / (output * prefillPerOutput) : .infinity,
      decodeTokensPerGPUSecond: 1 / decodePerOutput, gpusPerReplica: e.gpusPerReplica, concurrencyPerReplica: e.batch,
      basis: .estimated, sources: [], notes: [], extrapolated: false)
  }
}
