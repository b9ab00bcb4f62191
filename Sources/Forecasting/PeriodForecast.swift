import Demand
import Foundation
import TokenPlanCore

/// One series' forecast summed to the periods of one granularity: how it was made (model,
/// scores, notes, the input and the fitted history) and every sample path's value per period,
/// without the daily paths. What reconciliation, the reports and a shard result need; built with
/// ``SeriesForecast/summed(to:)``, so a run holds `periods × paths` values per series instead of
/// `days × paths`.
@dynamicMemberLookup
public struct PeriodForecast: Sendable {
  /// How the series was forecast (its fields read as this value's own: `forecast.model`).
  public var fit: ForecastFit
  /// The granularity of ``periods`` (`.step` for an undated series whatever was asked).
  public var granularity: ForecastGranularity
  /// Per period, one value per path (in the input's unit per period).
  public var periods: [SeriesForecast.PeriodPaths]

  public init(fit: ForecastFit, granularity: ForecastGranularity, periods: [SeriesForecast.PeriodPaths]) {
    self.fit = fit
    self.granularity = granularity
    self.periods = periods
  }

  public subscript<Value>(dynamicMember field: WritableKeyPath<ForecastFit, Value>) -> Value {
    get { fit[keyPath: field] }
    set { fit[keyPath: field] = newValue }
  }

  /// Sample paths per period.
  public var pathCount: Int { periods.first?.values.count ?? 0 }

  /// Summaries per period (quantiles over paths, never sums of quantiles).
  public func rows(levels: [Int], level: HierarchyLevel? = nil) -> [ForecastRow] {
    periods.map {
      ForecastRow.summarising(
        $0.values, series: fit.name, period: $0.period, days: $0.days, observedDays: $0.observedDays, levels: levels,
        level: level)
    }
  }
}

extension SeriesForecast {
  /// The forecast summed to `granularity` (an undated series is always summed to steps), with
  /// everything but the daily paths.
  public func summed(to granularity: ForecastGranularity) -> PeriodForecast {
    let effective: ForecastGranularity = fit.input.origin == nil ? .step : granularity
    return PeriodForecast(fit: fit, granularity: effective, periods: periodPaths(granularity: effective))
  }
}
