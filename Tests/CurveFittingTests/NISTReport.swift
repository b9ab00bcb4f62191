import CurveFitting
import Foundation
import Testing

/// Writes the NIST accuracy tables (Markdown) to the file named by `TOKENPLAN_NIST_REPORT`.
/// Not an assertion: the assertions are in the NIST suites; this records their figures for
/// `docs/nist-accuracy.md`. Skipped when the variable is unset.
@Test(
  "NIST accuracy report", .enabled(if: ProcessInfo.processInfo.environment["TOKENPLAN_NIST_REPORT"] != nil))
func writeNISTReport() throws {
  let path = try #require(ProcessInfo.processInfo.environment["TOKENPLAN_NIST_REPORT"])
  func f(_ x: Double) -> String { String(format: "%.1f", x) }
  var out = "## Linear (LRE: digits in agreement with the certified value, capped at 15)\n\n"
  out += "| set | coefficients (min) | std. deviations (min) | residual SD | R² |\n"
  out += "| --- | ---: | ---: | ---: | ---: |\n"
  for (name, design) in NISTLinearTests.cases {
    let (data, fit) = try NISTLinearTests.fit(name, design)
    let c = data.parameters.enumerated().map {
      logRelativeError(fit.coefficients[$0.offset], $0.element.certified)
    }.min() ?? 0
    let s = data.parameters.enumerated().map {
      logRelativeError(fit.standardErrors[$0.offset], $0.element.certifiedSD)
    }.min() ?? 0
    out += "| \(name) | \(f(c)) | \(f(s)) | "
    out += "\(f(logRelativeError(fit.residualStandardDeviation, data.residualSD!))) | "
    out += "\(f(logRelativeError(fit.rSquared, data.rSquared!))) |\n"
  }
  out += "\n## Nonlinear, each model written through `GrowthModel` (min parameter LRE; SSE LRE)\n\n"
  out += "| set | start 1: params | start 1: SSE | iterations | start 2: params | start 2: SSE | iterations |\n"
  out += "| --- | ---: | ---: | ---: | ---: | ---: | ---: |\n"
  for (name, model) in nistNonlinearModels {
    let a = try solveNIST(name, model, start: 1)
    let b = try solveNIST(name, model, start: 2)
    out += "| \(name) | \(f(a.parameterLRE)) | \(f(a.sseLRE)) | \(a.iterations) | "
    out += "\(f(b.parameterLRE)) | \(f(b.sseLRE)) | \(b.iterations) |\n"
  }
  out += "\n## Growth families on their NIST sets (min parameter LRE, mapped back to NIST's b; SSE LRE)\n\n"
  out += "| set | family | start 1 | start 2 | self-start | SSE (worst of three) |\n"
  out += "| --- | --- | ---: | ---: | ---: | ---: |\n"
  for c in NISTGrowthFamilyTests.cases {
    let data = try NISTDataset(kind: "nonlinear", name: c.dataset)
    let model = try #require(GrowthFamily.model(named: c.family))
    var cells: [String] = []
    var worstSSE = 15.0
    for start in [
      c.toFamily(data.parameters.map { $0.start1! }), c.toFamily(data.parameters.map { $0.start2! }),
      [:],
    ] {
      var options = FitOptions()
      options.fixed = c.fixed
      options.start = start.filter { c.fixed[$0.key] == nil }
      let fit = try CurveFitter.fit(model, t: data.x, y: data.y, options: options)
      let b = c.toNIST(fit.values)
      cells.append(f(data.parameters.enumerated().map { logRelativeError(b[$0.offset], $0.element.certified) }.min() ?? 0))
      worstSSE = min(worstSSE, logRelativeError(fit.sse, data.residualSumOfSquares!))
    }
    out += "| \(c.dataset) | \(c.family)\(c.fixed.isEmpty ? "" : " (t0 = 0)") | \(cells.joined(separator: " | ")) | \(f(worstSSE)) |\n"
  }
  try out.write(toFile: path, atomically: true, encoding: .utf8)
}
