import Foundation

/// A plan file as read: the capacity plan, the demand sources it names (resolved against the
/// plan's folder) and the forecast settings it states, as located text for the pipeline to read
/// into the forecast's own types (Capacity has no forecasting vocabulary).
public struct PlanFile: Sendable {
  /// A setting's text where the file states it.
  public struct Setting: Sendable, Equatable {
    public var text: String
    public var file: String
    public var line: Int?
    public var column: Int?
  }

  public var plan: Plan
  /// Raw demand data for `tokenplan run` (`demand_data:`).
  public var demandData: String?
  /// How to read it, when `demand_data:` is a section (its keys as written, checked).
  public var demandShape = DemandDataShape()
  /// A quarterly forecast CSV (`demand_file:`); `--demand` overrides it.
  public var demandFile: String?
  /// Event windows for the forecast (`events_file:`, `name,start,days` CSV).
  public var eventsFile: String?
  /// `reconcile:` and `growth_decay:`, when stated.
  public var reconcile: Setting?
  public var growthDecay: Setting?
}

/// How a demand file is read, as written in a plan's `demand_data:` section (there checked
/// against the key table) or on the command line (`--period`, `--basis`,
/// `--thousands-separator`, `--complete-through`; checked when applied to the loader's options).
public struct DemandDataShape: Sendable, Equatable {
  public var dateColumn: String?
  public var period: String?
  public var basis: String?
  public var thousandsSeparator: String?
  public var completeThrough: String?
  /// The column naming each row's measure (`--metric-column`, `demand_data.metric_column`).
  public var metricColumn: String?
  /// The metric column's values mapped to measures, as written: `VALUE=METRIC` (`--metric`,
  /// `demand_data.metrics`).
  public var metrics: [String] = []
  /// The SQL whose result is the data when the source is a database (`--query`, `demand_data.query`).
  public var query: String?
  public init() {}
}
