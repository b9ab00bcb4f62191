import Foundation

/// A forecasting model other than a growth family or a combination: one type in a file of its
/// own under `Models/`, registered by one line in ``BaselineModels/all``. `ForecastModel.baseline`
/// names it; the forecaster backtests, fits and samples it through ``FittedTrend``.
protocol BaselineModel: Sendable {
  /// The name `--model` takes and the outputs print.
  static var name: String { get }
  /// Free parameters (for AICc).
  static var parameterCount: Int { get }
  /// Fits the model to the prepared log series `z` at times `t` (`daily`: one point a day).
  static func fit(t: [Double], z: [Double], daily: Bool) throws -> FittedTrend
  /// Fits the model to a series whose seasonal effects of `season` steps (1: none) were taken
  /// off `z`; a model without seasonal states ignores `season`.
  static func fit(t: [Double], z: [Double], daily: Bool, season: Int) throws -> FittedTrend
}

extension BaselineModel {
  static func fit(t: [Double], z: [Double], daily: Bool, season: Int) throws -> FittedTrend {
    try fit(t: t, z: z, daily: daily)
  }
}

/// The registered baseline models.
enum BaselineModels {
  /// Every baseline model, one line each.
  static let all: [any BaselineModel.Type] = [
    Naive.self, Drift.self, Damped.self, Theta.self, DynamicThetaModel.self, ExponentialSmoothingModel.self, Slowing.self,
  ]

  /// The model called `name`, if one is registered.
  static func model(named name: String) -> (any BaselineModel.Type)? { all.first { $0.name == name } }
}
