import Foundation
import LinearAlgebra
import TokenPlanCore

extension Forecaster {
  /// The panel's prior for ``GrowthMovement``: the median growth-rate variance per time unit³
  /// over `inputs` (each usable and prepared as its forecast will be, measured over the
  /// horizon `options` names); `nil` when no series is long enough. A shard passes the whole
  /// input, so its series are shrunk toward the unsharded run's prior.
  public static func growthMovementPrior(_ inputs: [ForecastInput], options: ForecastOptions) async -> Double? {
    GrowthMovement.prior(await measuredMovements(inputs, options: options).compactMap { $0 })
  }

  /// Each input's own ``GrowthMovement`` (``measuredMovement(_:options:)``), in input order,
  /// measured `options.workers` at a time (default: the core count), as the forecasts are.
  static func measuredMovements(_ inputs: [ForecastInput], options: ForecastOptions) async -> [GrowthMovement?] {
    // Each fit single-threaded in BLAS, as the forecasts' are (a shard measures the whole input
    // before it forecasts; the last bits of a threaded QR depend on the thread count).
    BLAS.setThreadCount(1)
    return await inOrder(inputs.count, workers: options.workers) { measuredMovement(inputs[$0], options: options) }
  }

  /// One series' own ``GrowthMovement``, unshrunk: usable and prepared as its forecast is
  /// (``movement(_:prepared:options:)``); `nil` when it cannot be used or is too short.
  static func measuredMovement(_ raw: ForecastInput, options: ForecastOptions) -> GrowthMovement? {
    // Too short to measure: not prepared either.
    guard let (input, _) = try? usableInput(raw.collapsingPeriods(), options: options),
      input.y.count >= GrowthMovement.minimumPoints
    else { return nil }
    let prepared = PreparedSeries(
      input, events: options.events, declaredBreaks: options.breaks, detectBreaks: options.detectBreaks,
      seasonLength: options.seasonLength)
    return movement(input, prepared: prepared, options: options)
  }

  /// The movement of a usable `input`'s `prepared` history, measured over the horizon `options`
  /// names counted from its last observation (the one definition the prior, the forecast and
  /// its backtest share).
  static func movement(_ input: ForecastInput, prepared: PreparedSeries, options: ForecastOptions) -> GrowthMovement? {
    GrowthMovement.measure(t: prepared.t, z: prepared.z, horizon: movementHorizon(input, options: options))
  }

  /// The span the movement is measured over: from `input`'s last observation to the end of
  /// the horizon `options` names, in its time unit.
  static func movementHorizon(_ input: ForecastInput, options: ForecastOptions) -> Double {
    let last = input.t.last ?? 0
    return (futureTimes(input, horizon: options.horizon).last ?? last) - last
  }

  /// `own` (measured, or `nil` to measure `prepared`) shrunk toward
  /// `options.growthMovementPrior`; `nil` when the floor is off or does not apply (a model
  /// asked for by name, growth that slows on few points, a series with Student-t tails) or the
  /// history is too short.
  static func growthMovement(
    _ own: GrowthMovement?, input: ForecastInput, prepared: PreparedSeries, applies: Bool, options: ForecastOptions
  ) -> GrowthMovement? {
    guard options.growthMovementFloor, applies,
      let own = own ?? movement(input, prepared: prepared, options: options)
    else { return nil }
    return options.growthMovementPrior.map { own.shrunk(toward: $0) } ?? own
  }
}
