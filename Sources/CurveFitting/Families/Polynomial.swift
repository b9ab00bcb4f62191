import Foundation
import LinearAlgebra

/// `linear`: `a + b·t`.
public struct LinearGrowth: GrowthModel {
  public init() {}
  public var name: String { "linear" }
  public var parameterNames: [String] { ["a", "b"] }
  public func evaluate(_ t: [Double], _ p: [Double], into v: inout [Double]) {
    let a = p[0]
    let b = p[1]
    for i in t.indices { v[i] = a + b * t[i] }
  }
  public func jacobian(_ t: [Double], _ p: [Double], into j: inout Matrix) {
    let n = t.count
    for i in 0..<n {
      j.storage[i] = 1
      j.storage[n + i] = t[i]
    }
  }
  public func selfStart(_ t: [Double], _ y: [Double]) throws -> [Double] {
    guard let line = lineFit(t, y) else {
      throw CurveFittingError.tooFewPoints(points: t.count, parameters: 2)
    }
    return [line.intercept, line.slope]
  }
}

/// `poly:N`: `c0 + c1·t + … + cN·t^N`.
public struct PolynomialGrowth: GrowthModel {
  /// The degree `N ≥ 1`.
  public let degree: Int
  public init(degree: Int) {
    precondition(degree >= 1, "polynomial degree must be at least 1")
    self.degree = degree
  }
  public var name: String { "poly:\(degree)" }
  public var parameterNames: [String] { (0...degree).map { "c\($0)" } }
  public func evaluate(_ t: [Double], _ p: [Double], into v: inout [Double]) {
    for i in t.indices {
      var acc = p[degree]
      for k in stride(from: degree - 1, through: 0, by: -1) { acc = acc * t[i] + p[k] }
      v[i] = acc
    }
  }
  public func jacobian(_ t: [Double], _ p: [Double], into j: inout Matrix) {
    let n = t.count
    for i in 0..<n {
      var power = 1.0
      for k in 0...degree {
        j.storage[i + k * n] = power
        power *= t[i]
      }
    }
  }
  public func selfStart(_ t: [Double], _ y: [Double]) throws -> [Double] {
    try LinearRegression.polynomial(x: t, y: y, degree: degree).coefficients
  }
}
