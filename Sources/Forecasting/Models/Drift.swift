import CurveFitting
import Foundation
import LinearAlgebra

/// The last level with the history's average slope, as a random walk with drift (a baseline).
enum Drift: BaselineModel {
  static let name = "drift"
  static let parameterCount = 2

  static func fit(t: [Double], z: [Double], daily: Bool) throws -> FittedTrend {
    try TrendFitting.walkBaseline(.drift, t: t, z: z, daily: daily)
  }
}
