internal import CVectorMath

/// Element-wise transcendental functions over arrays, vectorised through glibc's libmvec
/// (AVX2 or SSE2, chosen at run time; at most 4 ulp error per glibc's manual).
///
/// Model evaluation spends most of its time in `exp`; the vector forms run several times faster
/// than a loop of scalar `exp` calls.
public enum VectorMath {
  /// `y[i] = exp(x[i])`. `y` is resized to `x.count`.
  public static func exp(_ x: [Double], into y: inout [Double]) {
    if y.count != x.count { y = [Double](repeating: 0, count: x.count) }
    x.withUnsafeBufferPointer { xs in
      y.withUnsafeMutableBufferPointer { ys in tp_vexp(xs.count, xs.baseAddress, ys.baseAddress) }
    }
  }

  /// `x[i] = exp(x[i])` in place.
  public static func exp(inPlace x: inout [Double]) {
    x.withUnsafeMutableBufferPointer { tp_vexp($0.count, $0.baseAddress, $0.baseAddress) }
  }

  /// `x[i] = log(x[i])` in place.
  public static func log(inPlace x: inout [Double]) {
    x.withUnsafeMutableBufferPointer { tp_vlog($0.count, $0.baseAddress, $0.baseAddress) }
  }

  /// The number of lanes in use: 4 (AVX2), 2 (SSE2) or 1 (scalar).
  public static var width: Int { Int(tp_vector_width()) }
}

extension VectorMath {
  /// `x[i] = exp(x[i])` over a buffer, in place.
  public static func exp(_ x: UnsafeMutableBufferPointer<Double>) {
    tp_vexp(x.count, x.baseAddress, x.baseAddress)
  }

  /// `x[i] = log(x[i])` over a buffer, in place.
  public static func log(_ x: UnsafeMutableBufferPointer<Double>) {
    tp_vlog(x.count, x.baseAddress, x.baseAddress)
  }
}

extension VectorMath {
  /// Standard normals by Box–Muller from `u1.count` uniform pairs: `out[2k] = √(−2 log u1)·cos(2π u2)`,
  /// `out[2k+1]` the same with `sin` (both of the pair, vectorised). `out` is resized to
  /// `2·u1.count`.
  /// - Precondition: `u1.count == u2.count`, every `u1` in (0, 1].
  public static func boxMuller(_ u1: [Double], _ u2: [Double], into out: inout [Double]) {
    precondition(u1.count == u2.count, "one u2 per u1")
    if out.count != 2 * u1.count { out = [Double](repeating: 0, count: 2 * u1.count) }
    u1.withUnsafeBufferPointer { a in
      u2.withUnsafeBufferPointer { b in
        out.withUnsafeMutableBufferPointer { o in tp_box_muller(a.count, a.baseAddress, b.baseAddress, o.baseAddress) }
      }
    }
  }
}
