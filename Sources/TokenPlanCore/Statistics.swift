/// The `q`-quantile of sorted values by linear interpolation (Hyndman & Fan type 7, the
/// default of R and numpy). Only the two order statistics it interpolates are read, so values
/// with just those in their sorted places (``quantiles(selecting:_:)``) do too.
public func quantile(sorted x: [Double], _ q: Double) -> Double {
  guard !x.isEmpty else { return .nan }
  let h = Double(x.count - 1) * q
  let lo = Int(h.rounded(.down))
  let hi = min(lo + 1, x.count - 1)
  return x[lo] + (h - Double(lo)) * (x[hi] - x[lo])
}

/// Type-7 quantiles of `x` at each of `qs` (as ``quantile(sorted:_:)`` of the sorted values),
/// without sorting `x`: only the order statistics the quantiles interpolate are put in place
/// (a multiple quickselect: partition, then recurse only into the sides that hold a wanted
/// rank). `x` is reordered. About n·log₂(k) comparisons for k ranks, against n·log₂(n) for a
/// sort.
public func quantiles(selecting x: inout [Double], _ qs: [Double]) -> [Double] {
  let n = x.count
  guard n > 0 else { return qs.map { _ in .nan } }
  var ranks: [Int] = []
  for q in qs {
    let lo = Int((Double(n - 1) * q).rounded(.down))
    ranks.append(lo)
    ranks.append(min(lo + 1, n - 1))
  }
  let wanted = Array(Set(ranks)).sorted()
  x.withUnsafeMutableBufferPointer { v in
    wanted.withUnsafeBufferPointer { r in select(v, 0, n - 1, r[...]) }
  }
  return qs.map { quantile(sorted: x, $0) }
}

/// Puts every rank of `ranks` (ascending, all within `lo...hi`) in its sorted place in
/// `v[lo...hi]`.
private func select(
  _ v: UnsafeMutableBufferPointer<Double>, _ lo: Int, _ hi: Int, _ ranks: Slice<UnsafeBufferPointer<Int>>
) {
  var lo = lo
  var hi = hi
  var ranks = ranks
  while !ranks.isEmpty && lo < hi {
    if hi - lo < 16 {
      // Insertion sort of a short range.
      for i in (lo + 1)...hi {
        let value = v[i]
        var j = i - 1
        while j >= lo && v[j] > value {
          v[j + 1] = v[j]
          j -= 1
        }
        v[j + 1] = value
      }
      return
    }
    // Median of three as the pivot, moved to hi; Lomuto partition.
    let mid = lo + (hi - lo) / 2
    if v[mid] < v[lo] { v.swapAt(mid, lo) }
    if v[hi] < v[lo] { v.swapAt(hi, lo) }
    if v[mid] < v[hi] { v.swapAt(mid, hi) }
    let pivot = v[hi]
    var store = lo
    for i in lo..<hi where v[i] < pivot {
      v.swapAt(i, store)
      store += 1
    }
    v.swapAt(store, hi)
    let below = ranks.prefix { $0 < store }
    let above = ranks.drop { $0 <= store }
    // Recurse into the side with fewer elements, loop on the other.
    if store - lo < hi - store {
      select(v, lo, store - 1, below)
      lo = store + 1
      ranks = above
    } else {
      select(v, store + 1, hi, above)
      hi = store - 1
      ranks = below
    }
  }
}

extension Dictionary where Key: Comparable, Value == Double {
  /// The values summed in their keys' order: a dictionary's own order changes from process to
  /// process, and with three values or more so would the sum's last bit.
  public var sumInKeyOrder: Double { keys.sorted().reduce(0) { $0 + self[$1]! } }
}
