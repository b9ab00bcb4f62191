import Foundation
import TestSupport
import Testing

@Suite("tokenplan fit (end to end)")
struct FitCommandTests {
  /// Parameters from `reference/fit_reference.py` (scipy MINPACK on the same file, same model,
  /// log space). The logistic ceiling is barely identified by five points (stderr ≈ 4.6× K), so
  /// the SSE surface is flat along K and two solvers stopping at 1e-12–1e-15 relative SSE
  /// tolerances may differ by ~√(tol·dof)·stderr ≈ 1e-6 stderr. Hence: parameters within
  /// 1e-4 stderr, stderr within 1e-4 relative, SSE within 1e-10 relative.
  @Test("json output matches an independent scipy computation")
  func matchesScipy() throws {
    let result = try runTokenplan([
      "fit", "datasets/public/china-nda-daily-tokens.csv", "--model", "logistic",
      "--value-column", "tokens_T", "--errors", "multiplicative", "--format", "json",
    ])
    #expect(result.status == 0, "\(result.stderr)")
    let json = try #require(
      JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
    let referenceURL = packageRoot.appendingPathComponent(
      "Tests/TokenPlanCLITests/reference/fit_reference.json")
    let reference = try #require(
      JSONSerialization.jsonObject(with: Data(contentsOf: referenceURL)) as? [String: Any])
    let ref = try #require(reference["logistic_multiplicative"] as? [String: Any])
    let refParameters = try #require(ref["parameters"] as? [String: Double])
    let refStderr = try #require(ref["stderr"] as? [String: Double])
    let parameters = try #require(json["parameters"] as? [String: [String: Any]])
    #expect(json["model"] as? String == "logistic")
    #expect(json["n"] as? Int == 5)
    #expect(json["converged"] as? Bool == true)
    for name in ["K", "r", "t0"] {
      let p = try #require(parameters[name])
      let value = try #require(p["value"] as? Double)
      let se = try #require(p["stderr"] as? Double)
      #expect(abs(value - refParameters[name]!) <= 1e-4 * refStderr[name]!, "\(name)")
      #expect(abs(se - refStderr[name]!) <= 1e-4 * refStderr[name]!, "\(name) stderr")
      let ci = try #require(p["ci95"] as? [Double])
      // t(0.975, 2) = 4.302652729749462 (scipy.stats.t.ppf).
      #expect(abs((ci[1] - ci[0]) / 2 - 4.302652729749462 * se) <= 1e-9 * se)
    }
    let sse = try #require(json["sse"] as? Double)
    let refSSE = try #require(ref["sse"] as? Double)
    #expect(abs(sse - refSSE) <= 1e-10 * refSSE)
  }

  @Test("stdin, numeric time and --fix work together")
  func stdinNumeric() throws {
    // y = 10·(1 − e^(−0.5 t)) exactly, t0 fixed at 0.
    let rows = (1...12).map { t in "\(t),\(10 * (1 - exp(-0.5 * Double(t))))" }
    let csv = "t,y\n" + rows.joined(separator: "\n") + "\n"
    let result = try runTokenplan(
      ["fit", "-", "--model", "monomolecular", "--fix", "t0=0", "--format", "json"], stdin: csv)
    #expect(result.status == 0, "\(result.stderr)")
    let json = try #require(
      JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
    let parameters = try #require(json["parameters"] as? [String: [String: Any]])
    #expect(abs((parameters["K"]?["value"] as? Double ?? 0) - 10) < 1e-9)
    #expect(abs((parameters["r"]?["value"] as? Double ?? 0) - 0.5) < 1e-9)
    #expect(parameters["t0"]?["fixed"] as? Bool == true)
  }

  /// Each bad input: exit 1, the location in the message, nothing on stdout.
  @Test(
    "bad input is located and exits 1",
    arguments: [
      ("date,value\n2025-01-01,1\n2025-01-02,2\n", ["--value-column", "tokens"], "data.csv:1:",
        "column named 'tokens'"),
      ("date,value\n2025-01-01,1\n2025-01-02,abc\n2025-01-03,3\n2025-01-04,4\n", [], "data.csv:3:2",
        "found 'abc'"),
      ("date,value\n2025-01-01,1\n2025-01-02,1,200\n", [], "data.csv:3:", "2 fields"),
      ("date,value\n2025-01-01,1\n2025-01-32,2\n", [], "data.csv:3:1", "2025-01-32"),
      ("date,value\n2025-01-01,1\n2025-01-02,2\n2025-01-03,4\n", [], "data.csv", "more rows than"),
      ("date,value\n2025-01-01,1\n2025-01-02,0\n2025-01-03,4\n2025-01-04,8\n2025-01-05,9\n",
        ["--errors", "multiplicative"], "data.csv:3:2", "value > 0"),
      ("date,value\n2025-01-01,1\n2025-01-02,inf\n", [], "data.csv:3:2", "finite number"),
    ] as [(String, [String], String, String)])
  func badInput(csv: String, flags: [String], location: String, message: String) throws {
    let path = try temporaryFile(csv)
    let result = try runTokenplan(["fit", path, "--model", "logistic"] + flags)
    #expect(result.status == 1)
    #expect(result.stdout.isEmpty)
    #expect(result.stderr.contains(location), "\(result.stderr)")
    #expect(result.stderr.contains(message), "\(result.stderr)")
    #expect(result.stderr.contains("fix:"))
  }

  @Test("a fit that does not converge says so and prints no parameters")
  func nonConvergence() throws {
    // Rat43 (NIST, higher difficulty) from its far start 1 needs ~20 iterations; allow 2.
    let rows = zip([1.0, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15],
      [16.08, 33.83, 65.80, 97.20, 191.55, 326.20, 386.87, 520.53, 590.03, 651.92, 724.93,
        699.56, 689.96, 637.56, 717.41]).map { "\($0),\($1)" }
    let path = try temporaryFile("x,y\n" + rows.joined(separator: "\n") + "\n")
    let result = try runTokenplan([
      "fit", path, "--model", "richards", "--start", "K=100", "--start", "r=1", "--start",
      "t0=10", "--start", "nu=1", "--max-iterations", "2",
    ])
    #expect(result.status == 1, "\(result.stdout)")
    #expect(result.stdout.isEmpty)
    #expect(result.stderr.contains("no convergence after"), "\(result.stderr)")
  }

  @Test("bad usage exits 2")
  func usage() throws {
    let result = try runTokenplan(["fit", "datasets/public/china-nda-daily-tokens.csv"])
    #expect(result.status == 2)
    let family = try runTokenplan([
      "fit", "datasets/public/china-nda-daily-tokens.csv", "--model", "sigmoid",
    ])
    #expect(family.status == 1)
    #expect(family.stderr.contains("logistic"))
  }
}
