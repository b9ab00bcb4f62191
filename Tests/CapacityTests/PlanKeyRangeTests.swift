import Capacity
import Foundation
import Testing
import TestSupport

/// The reader takes every numeric range from the key table (`PlanKeys`), the list the key
/// reference and the JSON Schema are generated from: a value just outside a key's stated range
/// is refused at its own line, for every numeric key of the sections the default plan holds.
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
    default: return []
    }
  }

  @Test("a value just outside each numeric key's stated range is refused at its line")
  func outsideRefused() throws {
    let path = packageRoot.appendingPathComponent("datasets/plans/default.yaml").path
    let base = try String(contentsOfFile: path, encoding: .utf8)
    var checked = 0
    for key in PlanKeys.all {
      guard let section = Self.sections.first(where: { key.path.hasPrefix($0.prefix) }) else { continue }
      let name = String(key.path.dropFirst(section.prefix.count))
      guard !name.contains("."), !name.contains("["), !name.contains("*") else { continue }  // nested: not at the section's top
      for value in Self.outside(key.kind) {
        // The key's own line, wherever the section had it, replaced by one at the section's top.
        let lines = base.components(separatedBy: "\n")
        var kept = lines.filter { !$0.hasPrefix(section.indent + name + ":") }
        let header = try #require(kept.firstIndex(of: String(section.header.dropLast())), "\(section.header)")
        kept.insert("\(section.indent)\(name): \(value)", at: header + 1)
        let text = kept.joined(separator: "\n")
        let line = header + 2
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
    #expect(checked >= 40, "only \(checked) values checked")
  }
}
