import Foundation
import TokenPlanCore

/// Everything the store keeps of one quarterly run, as plain values (the pipeline fills it; the
/// store does not import the stages).
public struct StoredRun: Sendable, Equatable {
  /// The store's id (set when read back; ignored when recording).
  public var id: Int64 = 0
  public var plan: String
  public var asOf: Quarter
  /// ISO 8601 UTC.
  public var createdAt: String
  public var toolVersion: String
  public var seed: UInt64
  public var paths: Int
  /// The output directory.
  public var output: String
  public var inputs: [Input] = []
  public var assumptions: [Assumption] = []
  public var forecasts: [Forecast] = []
  public var fits: [Fit] = []
  public var planValues: [PlanValue] = []
  public var actuals: [Actual] = []

  public init(plan: String, asOf: Quarter, createdAt: String, toolVersion: String, seed: UInt64, paths: Int, output: String) {
    self.plan = plan
    self.asOf = asOf
    self.createdAt = createdAt
    self.toolVersion = toolVersion
    self.seed = seed
    self.paths = paths
    self.output = output
  }

  /// An input file and its SHA-256.
  public struct Input: Sendable, Equatable {
    public var path: String
    public var sha256: String
    public init(path: String, sha256: String) {
      self.path = path
      self.sha256 = sha256
    }
  }

  /// A row of the assumptions register.
  public struct Assumption: Sendable, Equatable {
    public var key: String
    public var value: Double?
    public var unit: String
    public var source: String
    public var date: String
    public init(key: String, value: Double?, unit: String, source: String, date: String) {
      self.key = key
      self.value = value
      self.unit = unit
      self.source = source
      self.date = date
    }
  }

  /// A reconciled quarterly forecast of one node: tokens per day.
  public struct Forecast: Sendable, Equatable {
    public var series: String
    /// `total`, `bottom` or an aggregate level's name.
    public var level: String
    public var quarter: Quarter
    public var mean: Double
    public var p10: Double?
    public var p50: Double?
    public var p90: Double?
    /// The 95% interval's ends.
    public var lo95: Double?
    public var hi95: Double?
    /// The node's model.
    public var model: String
    public init(
      series: String, level: String, quarter: Quarter, mean: Double, p10: Double?, p50: Double?, p90: Double?,
      lo95: Double?, hi95: Double?, model: String
    ) {
      self.series = series
      self.level = level
      self.quarter = quarter
      self.mean = mean
      self.p10 = p10
      self.p50 = p50
      self.p90 = p90
      self.lo95 = lo95
      self.hi95 = hi95
      self.model = model
    }
  }

  /// One candidate's backtest scores for a series.
  public struct Fit: Sendable, Equatable {
    public var series: String
    public var model: String
    public var mase: Double?
    public var smape: Double?
    public var origins: Int
    public var selected: Bool
    public init(series: String, model: String, mase: Double?, smape: Double?, origins: Int, selected: Bool) {
      self.series = series
      self.model = model
      self.mase = mase
      self.smape = smape
      self.origins = origins
      self.selected = selected
    }
  }

  /// One numeric plan column of one row (`name` is the `plan.csv` column).
  public struct PlanValue: Sendable, Equatable {
    public var quarter: Quarter
    public var workload: String
    /// The site (`main` until plans have several).
    public var site: String
    public var name: String
    public var value: Double?
    public init(quarter: Quarter, workload: String, site: String = "main", name: String, value: Double?) {
      self.quarter = quarter
      self.workload = workload
      self.site = site
      self.name = name
      self.value = value
    }
  }

  /// A series' actual mean tokens per day over a whole quarter of the run's demand data.
  public struct Actual: Sendable, Equatable {
    public var series: String
    public var quarter: Quarter
    public var tokensPerDay: Double
    public init(series: String, quarter: Quarter, tokensPerDay: Double) {
      self.series = series
      self.quarter = quarter
      self.tokensPerDay = tokensPerDay
    }
  }
}
