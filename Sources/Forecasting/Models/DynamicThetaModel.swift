import CurveFitting
import Foundation
import LinearAlgebra

/// The dynamic optimised Theta model on the original scale (``DynamicTheta``; a baseline).
enum DynamicThetaModel: BaselineModel {
  static let name = "dotm"
  static let parameterCount = 3

  static func fit(t: [Double], z: [Double], daily: Bool) throws -> FittedTrend {
    // Floored at a thousandth of the last level: an additive trend can run below zero.
    let model = try DynamicTheta(t: t, y: z.map { exp($0) })
    return FittedTrend(
      name: .dynamicTheta, kind: .dynamicTheta(model, floor: 1e-3 * exp(z[z.count - 1])), residuals: [], autocorrelation: 0)
  }
}
