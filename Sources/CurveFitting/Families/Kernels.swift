import Foundation
import LinearAlgebra

/// Runs `body` on the raw buffers of `t` and an output array of the same length.
@inline(__always)
func withKernelBuffers(
  _ t: [Double], _ out: inout [Double],
  _ body: (UnsafeBufferPointer<Double>, UnsafeMutableBufferPointer<Double>) -> Void
) {
  t.withUnsafeBufferPointer { tt in out.withUnsafeMutableBufferPointer { body(tt, $0) } }
}

/// Runs `body` on the raw buffers of `t` and of a Jacobian's columns (column `j` starts at
/// `j * n`).
@inline(__always)
func withJacobianBuffers(
  _ t: [Double], _ jacobian: inout Matrix,
  _ body: (UnsafeBufferPointer<Double>, UnsafeMutableBufferPointer<Double>) -> Void
) {
  t.withUnsafeBufferPointer { tt in jacobian.storage.withUnsafeMutableBufferPointer { body(tt, $0) } }
}

/// The largest exponent fed to `exp`: keeps `e^x` finite (e^700 ≈ 1e304) so that products such
/// as `e·g` stay defined in the far tails of a sigmoid.
let expClamp = 700.0

/// `1 − e^u` given `e = e^u`, accurate also where the subtraction would cancel.
@inline(__always)
func oneMinusExp(_ u: Double, _ e: Double) -> Double {
  abs(u) < 0.25 ? -expm1(u) : 1 - e
}

/// Every `k`-th point so that at most `limit` remain (self-starts only need a start).
func subsample(_ t: [Double], _ y: [Double], limit: Int = 128) -> ([Double], [Double]) {
  guard t.count > limit else { return (t, y) }
  let step = (t.count + limit - 1) / limit
  let idx = Array(stride(from: 0, to: t.count, by: step))
  return (idx.map { t[$0] }, idx.map { y[$0] })
}

/// `out[i] = exp(min(−rate·(t[i] − shift), 700))`: the decaying exponential at the heart of every
/// sigmoid family, clamped so that it stays finite (see ``expClamp``).
@inline(__always)
func fillDecay(
  _ t: UnsafeBufferPointer<Double>, rate: Double, shift: Double,
  into out: UnsafeMutableBufferPointer<Double>
) {
  for i in 0..<t.count { out[i] = min(-rate * (t[i] - shift), expClamp) }
  VectorMath.exp(out)
}
