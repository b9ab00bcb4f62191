import CurveFitting
import Foundation
import LinearAlgebra

/// The last level carried forward, as a random walk in log space (a baseline).
enum Naive: BaselineModel {
  static let name = "naive"
  static let parameterCount = 1

  static func fit(t: [Double], z: [Double], daily: Bool) throws -> FittedTrend {
    try TrendFitting.walkBaseline(.naive, t: t, z: z, daily: daily)
  }
}
