import Foundation
import TokenPlanCore
import Yams

/// The bounds a plan's values must stay within (docs/input-contract.md, "What TokenPlan refuses, and why").
public enum PlanLimits {
  /// The latency classes a workload or a throughput measurement may name (MLPerf Inference's
  /// scenarios, lower-case).
  public static let latencyClasses = ["server", "interactive", "offline"]
  /// Tokens per day above this are a unit mistake (10^20 is ~700,000× China's 1.4×10^14 a day
  /// of March 2026).
  public static let maximumTokensPerDay = 1e20
  /// The longest `source:` text, in characters: a citation with its URL fits many times over.
  public static let maximumSourceCharacters = 2_000

  /// A closed or half-open range of a driver's values.
  public struct Rule: Sendable {
    public var lower: Double
    public var lowerInclusive: Bool
    public var upper: Double
    public func contains(_ v: Double) -> Bool {
      v.isFinite && (lowerInclusive ? v >= lower : v > lower) && v <= upper
    }
    var text: String {
      let lo = lowerInclusive ? "≥ \(lower)" : "> \(lower)"
      return upper == .infinity ? lo : "\(lo) and ≤ \(upper)"
    }
  }
}

/// Levenshtein distance (for "did you mean" suggestions).
func editDistance(_ a: String, _ b: String) -> Int {
  let x = Array(a)
  let y = Array(b)
  var previous = Array(0...y.count)
  for i in 1...max(x.count, 1) where !x.isEmpty {
    var current = [i] + Array(repeating: 0, count: y.count)
    for j in 1...max(y.count, 1) where !y.isEmpty {
      current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (x[i - 1] == y[j - 1] ? 0 : 1))
    }
    previous = current
  }
  return x.isEmpty ? y.count : previous[y.count]
}
