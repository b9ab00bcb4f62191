import LinearAlgebra
import TokenPlanCore

extension SplitMix64 {
  /// `count` standard normals: Box–Muller over pairs of this stream's uniforms, both of each
  /// pair used, vectorised (``VectorMath/boxMuller(_:_:into:)``). Sample paths draw hundreds of
  /// thousands a series; one scalar `gaussian()` each (a `log`, a `cos` and half its uniforms
  /// thrown away) was a fifth of the forecast's time. A stream's normals depend only on its
  /// state, so the same seed gives the same draws.
  mutating func gaussians(_ count: Int) -> [Double] {
    let pairs = (count + 1) / 2
    var u1 = [Double](repeating: 0, count: pairs)
    var u2 = [Double](repeating: 0, count: pairs)
    for k in 0..<pairs {
      // (0, 1]: log(u1) stays finite.
      u1[k] = Double((next() >> 11) + 1) * 0x1p-53
      u2[k] = Double(next() >> 11) * 0x1p-53
    }
    var out: [Double] = []
    VectorMath.boxMuller(u1, u2, into: &out)
    if out.count > count { out.removeLast(out.count - count) }
    return out
  }

  /// Advances the stream as ``gaussians(_:)`` with the same `count` would, without drawing.
  mutating func skipGaussians(_ count: Int) {
    skip(2 * ((count + 1) / 2))
  }
}
