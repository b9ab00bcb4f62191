import Documents
import Foundation

/// What a long job reports while it works (the quarterly run, forecast, backtest).
public enum ProgressEvent: Sendable {
  /// A step starts (`load`, `forecast`, `reconcile`, `plan`, `write`, `log`).
  case started(String)
  /// `done` of `total` items of the step.
  case count(String, done: Int, total: Int)
  /// A step ended after `seconds`.
  case finished(String, seconds: Double)
  /// A line of information or a warning.
  case message(String)
}

/// A receiver of progress events (called from any thread).
public typealias ProgressHandler = @Sendable (ProgressEvent) -> Void
