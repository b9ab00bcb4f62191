import Capacity
import Foundation
import Testing
import TestSupport
import TokenPlan

/// The plan format from one source (issue 27): the key table generates the schema and the key
/// reference, and the reader and the schema agree.
@Suite("plan file schema")
struct PlanSchemaTests {
  /// Validates each YAML file against `docs/plan.schema.json` with Python's jsonschema; returns
  /// the number of errors per file (dates stay text, as the reader reads them).
  static func schemaErrors(_ files: [String]) throws -> [Int] {
    let script = """
      import json, sys, yaml, jsonschema
      class L(yaml.SafeLoader): pass
      L.add_constructor('tag:yaml.org,2002:timestamp', lambda loader, node: loader.construct_scalar(node))
      schema = json.load(open(sys.argv[1]))
      jsonschema.Draft202012Validator.check_schema(schema)
      v = jsonschema.Draft202012Validator(schema)
      for f in sys.argv[2:]:
          print(len(list(v.iter_errors(yaml.load(open(f), Loader=L)))))
      """
    let r = try runProcess(
      URL(fileURLWithPath: "/usr/bin/env"), ["python3", "-c", script, packageRoot.appendingPathComponent("docs/plan.schema.json").path] + files)
    #expect(r.status == 0, "\(r.stderr)")
    return r.stdout.split(separator: "\n").compactMap { Int($0) }
  }

  @Test("docs/plan.schema.json and plan-format.md's key reference are what the key table generates; the reference lists every key once")
  func generated() throws {
    let schema = try String(contentsOf: packageRoot.appendingPathComponent("docs/plan.schema.json"), encoding: .utf8)
    #expect(schema == PlanKeys.jsonSchema().serialized(indent: 2) + "\n", "regenerate: scripts/update-plan-keys.sh")
    let doc = try String(contentsOf: packageRoot.appendingPathComponent("docs/plan-format.md"), encoding: .utf8)
    let start = try #require(doc.range(of: "<!-- plan-keys:start -->\n"))
    let end = try #require(doc.range(of: "<!-- plan-keys:end -->"))
    let reference = String(doc[start.upperBound..<end.lowerBound])
    #expect(reference == PlanKeys.markdown(), "regenerate: scripts/update-plan-keys.sh")
    let listed = reference.split(separator: "\n").dropFirst(2).compactMap { line -> String? in
      guard let a = line.range(of: "`"), let b = line[a.upperBound...].range(of: "`") else { return nil }
      return String(line[a.upperBound..<b.lowerBound])
    }
    #expect(listed == PlanKeys.all.map(\.path) && Set(listed).count == listed.count)
  }

  @Test("the schema accepts the shipped plans; the reader and the schema refuse the same broken ones")
  func agreement() throws {
    let catalogs = packageRoot.appendingPathComponent("datasets/catalog").path
    let base = try String(contentsOf: packageRoot.appendingPathComponent("datasets/plans/default.yaml"), encoding: .utf8)
      .replacingOccurrences(of: "../catalog/", with: catalogs + "/")
    let small = packageRoot.appendingPathComponent("Tests/TokenPlanCLITests/Snapshots/small/plan.yaml").path
    // (what is broken, the edit): an unknown key at several depths, a value out of range, a
    // wrong kind, a word not in a choice, a required key missing, a fraction where a whole
    // number goes, a malformed quarter, a distribution with a wrong arity.
    let broken: [(String, (String) -> String)] = [
      ("unknown top-level key", { $0 + "budget_owner: finance\n" }),
      ("unknown facility key", { $0.replacingOccurrences(of: "  rack_kw: 40 ", with: "  rack_count: 10\n  rack_kw: 40 ") }),
      ("unknown workload key", { $0.replacingOccurrences(of: "    tokens_per_s_per_user: 50\n", with: "    tokens_per_s_per_user: 50\n    priority: 1\n") }),
      ("interactivity of zero", { $0.replacingOccurrences(of: "    tokens_per_s_per_user: 50\n", with: "    tokens_per_s_per_user: 0\n") }),
      ("PUE out of range", { $0.replacingOccurrences(of: "  pue: 1.25", with: "  pue: 5") }),
      ("wait probability a word", { $0.replacingOccurrences(of: "wait_probability: 0.01", with: "wait_probability: high") }),
      ("capacity model not a model", { $0.replacingOccurrences(of: "capacity_model: queueing", with: "capacity_model: erlang") }),
      ("a 23-hour profile", { $0.replacingOccurrences(of: "  spare_replicas: 1", with: "  spare_replicas: 1\n  hourly_profile: [\((0..<23).map { _ in "1" }.joined(separator: ", "))]") }),
      ("latency class not a class", { $0.replacingOccurrences(of: "latency_class: offline", with: "latency_class: fast") }),
      ("reconcile not a method", { $0.replacingOccurrences(of: "reconcile: bottom_up", with: "reconcile: mint") }),
      ("money without its electricity price", { $0.replacingOccurrences(of: "  electricity_per_kwh: 0.088", with: "") }),
      ("fractional horizon", { $0.replacingOccurrences(of: "horizon_quarters: 8", with: "horizon_quarters: 8.5") }),
      ("malformed quarter", { $0.replacingOccurrences(of: "as_of: 2026Q1", with: "as_of: 2026-Q1") }),
      ("two-parameter triangular", { $0.replacingOccurrences(of: "{triangular: [0.06, 0.088, 0.12]}", with: "{triangular: [0.06, 0.12]}") }),
      ("negative demand share", { $0.replacingOccurrences(of: "demand_share: 0.01", with: "demand_share: -0.5") }),
    ]
    var files: [String] = []
    for (what, edit) in broken {
      let text = edit(base)
      #expect(text != base, "\(what): the edit did not apply")
      files.append(try temporaryFile(text, name: "plan.yaml"))
    }
    let errors = try Self.schemaErrors([try temporaryFile(base, name: "plan.yaml"), small] + files)
    #expect(errors.count == 2 + broken.count)
    #expect(errors.prefix(2).allSatisfy { $0 == 0 }, "the schema refuses a shipped plan: \(errors)")
    #expect(throws: Never.self) { _ = try PlanReader.read(path: small) }
    for (k, (what, _)) in broken.enumerated() {
      #expect(errors.count > 2 + k && errors[2 + k] > 0, "the schema accepts: \(what)")
      var readerRefused = false
      do {
        _ = try RunPlan.read(path: files[k])  // as `tokenplan run` reads a plan
      } catch is LocatedError {
        readerRefused = true
      }
      #expect(readerRefused, "the reader accepts: \(what)")
    }
  }
}
