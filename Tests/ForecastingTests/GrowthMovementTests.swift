import Forecasting
import Foundation
import LinearAlgebra
import TestSupport
import Testing
import TokenPlanCore

/// Bands from a series' own movement (issue 32, goal 2): the estimator against an independent
/// numpy implementation, its formulas worked by hand, and forecasts of series whose growth rate
/// moves.
@Suite("growth movement: bands from the series' own history")
struct GrowthMovementTests {
  /// `reference/growth-movement/` (its `reference.py`): SYNTHETIC local-linear-trend series and
  /// numpy's estimates.
  @Test("the estimator equals the numpy reference on four simulated series")
  func matchesReference() throws {
    let dir = packageRoot.appendingPathComponent("Tests/ForecastingTests/reference/growth-movement")
    let records = try csvRecords(dir.appendingPathComponent("series.csv").path)
    let reference = try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("reference.json")))
      as! [String: [String: Any]]
    #expect(reference.count == 4)
    for (name, entry) in reference {
      let n = entry["n"] as! Int
      let z = records.prefix(n).map { Double($0[name]!)! }
      let expected = entry["estimate"] as! [Double]
      let m = try #require(
        GrowthMovement.measure(t: z.indices.map(Double.init), z: z, horizon: Double(entry["horizon"] as! Int)))
      let got = [m.noiseVariance, m.levelVariancePerStep, m.growthVariancePerStep]
      for k in 0..<3 {
        // Both solve the same small least-squares problems (QR here, numpy's SVD there).
        #expect(abs(got[k] - expected[k]) <= 1e-9 * max(abs(expected[k]), 1e-6), "\(name)[\(k)]: \(got[k]) vs \(expected[k])")
      }
      // The same series a week apart (dated weekly figures' days): the same variances per step,
      // the growth variance per day³ over 7³, and each lead in days the same steps ahead.
      let weekly = try #require(
        GrowthMovement.measure(t: z.indices.map { 7 * Double($0) }, z: z, horizon: 7 * Double(entry["horizon"] as! Int)))
      #expect(weekly.spacing == 7 && weekly.growthVariancePerStep == m.growthVariancePerStep)
      #expect(weekly.noiseVariance == m.noiseVariance && weekly.levelVariancePerStep == m.levelVariancePerStep)
      #expect(abs(weekly.growthVariancePerUnitCubed * 343 - m.growthVariancePerStep) <= 1e-15 * max(m.growthVariancePerStep, 1))
      #expect(abs(weekly.variance(atLead: 35) - m.variance(atLead: 5)) <= 1e-15)
    }
  }

  /// Over 20 series of pure noise around a cubic (nothing for the level or growth to move),
  /// the noise variance is recovered and the model adds next to nothing at the horizon.
  @Test("noise around a cubic: σ²_ε recovered within 10%, the horizon's variance within 20% of it")
  func noiseAroundACubic() throws {
    var noise: [Double] = []
    var atHorizon: [Double] = []
    for seed in 0..<20 {
      let e = SeasonalTests.normals(seed: UInt64(100 + seed), count: 400)
      let z = (0..<400).map { k -> Double in
        let s = Double(k) / 400
        return 20 + 3 * s - 2 * s * s + 0.5 * s * s * s + 0.1 * e[k]
      }
      let m = try #require(GrowthMovement.measure(t: z.indices.map(Double.init), z: z, horizon: 90))
      noise.append(m.noiseVariance)
      atHorizon.append(m.variance(atLead: 90))
    }
    let mean = noise.reduce(0, +) / 20
    // 20 series × ~400 squared lag-1 differences each: the mean's relative standard error is
    // about 12%/√20 ≈ 2.6% (a sample median of χ²₁ over 400); 10% is four of them.
    #expect(abs(mean / 0.01 - 1) < 0.10, "mean σ²_ε \(mean)")
    let horizonMean = atHorizon.reduce(0, +) / 20
    #expect(horizonMean < 1.2 * 0.01, "mean variance at 90 steps \(horizonMean)")
  }

  @Test("the variance at a lead and the shrinkage, worked by hand")
  func formulasByHand() {
    let m = GrowthMovement(
      spacing: 7, noiseVariance: 0.01, levelVariancePerStep: 0.002, growthVariancePerStep: 0.0001, windows: 4)
    // 21 days = 3 weekly steps: 0.01 + 3·0.002 + 3·4·7/6·0.0001 = 0.01 + 0.006 + 0.0014.
    #expect(abs(m.variance(atLead: 21) - 0.0174) < 1e-15)
    #expect(m.variance(atLead: 0) == 0.01)
    // Per day³: 0.0001 / 343. Toward a prior of 1e-6 per day³ with one window:
    // (4 · 0.0001/343 + 1e-6) / 5 per day³, times 343 per step.
    let shrunk = m.shrunk(toward: 1e-6)
    let expected = (4 * 0.0001 / 343 + 1e-6) / 5 * 343
    #expect(abs(shrunk.growthVariancePerStep / expected - 1) < 1e-12)
    #expect(shrunk.noiseVariance == m.noiseVariance && shrunk.levelVariancePerStep == m.levelVariancePerStep)
    #expect(GrowthMovement.prior([m, shrunk, m]) == m.growthVariancePerUnitCubed)
  }

  /// The standard deviation of `values` (n − 1).
  static func standardDeviation(_ values: [Double]) -> Double {
    let mean = values.reduce(0, +) / Double(values.count)
    return (values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(values.count - 1)).squareRoot()
  }

  @Test("widening keeps the median and the paths' order and reaches the asked spread; a wide column is left")
  func widening() {
    let g = SeasonalTests.normals(seed: 7, count: 1001)
    var values = g.map { 5 + 0.1 * $0 }
    let before = values
    let changed = values.withUnsafeMutableBufferPointer { GrowthMovement.widen($0, paths: 1001, toAtLeast: [0.3]) }
    #expect(changed == 1)
    var sortedBefore = before
    var sortedAfter = values
    #expect(abs(quantiles(selecting: &sortedAfter, [0.5])[0] - quantiles(selecting: &sortedBefore, [0.5])[0]) < 1e-12)
    #expect(abs(Self.standardDeviation(values) - 0.3) < 1e-12)
    let order = before.indices.sorted { before[$0] < before[$1] }
    #expect(zip(order, order.dropFirst()).allSatisfy { values[$0] <= values[$1] })
    var wide = before
    let untouched = wide.withUnsafeMutableBufferPointer { GrowthMovement.widen($0, paths: 1001, toAtLeast: [0.05]) }
    #expect(untouched == 0 && wide == before)
    // A matrix of 3 times × 1001 paths (time i of path p at i + 3p): only the time asked wider
    // than it is changes, and the count says one.
    var matrix: [Double] = []
    for p in 0..<1001 { matrix += [before[p], 2 * before[p], before[(p + 500) % 1001]] }
    let original = matrix
    let count = matrix.withUnsafeMutableBufferPointer { GrowthMovement.widen($0, paths: 1001, toAtLeast: [0.05, 0.3, 0]) }
    #expect(count == 1)
    let second = (0..<1001).map { matrix[1 + 3 * $0] }
    #expect(abs(Self.standardDeviation(second) - 0.3) < 1e-12)
    for p in 0..<1001 {
      let k = 3 * p
      #expect(matrix[k] == original[k] && matrix[k + 2] == original[k + 2])
    }
  }

  /// The paths' log standard deviation at column `i`, as ``GrowthMovement/widen`` measures it.
  static func spread(_ f: SeriesForecast, at i: Int) -> Double {
    let h = f.times.count
    return standardDeviation((0..<f.paths.columns).map { log(f.paths.storage[i + $0 * h]) })
  }

  /// The paths' log median at column `i`.
  static func median(_ f: SeriesForecast, at i: Int) -> Double {
    let h = f.times.count
    var column = (0..<f.paths.columns).map { log(f.paths.storage[i + $0 * h]) }
    return quantiles(selecting: &column, [0.5])[0]
  }

  /// A noisy series (SYNTHETIC: 1% growth a step with 15% noise in logs, 100 steps): the
  /// combination's log average smooths the noise away, and without the floor its band one step
  /// ahead is narrower than the noise the series shows; with it, every lead's band is at least
  /// the series' own movement's, the median forecast is the same and
  /// a note says so.
  @Test("a noisy series' band is at least its own movement's at every lead, with a note")
  func noisySeriesBand() throws {
    let noise = SeasonalTests.normals(seed: 12, count: 100)
    let y = (0..<100).map { exp(10 + 0.01 * Double($0) + 0.15 * noise[$0]) }
    let input = ForecastInput(name: "noisy", t: (1...100).map(Double.init), y: y, origin: nil)
    var options = ForecastOptions()
    options.horizon = .steps(18)
    options.paths = 2000
    options.growthMovementFloor = false
    let without = try Forecaster.forecastOne(input, index: 0, options: options)
    options.growthMovementFloor = true
    let with = try Forecaster.forecastOne(input, index: 0, options: options)
    let movement = try #require(GrowthMovement.measure(t: input.t, z: y.map { log($0) }, horizon: 18))
    let last = input.t.last!
    // The floor binds here: without it the first lead's band is narrower than the movement's.
    #expect(Self.spread(without, at: 0) < 0.95 * movement.variance(atLead: 1).squareRoot())
    for i in 0..<18 {
      let floor = movement.variance(atLead: with.times[i] - last).squareRoot()
      #expect(Self.spread(with, at: i) >= floor * (1 - 1e-9), "lead \(i + 1)")
      #expect(Self.spread(with, at: i) >= Self.spread(without, at: i) * (1 - 1e-9))
      #expect(abs(with.point[i] / without.point[i] - 1) < 1e-12)
      #expect(abs(Self.median(with, at: i) - Self.median(without, at: i)) < 1e-12, "the median forecast at lead \(i + 1)")
    }
    #expect(with.notes.contains { $0.kind == .widenedIntervals && $0.text.contains("own movement") })
    #expect(!without.notes.contains { $0.text.contains("own movement") })
  }
}
