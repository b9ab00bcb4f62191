import Foundation
import TokenPlanCore
import Yams

extension Reader {
  /// `demand_data:`: a path, or a section with `path` and how to read the file.
  func demandData(_ node: Node, resolve: (Node) throws -> String) throws -> (String, DemandDataShape) {
    guard case .mapping = node else { return (try resolve(node), DemandDataShape()) }
    let m = try mapping(node, allowed: PlanKeys.allowed(under: "demand_data"))
    var shape = DemandDataShape()
    shape.dateColumn = try m["date_column"].map(string)
    shape.period = try m["period"].map { try choice($0, key: "demand_data.period") }
    shape.basis = try m["basis"].map { try choice($0, key: "demand_data.basis") }
    shape.thousandsSeparator = try m["thousands_separator"].map { try choice($0, key: "demand_data.thousands_separator") }
    shape.metricColumn = try m["metric_column"].map(string)
    shape.metrics = try m["metrics"].map { node in
      try pairs(node).map { name, measure in
        "\(try string(name))=\(try choice(measure, key: "demand_data.metrics"))"
      }
    } ?? []
    shape.completeThrough = try m["complete_through"].map { node in
      let text = try string(node)
      guard CalendarDate(iso: text) != nil else {
        throw error(node, expected: "a date YYYY-MM-DD for complete_through", fix: "write the last day the data is complete through, e.g. 2026-06-15")
      }
      return text
    }
    shape.query = try m["query"].map(string)
    // A database instead of a file: its URL (a SQLite path relative to the plan) and the query.
    if let urlNode = m["url"] {
      guard m["path"] == nil else {
        throw error(urlNode, expected: "either path: (a file) or url: (a database), not both", fix: "keep one of them")
      }
      guard shape.query != nil else {
        throw error(urlNode, expected: "query: beside url:, the SELECT whose rows are the demand", fix: "add query: \"SELECT day AS date, product, tokens FROM usage\"")
      }
      let url = try string(urlNode)
      if url.hasPrefix("sqlite:") {
        let path = String(url.dropFirst("sqlite:".count))
        return ("sqlite:" + (path.hasPrefix("/") ? path : try resolve(Node(path))), shape)
      }
      guard url.hasPrefix("postgresql://") || url.hasPrefix("postgres://") else {
        throw error(urlNode, expected: "sqlite:PATH or postgresql://user@host:port/db for url", fix: "write e.g. url: sqlite:usage.db")
      }
      return (url, shape)
    }
    if let q = m["query"] {
      throw error(q, expected: "query: only with url: (a database)", fix: "drop query:, or give url: instead of path:")
    }
    return (try resolve(try required(m, "path", node)), shape)
  }

  /// A hardware or model entry over the one of the same name read before, if any: its keys
  /// replace the earlier entry's, the rest are kept, and the override is recorded. An override
  /// states its own `source:` and `date:`; one that states only some keys leaves the entry's
  /// source as it was (the register cites the override for its keys).
  func merged(_ section: String, _ name: String, _ node: Node, into c: inout CatalogContents) throws -> Node {
    guard let earlier = c.entries[section]?[name] else {
      c.entries[section, default: [:]][name] = node
      return node
    }
    let stated = try pairs(node)
    let statedKeys = try stated.map { try string($0.0) }
    guard statedKeys.contains("source"), statedKeys.contains("date") else {
      throw error(node, expected: "source: and date: on an entry that overrides \(section) \(name) (defined before)",
        fix: "cite where the new figures come from: the keys stated replace the earlier entry's, the rest are kept")
    }
    let figures = statedKeys.filter { $0 != "source" && $0 != "date" }.sorted()
    let earlierPairs = try pairs(earlier)
    let earlierFigures = try Set(earlierPairs.map { try string($0.0) }.filter { $0 != "source" && $0 != "date" })
    let whole = earlierFigures.isSubset(of: figures)
    // A replacement takes its own source; a partial override keeps the entry's.
    let replacing = Set(whole ? statedKeys : figures)
    let kept = try earlierPairs.filter { !replacing.contains(try string($0.0)) }
    let keptKeys = Set(try kept.map { try string($0.0) })
    let pairs = kept + stated.filter { !keptKeys.contains((try? string($0.0)) ?? "") }
    let result = Node.mapping(Node.Mapping(pairs, .implicit, .any, node.mark))
    guard case .mapping(let m) = node else { return result }
    c.overrides.append(
      CatalogOverride(
        section: section, name: name, keys: figures, replacesWhole: whole, file: file,
        provenance: try provenance(try mapping(node, allowed: m.keys.compactMap(\.string)), node)))
    c.entries[section, default: [:]][name] = result
    return result
  }
}

extension PlanReader {
  /// Each key's line comment in the plan text, by dotted path (`facility.pue` →
  /// "China eastern hub clusters <= 1.25 (NDRC 2022 approvals)"): the item's own source as the
  /// plan writes it, which the register shows beside the figure. Keys of sections and of lists
  /// are walked; a comment on a section's own line, or on a line of its own, is not an item's.
  static func itemNotes(_ root: Node, text: String) -> [String: String] {
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
    var notes: [String: String] = [:]
    func walk(_ node: Node, _ path: String) {
      guard case .mapping(let m) = node else { return }
      for (key, value) in m {
        guard let name = key.string else { continue }
        let full = path.isEmpty ? name : path + "." + name
        if case .mapping = value, value.mark?.line != key.mark?.line {
          walk(value, full)
          continue
        }
        if case .sequence = value, value.mark?.line != key.mark?.line { continue }
        if let line = key.mark?.line, line >= 1, line <= lines.count, let note = comment(String(lines[line - 1])) {
          notes[full] = note
        }
      }
    }
    walk(root, "")
    return notes
  }

  /// The comment at the end of a YAML line: after a `#` outside quotes that follows a space.
  package static func comment(_ line: String) -> String? {
    var quote: Character?
    var previous: Character = " "
    for (k, ch) in zip(line.indices, line) {
      if let q = quote {
        if ch == q { quote = nil }
      } else if ch == "\"" || ch == "'" {
        quote = ch
      } else if ch == "#", previous == " " || previous == "\t" {
        let text = line[line.index(after: k)...].trimmingCharacters(in: .whitespaces)
        return text.isEmpty ? nil : text
      }
      previous = ch
    }
    return nil
  }
}
