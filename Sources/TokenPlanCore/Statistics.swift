/// The `q`-quantile of sorted values by linear interpolation (Hyndman & Fan type 7, the
/// default of R and numpy).
public func quantile(sorted x: [Double], _ q: Double) -> Double {
  guard !x.isEmpty else { return .nan }
  let h = Double(x.count - 1) * q
  let lo = Int(h.rounded(.down))
  let hi = min(lo + 1, x.count - 1)
  return x[lo] + (h - Double(lo)) * (x[hi] - x[lo])
}
