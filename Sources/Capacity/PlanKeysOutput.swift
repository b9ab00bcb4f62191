import Foundation
import TokenPlanCore

/// The plan key table rendered: a JSON Schema (draft 2020-12) and the Markdown key reference.
extension PlanKeys {
  static let quarterPattern = "^([Ff][Yy])?[0-9]{4}[Qq][1-4]$"

  /// The JSON Schema of a plan file (`docs/plan.schema.json`): every section closed to unknown
  /// keys, required keys, value kinds and ranges as the reader checks them.
  public static func jsonSchema() -> JSONValue {
    var root = object(under: "", required: requiredKeys(under: ""))
    root.insert(("$schema", .string("https://json-schema.org/draft/2020-12/schema")), at: 0)
    root.insert(("title", .string("TokenPlan plan file")), at: 1)
    root.insert(("description", .string("Generated from Capacity's PlanKeys (tokenplan plan --schema); see docs/plan-format.md.")), at: 2)
    return .object(root)
  }

  static func requiredKeys(under section: String) -> [String] {
    all.filter { $0.parent == section && $0.required }.map(\.name)
  }

  /// A closed object of the keys under `section`.
  static func object(under section: String, required: [String]) -> [(String, JSONValue)] {
    let properties = all.filter { $0.parent == section }.map { ($0.name, schema(of: $0)) }
    var out: [(String, JSONValue)] = [
      ("type", .string("object")), ("additionalProperties", .bool(false)), ("properties", .object(properties)),
    ]
    if !required.isEmpty { out.append(("required", .array(required.map(JSONValue.string)))) }
    return out
  }

  static func number(min: Double?, max: Double?, exclusiveMin: Bool = false, integer: Bool = false) -> [(String, JSONValue)] {
    var out: [(String, JSONValue)] = [("type", .string(integer ? "integer" : "number"))]
    if let min { out.append((exclusiveMin ? "exclusiveMinimum" : "minimum", .number(min))) }
    if let max { out.append(("maximum", .number(max))) }
    return out
  }

  static func schema(of key: PlanKey) -> JSONValue {
    var out: [(String, JSONValue)]
    switch key.kind {
    case .string: out = [("type", .string("string"))]
    case .quarter: out = [("type", .string("string")), ("pattern", .string(quarterPattern))]
    case .number(let min, let max, let exclusiveMin): out = number(min: min, max: max, exclusiveMin: exclusiveMin)
    case .integer(let min, let max): out = number(min: Double(min), max: Double(max), integer: true)
    case .choice(let words): out = [("enum", .array(words.map(JSONValue.string)))]
    case .integerChoice(let values): out = [("enum", .array(values.map(JSONValue.integer)))]
    case .section:
      let sub = key.path
      out = object(under: sub, required: requiredKeys(under: sub))
    case .pathOrSection:
      let sub = key.path
      out = [("oneOf", .array([.object([("type", .string("string"))]), .object(object(under: sub, required: requiredKeys(under: sub)))]))]
    case .named:
      let sub = key.path + ".*"
      out = [("type", .string("object")), ("additionalProperties", .object(object(under: sub, required: requiredKeys(under: sub))))]
    case .sectionList:
      let sub = key.path + "[]"
      out = [("type", .string("array")), ("items", .object(object(under: sub, required: requiredKeys(under: sub))))]
    case .stringList: out = [("type", .string("array")), ("items", .object([("type", .string("string"))]))]
    case .numberList(let count):
      out = [
        ("type", .string("array")), ("items", .object([("type", .string("number")), ("minimum", .number(0))])),
        ("minItems", .number(Double(count))), ("maxItems", .number(Double(count))),
      ]
    case .quarterNumbers(let min, let max):
      out = [
        ("type", .string("object")), ("propertyNames", .object([("pattern", .string(quarterPattern))])),
        ("additionalProperties", .object(number(min: min, max: max))),
      ]
    case .namedNumbers: out = [("type", .string("object")), ("additionalProperties", .object(number(min: 0, max: nil)))]
    case .namedChoices(let words):
      out = [("type", .string("object")), ("additionalProperties", .object([("enum", .array(words.map { .string($0) }))]))]
    case .distribution:
      func parameters(_ n: Int) -> JSONValue {
        .object([
          ("type", .string("array")), ("items", .object([("type", .string("number"))])), ("minItems", .integer(n)),
          ("maxItems", .integer(n)),
        ])
      }
      out = [
        ("type", .string("object")), ("minProperties", .integer(1)), ("maxProperties", .integer(1)),
        ("additionalProperties", .bool(false)),
        ("properties", .object([("uniform", parameters(2)), ("triangular", parameters(3)), ("lognormal", parameters(2))])),
      ]
    }
    out.insert(("description", .string(key.text + (key.unit.isEmpty ? "" : " Unit: \(key.unit)."))), at: 0)
    return .object(out)
  }

  /// A key's kind as the reference prints it.
  static func describe(_ kind: PlanKey.Kind) -> String {
    func g(_ v: Double) -> String { v == v.rounded() && abs(v) < 1e15 ? String(Int(v)) : "\(v)" }
    switch kind {
    case .string: return "text"
    case .quarter: return "quarter"
    case .number(let min, let max, let exclusiveMin):
      switch (min, max) {
      case (let lo?, let hi?): return "number \(exclusiveMin ? ">" : "≥") \(g(lo)), ≤ \(g(hi))"
      case (let lo?, nil): return "number \(exclusiveMin ? ">" : "≥") \(g(lo))"
      case (nil, let hi?): return "number ≤ \(g(hi))"
      case (nil, nil): return "number"
      }
    case .integer(let min, let max): return "whole number \(min)–\(max)"
    case .choice(let words): return words.map { "`\($0)`" }.joined(separator: ", ")
    case .integerChoice(let values): return values.map(String.init).joined(separator: ", ")
    case .section: return "section"
    case .pathOrSection: return "path, or section"
    case .named: return "names → sections"
    case .sectionList: return "list of sections"
    case .stringList: return "list of text"
    case .numberList(let count): return "\(count) numbers ≥ 0"
    case .quarterNumbers(let min, let max): return "quarter → number ≥ \(g(min))" + (max.map { ", ≤ \(g($0))" } ?? "")
    case .namedNumbers: return "name → number ≥ 0"
    case .namedChoices(let words): return "name → " + words.map { "`\($0)`" }.joined(separator: ", ")
    case .distribution: return "`{uniform: [low, high]}`, `{triangular: [low, mode, high]}` or `{lognormal: [median, sd_log]}`"
    }
  }

  /// The key reference for `docs/plan-format.md`: one table row per key.
  public static func markdown() -> String {
    var lines = ["| key | value | default | unit | meaning |", "| --- | --- | --- | --- | --- |"]
    for k in all {
      let value = describe(k.kind)
      let fallback = k.required ? "required" : (k.defaultValue ?? "—")
      lines.append("| `\(k.path)` | \(value) | \(fallback) | \(k.unit) | \(k.text) |")
    }
    return lines.joined(separator: "\n") + "\n"
  }
}
