import CurveFitting
import Foundation

/// Exponential smoothing with a damped trend and, on a seasonal series, seasonal states
/// (``ExponentialSmoothing``, ETS(A,Ad,A) on `log y`; a baseline for series of periods).
enum ExponentialSmoothingModel: BaselineModel {
  static let name = "ets"
  static let parameterCount = 6

  static func fit(t: [Double], z: [Double], daily: Bool) throws -> FittedTrend {
    try fit(t: t, z: z, daily: daily, season: 1)
  }

  /// Fits on the series' ``StepGrid``, the steps between two observations missing (at most a
  /// quarter of the grid: an isolated outlier left out, a month a billing export lacks). The
  /// seasonal states follow the grid, so they would stay in step across a gap; the
  /// decomposition finds a season only in consecutive periods, so today a series with a gap
  /// has none.
  static func fit(t: [Double], z: [Double], daily: Bool, season: Int) throws -> FittedTrend {
    let n = z.count
    guard n >= 2 else { throw CurveFittingError.tooFewPoints(points: n, parameters: parameterCount) }
    guard let grid = StepGrid(t) else {
      throw CurveFittingError.invalidData("the observations are not on a grid of equal steps")
    }
    var values = [z[0]]
    values.reserveCapacity(grid.steps + 1)
    for i in 1..<n { values += [Double](repeating: .nan, count: grid.gaps[i - 1] - 1) + [z[i]] }
    guard 4 * (values.count - n) <= values.count else {
      throw CurveFittingError.invalidData("\(values.count - n) of \(values.count) steps are missing")
    }
    let model = try ExponentialSmoothing(z: values, season: season)
    return FittedTrend(
      name: .exponentialSmoothing, kind: .exponentialSmoothing(model, grid: grid), residuals: [],
      autocorrelation: 0)
  }
}
