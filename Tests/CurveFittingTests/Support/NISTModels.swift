import CurveFitting
import Foundation
import LinearAlgebra

/// A NIST StRD model written through the public `GrowthModel` protocol, as a user of the
/// library would: the function and its analytic gradient per point.
struct NISTModel: GrowthModel {
  let name: String
  let parameterNames: [String]
  let f: @Sendable (Double, [Double]) -> Double
  let gradient: @Sendable (Double, [Double]) -> [Double]

  init(
    _ name: String, parameters: Int, f: @escaping @Sendable (Double, [Double]) -> Double,
    gradient: @escaping @Sendable (Double, [Double]) -> [Double]
  ) {
    self.name = name
    self.parameterNames = (1...parameters).map { "b\($0)" }
    self.f = f
    self.gradient = gradient
  }

  func evaluate(_ t: [Double], _ p: [Double], into v: inout [Double]) {
    for i in t.indices { v[i] = f(t[i], p) }
  }

  func jacobian(_ t: [Double], _ p: [Double], into j: inout Matrix) {
    let n = t.count
    for i in 0..<n {
      for (k, g) in gradient(t[i], p).enumerated() { j.storage[i + k * n] = g }
    }
  }
}

// MARK: - The 26 single-predictor problems (all but Nelson, which has two predictors)

private let misra1a = NISTModel(
  "Misra1a", parameters: 2, f: { x, b in b[0] * (1 - exp(-b[1] * x)) },
  gradient: { x, b in
    let e = exp(-b[1] * x)
    return [1 - e, b[0] * x * e]
  })

private let chwirut = NISTModel(
  "Chwirut", parameters: 3, f: { x, b in exp(-b[0] * x) / (b[1] + b[2] * x) },
  gradient: { x, b in
    let e = exp(-b[0] * x)
    let d = b[1] + b[2] * x
    return [-x * e / d, -e / (d * d), -x * e / (d * d)]
  })

private let lanczos = NISTModel(
  "Lanczos", parameters: 6,
  f: { x, b in b[0] * exp(-b[1] * x) + b[2] * exp(-b[3] * x) + b[4] * exp(-b[5] * x) },
  gradient: { x, b in
    let e1 = exp(-b[1] * x)
    let e2 = exp(-b[3] * x)
    let e3 = exp(-b[5] * x)
    return [e1, -b[0] * x * e1, e2, -b[2] * x * e2, e3, -b[4] * x * e3]
  })

private let gauss = NISTModel(
  "Gauss", parameters: 8,
  f: { x, b in
    b[0] * exp(-b[1] * x) + b[2] * exp(-(x - b[3]) * (x - b[3]) / (b[4] * b[4])) + b[5]
      * exp(-(x - b[6]) * (x - b[6]) / (b[7] * b[7]))
  },
  gradient: { x, b in
    let e = exp(-b[1] * x)
    let g1 = exp(-(x - b[3]) * (x - b[3]) / (b[4] * b[4]))
    let g2 = exp(-(x - b[6]) * (x - b[6]) / (b[7] * b[7]))
    return [
      e, -b[0] * x * e,
      g1, b[2] * g1 * 2 * (x - b[3]) / (b[4] * b[4]),
      b[2] * g1 * 2 * (x - b[3]) * (x - b[3]) / (b[4] * b[4] * b[4]),
      g2, b[5] * g2 * 2 * (x - b[6]) / (b[7] * b[7]),
      b[5] * g2 * 2 * (x - b[6]) * (x - b[6]) / (b[7] * b[7] * b[7]),
    ]
  })

private let danWood = NISTModel(
  "DanWood", parameters: 2, f: { x, b in b[0] * pow(x, b[1]) },
  gradient: { x, b in [pow(x, b[1]), b[0] * pow(x, b[1]) * log(x)] })

private let misra1b = NISTModel(
  "Misra1b", parameters: 2, f: { x, b in b[0] * (1 - pow(1 + b[1] * x / 2, -2)) },
  gradient: { x, b in
    let u = 1 + b[1] * x / 2
    return [1 - pow(u, -2), b[0] * x * pow(u, -3)]
  })

private let kirby2 = NISTModel(
  "Kirby2", parameters: 5,
  f: { x, b in (b[0] + b[1] * x + b[2] * x * x) / (1 + b[3] * x + b[4] * x * x) },
  gradient: { x, b in
    let n = b[0] + b[1] * x + b[2] * x * x
    let d = 1 + b[3] * x + b[4] * x * x
    return [1 / d, x / d, x * x / d, -n * x / (d * d), -n * x * x / (d * d)]
  })

/// Hahn1 and Thurber: a cubic over a cubic.
private let rationalCubic = NISTModel(
  "RationalCubic", parameters: 7,
  f: { x, b in
    (b[0] + b[1] * x + b[2] * x * x + b[3] * x * x * x)
      / (1 + b[4] * x + b[5] * x * x + b[6] * x * x * x)
  },
  gradient: { x, b in
    let n = b[0] + b[1] * x + b[2] * x * x + b[3] * x * x * x
    let d = 1 + b[4] * x + b[5] * x * x + b[6] * x * x * x
    let d2 = d * d
    return [1 / d, x / d, x * x / d, x * x * x / d, -n * x / d2, -n * x * x / d2, -n * x * x * x / d2]
  })

private let mgh17 = NISTModel(
  "MGH17", parameters: 5, f: { x, b in b[0] + b[1] * exp(-x * b[3]) + b[2] * exp(-x * b[4]) },
  gradient: { x, b in
    let e4 = exp(-x * b[3])
    let e5 = exp(-x * b[4])
    return [1, e4, e5, -b[1] * x * e4, -b[2] * x * e5]
  })

private let misra1c = NISTModel(
  "Misra1c", parameters: 2, f: { x, b in b[0] * (1 - pow(1 + 2 * b[1] * x, -0.5)) },
  gradient: { x, b in
    let u = 1 + 2 * b[1] * x
    return [1 - pow(u, -0.5), b[0] * x * pow(u, -1.5)]
  })

private let misra1d = NISTModel(
  "Misra1d", parameters: 2, f: { x, b in b[0] * b[1] * x / (1 + b[1] * x) },
  gradient: { x, b in
    let u = 1 + b[1] * x
    return [b[1] * x / u, b[0] * x / (u * u)]
  })

private let roszman1 = NISTModel(
  "Roszman1", parameters: 4, f: { x, b in b[0] - b[1] * x - atan(b[2] / (x - b[3])) / Double.pi },
  gradient: { x, b in
    let w = b[2] / (x - b[3])
    let c = 1 / (Double.pi * (1 + w * w))
    return [1, -x, -c / (x - b[3]), -c * b[2] / ((x - b[3]) * (x - b[3]))]
  })

private let enso = NISTModel(
  "ENSO", parameters: 9,
  f: { x, b in
    let a = 2 * Double.pi * x
    return b[0] + b[1] * cos(a / 12) + b[2] * sin(a / 12) + b[4] * cos(a / b[3]) + b[5]
      * sin(a / b[3]) + b[7] * cos(a / b[6]) + b[8] * sin(a / b[6])
  },
  gradient: { x, b in
    let a = 2 * Double.pi * x
    let a4 = a / b[3]
    let a7 = a / b[6]
    return [
      1, cos(a / 12), sin(a / 12),
      (a / (b[3] * b[3])) * (b[4] * sin(a4) - b[5] * cos(a4)), cos(a4), sin(a4),
      (a / (b[6] * b[6])) * (b[7] * sin(a7) - b[8] * cos(a7)), cos(a7), sin(a7),
    ]
  })

private let mgh09 = NISTModel(
  "MGH09", parameters: 4, f: { x, b in b[0] * (x * x + x * b[1]) / (x * x + x * b[2] + b[3]) },
  gradient: { x, b in
    let n = x * x + x * b[1]
    let d = x * x + x * b[2] + b[3]
    return [n / d, b[0] * x / d, -b[0] * n * x / (d * d), -b[0] * n / (d * d)]
  })

private let mgh10 = NISTModel(
  "MGH10", parameters: 3, f: { x, b in b[0] * exp(b[1] / (x + b[2])) },
  gradient: { x, b in
    let e = exp(b[1] / (x + b[2]))
    return [e, b[0] * e / (x + b[2]), -b[0] * e * b[1] / ((x + b[2]) * (x + b[2]))]
  })

private let eckerle4 = NISTModel(
  "Eckerle4", parameters: 3,
  f: { x, b in (b[0] / b[1]) * exp(-0.5 * ((x - b[2]) / b[1]) * ((x - b[2]) / b[1])) },
  gradient: { x, b in
    let z = (x - b[2]) / b[1]
    let g = exp(-0.5 * z * z)
    return [g / b[1], b[0] * g / (b[1] * b[1]) * (z * z - 1), b[0] / b[1] * g * z / b[1]]
  })

private let rat42 = NISTModel(
  "Rat42", parameters: 3, f: { x, b in b[0] / (1 + exp(b[1] - b[2] * x)) },
  gradient: { x, b in
    let e = exp(b[1] - b[2] * x)
    let d = 1 + e
    return [1 / d, -b[0] * e / (d * d), b[0] * x * e / (d * d)]
  })

private let rat43 = NISTModel(
  "Rat43", parameters: 4, f: { x, b in b[0] / pow(1 + exp(b[1] - b[2] * x), 1 / b[3]) },
  gradient: { x, b in
    let e = exp(b[1] - b[2] * x)
    let u = 1 + e
    let g = pow(u, -1 / b[3])
    let h = pow(u, -1 / b[3] - 1)
    return [g, -b[0] / b[3] * h * e, b[0] / b[3] * h * e * x, b[0] * g * log(u) / (b[3] * b[3])]
  })

private let bennett5 = NISTModel(
  "Bennett5", parameters: 3, f: { x, b in b[0] * pow(b[1] + x, -1 / b[2]) },
  gradient: { x, b in
    let u = b[1] + x
    let g = pow(u, -1 / b[2])
    return [g, -b[0] / b[2] * pow(u, -1 / b[2] - 1), b[0] * g * log(u) / (b[2] * b[2])]
  })

/// Every single-predictor NIST nonlinear problem, by file name.
let nistNonlinearModels: [(String, NISTModel)] = [
  ("Misra1a", misra1a), ("Chwirut2", chwirut), ("Chwirut1", chwirut), ("Lanczos3", lanczos),
  ("Gauss1", gauss), ("Gauss2", gauss), ("DanWood", danWood), ("Misra1b", misra1b),
  ("Kirby2", kirby2), ("Hahn1", rationalCubic), ("MGH17", mgh17), ("Lanczos1", lanczos),
  ("Lanczos2", lanczos), ("Gauss3", gauss), ("Misra1c", misra1c), ("Misra1d", misra1d),
  ("Roszman1", roszman1), ("ENSO", enso), ("MGH09", mgh09), ("Thurber", rationalCubic),
  ("BoxBOD", misra1a), ("Rat42", rat42), ("MGH10", mgh10), ("Eckerle4", eckerle4),
  ("Rat43", rat43), ("Bennett5", bennett5),
]
