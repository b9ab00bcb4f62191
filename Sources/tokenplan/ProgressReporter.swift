import Foundation
import Synchronization
import TokenPlan

/// Renders a run's progress on stderr: on a terminal, one bar per counted step with counts and
/// the time left (from the rate so far); otherwise plain lines (a count line every 10% of the
/// step); nothing when quiet.
final class ProgressReporter: Sendable {
  private struct State {
    var stepStart: [String: UInt64] = [:]
    var lastDecile: [String: Int] = [:]
    var barOpen = false
  }
  private let label: String
  private let quiet: Bool
  private let terminal: Bool
  private let state = Mutex(State())

  /// `label` starts every line (`run`, `forecast`, `backtest`).
  init(label: String, quiet: Bool, terminal: Bool) {
    self.label = label
    self.quiet = quiet
    self.terminal = terminal
  }

  /// Clears an open bar (before the command's own output).
  func endLine() {
    let text = state.withLock { close(&$0) }
    if !text.isEmpty { FileHandle.standardError.write(Data(text.utf8)) }
  }

  func report(_ event: ProgressEvent) {
    guard !quiet else { return }
    let now = DispatchTime.now().uptimeNanoseconds
    let text: String? = state.withLock { s in
      switch event {
      case .started(let step):
        s.stepStart[step] = now
        return nil
      case .message(let line):
        return close(&s) + "\(label): \(line)\n"
      case .finished(let step, let seconds):
        return close(&s) + "\(label): " + String(format: "%@ done in %.1f s\n", step, seconds)
      case .count(let step, let done, let total):
        guard total > 0 else { return nil }
        let elapsed = Double(now - (s.stepStart[step] ?? now)) / 1e9
        let left = done > 0 ? elapsed / Double(done) * Double(total - done) : .nan
        if terminal {
          let width = 30
          let filled = Int((Double(done) / Double(total) * Double(width)).rounded(.down))
          let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
          s.barOpen = true
          let eta = left.isFinite ? String(format: "%.0f s left", left) : "…"
          return "\r\u{1B}[2K\(label): \(step) \(bar) \(done)/\(total)  \(eta)"
        }
        guard total >= 20 else { return nil }
        let decile = done * 10 / total
        guard decile > (s.lastDecile[step] ?? 0) else { return nil }
        s.lastDecile[step] = decile
        return "\(label): " + String(format: "%@ %d/%d (%.0f s elapsed, about %.0f s left)\n", step, done, total, elapsed, left.isFinite ? left : 0)
      }
    }
    if let text { FileHandle.standardError.write(Data(text.utf8)) }
  }

  private func close(_ s: inout State) -> String {
    guard s.barOpen else { return "" }
    s.barOpen = false
    return "\r\u{1B}[2K"
  }
}
