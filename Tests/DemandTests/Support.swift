import Demand
import Foundation
import TestSupport
import TokenPlanCore


/// Loads CSV text.
func load(_ text: String, jsonLines: Bool = false, options: DemandLoadOptions = .init()) throws
  -> DemandLoadResult
{
  try DemandLoader.load(
    bytes: Array(text.utf8), file: jsonLines ? "t.jsonl" : "t.csv", jsonLines: jsonLines, options: options)
}

/// The errors of a load that must fail.
func loadErrors(_ text: String, jsonLines: Bool = false, options: DemandLoadOptions = .init())
  -> [LocatedError]
{
  do {
    _ = try load(text, jsonLines: jsonLines, options: options)
    return []
  } catch let e as DemandValidationError {
    return e.errors.map(\.detail)
  } catch let e as LocatedError {
    return [e]
  } catch {
    return []
  }
}

extension DemandPanel {
  /// Tokens per day of the series named `name` on `date` (nil when missing).
  func value(_ name: String, _ date: String) -> Double? {
    guard let s = series.firstIndex(where: { $0.name == name }), let d = CalendarDate(iso: date)
    else { return nil }
    let day = self.day(of: d)
    guard day >= 0 && day < dayCount, observed[day + s * dayCount] else { return nil }
    return values.storage[day + s * dayCount]
  }
}
