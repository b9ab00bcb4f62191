import Capacity
import Foundation
import Testing
import TestSupport

/// The reader takes every numeric range and every choice's values from the key table
/// (`PlanKeys`), the list the key reference and the JSON Schema are generated from: a value just
/// outside a key's stated range, or a value a choice key does not list, is refused at its own
/// line, and each value a choice key lists is taken, for every such key of the sections the
/// default plan holds.
@Suite("Plan key ranges")
struct PlanKeyRangeTests {
  /// The section's header line in the default plan, and the indent of its keys.
  static let sections: [(prefix: String, header: String, indent: String)] = [
    ("workloads.*.", "  agents:\n", "    "), ("operations.", "operations:\n", "  "), ("money.", "money:\n", "  "),
    ("cost_lines.", "cost_lines:\n", "  "), ("uncertainty.", "uncertainty:\n", "  "), ("facility.", "facility:\n", "  "),
    ("fleet.", "fleet:\n", "  "),
  ]

  /// Values just outside the kind's range (none for an open side).
  static func outside(_ kind: PlanKey.Kind) -> [String] {
    switch kind {
    case .number(let lower, let upper, let exclusive):
      return (lower.map { [exclusive ? "\($0)" : "\($0 - 1e-6 * Swift.max(1, abs($0)))"] } ?? [])
        + (upper.map { ["\($0 + 1e-6 * Swift.max(1, abs($0)))"] } ?? [])
    case .integer(let lower, let upper): return ["\(lower - 1)", "\(upper + 1)"]
    case .choice: return ["nonesuch"]
    default: return []
    }
  }

  static let path = packageRoot.appendingPathComponent("datasets/plans/default.yaml").path

  /// The default plan with `key` (at the top of its section) set to `value`, and that line's
  /// number; `nil` for a key outside the sections or nested below their top.
  static func plan(_ key: PlanKey, _ value: String, base: String) throws -> (text: String, line: Int)? {
    guard let section = Self.sections.first(where: { key.path.hasPrefix($0.prefix) }) else { return nil }
    let name = String(key.path.dropFirst(section.prefix.count))
    guard !name.contains("."), !name.contains("["), !name.contains("*") else { return nil }
    // The key's own line, wherever the section had it, replaced by one at the section's top.
    var kept = base.components(separatedBy: "\n").filter { !$0.hasPrefix(section.indent + name + ":") }
    let header = try #require(kept.firstIndex(of: String(section.header.dropLast())), "\(section.header)")
    kept.insert("\(section.indent)\(name): \(value)", at: header + 1)
    return (kept.joined(separator: "\n"), header + 2)
  }

  @Test("each value a choice key lists is taken")
  func listedChoicesTaken() throws {
    let base = try String(contentsOfFile: Self.path, encoding: .utf8)
    var checked = 0
    for key in PlanKeys.all {
      guard case .choice(let values) = key.kind else { continue }
      for value in values {
        guard let (text, line) = try Self.plan(key, value, base: base) else { continue }
        do {
          _ = try PlanReader.read(text: text, path: Self.path)
        } catch {
          // Another key may then be required (margins asks for target_utilization, located at
          // the section's first key); the value itself, at its own column, is never refused.
          let column = key.path.split(separator: ".").last!.count + (key.path.hasPrefix("workloads") ? 4 : 2) + 3
          #expect(!"\(error)".contains("default.yaml:\(line):\(column):"), "\(key.path) = \(value): \(error)")
        }
        checked += 1
      }
    }
    #expect(checked >= 12, "only \(checked) values checked")
  }

  @Test("a value just outside each numeric key's stated range, or a choice it does not list, is refused at its line")
  func outsideRefused() throws {
    let path = Self.path
    let base = try String(contentsOfFile: path, encoding: .utf8)
    var checked = 0
    for key in PlanKeys.all {
      for value in Self.outside(key.kind) {
        guard let (text, line) = try Self.plan(key, value, base: base) else { continue }
        #expect(throws: (any Error).self, "\(key.path) = \(value) was accepted") {
          _ = try PlanReader.read(text: text, path: path)
        }
        do {
          _ = try PlanReader.read(text: text, path: path)
        } catch {
          #expect("\(error)".contains("default.yaml:\(line):"), "\(key.path) = \(value): \(error)")
        }
        checked += 1
      }
    }
    #expect(checked >= 47, "only \(checked) values checked")
  }
}
