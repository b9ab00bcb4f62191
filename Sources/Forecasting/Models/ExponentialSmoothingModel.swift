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

  /// Fits on a grid of equally spaced steps: each spacing a whole number of steps (within a
  /// quarter step; the step is the median spacing), the steps between two observations
  /// missing (at most a quarter of the grid: an isolated outlier left out, a month a billing
  /// export lacks). The seasonal states follow the grid, so they would stay in step across a
  /// gap; the decomposition finds a season only in consecutive periods, so today a series with
  /// a gap has none.
  static func fit(t: [Double], z: [Double], daily: Bool, season: Int) throws -> FittedTrend {
    let n = z.count
    guard n >= 2 else { throw CurveFittingError.tooFewPoints(points: n, parameters: parameterCount) }
    let median = max(PreparedSeries.median((1..<n).map { t[$0] - t[$0 - 1] }), 1e-9)
    var grid = [z[0]]
    for i in 1..<n {
      let ratio = (t[i] - t[i - 1]) / median
      let steps = Int(ratio.rounded())
      guard steps >= 1, abs(ratio - Double(steps)) <= 0.25 else {
        throw CurveFittingError.invalidData("the observations are not on a grid of equal steps")
      }
      grid += [Double](repeating: .nan, count: steps - 1) + [z[i]]
    }
    guard 4 * (grid.count - n) <= grid.count else {
      throw CurveFittingError.invalidData("\(grid.count - n) of \(grid.count) steps are missing")
    }
    let model = try ExponentialSmoothing(z: grid, season: season)
    // The mean step (a month's 30.44 days, not the median's 31): leads stay whole numbers of
    // months over a horizon of years.
    let step = (t[n - 1] - t[0]) / Double(grid.count - 1)
    return FittedTrend(
      name: .exponentialSmoothing, kind: .exponentialSmoothing(model, lastT: t[n - 1], step: step), residuals: [],
      autocorrelation: 0)
  }
}
