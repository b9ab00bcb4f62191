import Foundation

/// One measurement predicted with it left out of every fit.
public struct HeldOutPrediction: Sendable, Equatable {
  public var measurement: ServingMeasurement
  /// The serving model's answer without it: `interpolated` when its group has other
  /// measurements, else `estimated`.
  public var predicted: Double
  public var basis: ServingBasis
  /// The estimator alone, calibrated on every other measurement (no group fit).
  public var estimatorOnly: Double

  /// Predicted over measured.
  public var ratio: Double { predicted / measurement.outputTokensPerSecondPerGPU }
  public var estimatorRatio: Double { estimatorOnly / measurement.outputTokensPerSecondPerGPU }
}

extension ServingModel {
  /// Every measurement (or those `include` keeps) predicted with it left out: the global
  /// calibration and its group's fit are redone without it. Measurements with unmodelled
  /// features calibrate nothing, so theirs is a plain prediction.
  /// - Complexity: one global fit per measurement.
  public func leaveOneOut(include: (ServingMeasurement) -> Bool = { _ in true }) throws(ServingError) -> [HeldOutPrediction] {
    let all = try Self.points(measurements, models: models, accelerators: accelerators)
    let prior = Calibration()
    var out: [HeldOutPrediction] = []
    for held in all where include(held.measurement) {
      var rest = all.filter(\.measurement.isModelled)
      if let k = rest.firstIndex(where: { $0.measurement == held.measurement }) { rest.remove(at: k) }
      let (global, _) = try EfficiencyFit.calibrate(rest, prior: prior)
      let m = held.measurement
      let estimatorOnly = try held.estimate(global).outputRate(global)
      let siblings = rest.filter { $0.measurement.group == m.group }
      var predicted = estimatorOnly
      var basis = ServingBasis.estimated
      if !siblings.isEmpty {
        let (local, _) = try EfficiencyFit.fit(siblings, prior: global)
        predicted = try held.estimate(local).outputRate(local)
        basis = .interpolated
      }
      out.append(HeldOutPrediction(measurement: m, predicted: predicted, basis: basis, estimatorOnly: estimatorOnly))
    }
    return out
  }
}

extension ServingModel {
  /// Every modelled measurement predicted with its whole group (model, hardware, precision)
  /// left out of the calibration: the `estimated` basis as a query for an unmeasured pair
  /// meets it. Unmodelled measurements are predicted too, from the full modelled catalog less
  /// their group's modelled points.
  /// - Complexity: one global fit per group.
  public func leaveGroupOut() throws(ServingError) -> [HeldOutPrediction] {
    let all = try Self.points(measurements, models: models, accelerators: accelerators)
    var out: [HeldOutPrediction] = []
    let groups = Dictionary(grouping: all, by: { $0.measurement.group })
    for (group, members) in groups.sorted(by: { $0.key < $1.key }) {
      let rest = all.filter { $0.measurement.isModelled && $0.measurement.group != group }
      let (global, _) = try EfficiencyFit.calibrate(rest, prior: Calibration())
      for held in members {
        let rate = try held.estimate(global).outputRate(global)
        out.append(HeldOutPrediction(measurement: held.measurement, predicted: rate, basis: .estimated, estimatorOnly: rate))
      }
    }
    return out
  }
}
