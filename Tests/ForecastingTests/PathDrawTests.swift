import Forecasting
import Foundation
import LinearAlgebra
import Testing
import TokenPlanCore

/// The sample-path machinery made faster for issue 15: weekly means for daily growth fits, the
/// stream's skip, and common random numbers across a combination's members.
@Suite("Sample paths and fits at scale")
struct PathDrawTests {
  /// Worked by hand: 17 daily points with day 9 missing. Counted back from the last (t = 16):
  /// bin 0 holds t = 10…16 (7 days), bin 1 holds t = 3…8 (t = 9 missing: 6 days), bin 2 holds
  /// t = 0…2 (3 days, the partial first week).
  @Test("weekly means are counted back from the last day, with partial and gappy bins weighted by their days")
  func weeklyMeans() {
    let t = (0...16).map(Double.init).filter { $0 != 9 }
    let z = t.map { 2 * $0 }
    let bins = WeeklyMeans(t: t, z: z)
    #expect(bins.days == [3, 6, 7])
    #expect(bins.t == [1, 5.5, 13])
    #expect(bins.z == [2, 11, 26])
    // A single point is one bin of one day.
    #expect(WeeklyMeans(t: [4], z: [1]).days == [1])
  }

  @Test("skip(n) leaves the stream where n draws would")
  func skip() {
    var a = SplitMix64(seed: 99)
    var b = a
    for _ in 0..<1001 { _ = a.next() }
    b.skip(1001)
    #expect(a.next() == b.next())
    b.skip(0)
    #expect(a.next() == b.next())
  }

  /// A combination's members draw from the same stream (common random numbers), so with no
  /// calibration (a forced model) its log paths are exactly the weighted sum of its members' log
  /// paths, each forced alone with the same seed and index. Theta and damped are both random
  /// walks, whose normals the combination draws once and reuses: a reuse that handed the second
  /// walk other normals breaks the identity by O(1) in the log.
  @Test("a combination's log paths are the weighted sum of its members' (common random numbers)")
  func commonRandomNumbers() async throws {
    let input = try #require(Synthetic.shared.sample(perFamily: 1).first)
    var options = ForecastOptions()
    options.paths = 50
    options.horizon = .quarters(2)
    func logPaths(_ model: ForecastModel) async throws -> Matrix {
      var o = options
      o.candidates = [model]
      let f = try #require(await forecastAll([input], o).first)
      #expect(f.model == model)
      var m = f.paths
      for k in m.storage.indices { m.storage[k] = log(m.storage[k]) }
      return m
    }
    let weights = [0.25, 0.45, 0.3]
    let members: [ForecastModel] = [.theta, .damped, .growth(.exponential)]
    let combined = try await logPaths(.combination(members, weights: weights))
    var sum = Matrix(rows: combined.rows, columns: combined.columns)
    for (m, w) in zip(members, weights) {
      let p = try await logPaths(m)
      for k in sum.storage.indices { sum.storage[k] += w * p.storage[k] }
    }
    var worst = 0.0
    for k in sum.storage.indices { worst = max(worst, abs(sum.storage[k] - combined.storage[k])) }
    // Log tokens are ~20–30; the sums differ only in rounding order.
    #expect(worst < 1e-9)
  }

  /// The selection against the sort it replaces, on sizes around the insertion-sort cutoff
  /// (16), with ties, and on the edges of one and two values.
  @Test("quantiles by selection equal quantiles of the sorted values")
  func quantilesBySelection() {
    var rng = SplitMix64(seed: 5)
    let levels = [0.5, 0.1, 0.9, 0.025, 0.975, 0, 1]
    for n in [1, 2, 3, 15, 16, 17, 18, 40, 200, 1001] {
      for ties in [false, true] {
        let x = (0..<n).map { _ in ties ? Double(rng.next() % 5) : rng.uniform() * 100 - 50 }
        var work = x
        let selected = quantiles(selecting: &work, levels)
        let sorted = x.sorted()
        #expect(selected == levels.map { quantile(sorted: sorted, $0) }, "n = \(n), ties: \(ties)")
        #expect(work.sorted() == sorted, "the values are reordered, not changed")
      }
    }
  }
}
