// The serving model's accuracy (Benchmarks/serving/run.sh): every catalog measurement predicted
// with it left out, predicted over measured, by basis (interpolated: the model's other
// measurements on the same hardware and precision; estimated: the estimator calibrated on the
// rest of the catalog), and the estimator alone for every point.
import Capacity
import Foundation
import Serving

let catalogDir = CommandLine.arguments.count > 1 ? CommandLine.arguments[1] : "datasets/catalog"
let files = ["hardware.yaml", "accelerators.yaml", "models-throughput.yaml", "serving.yaml"].map { catalogDir + "/" + $0 }
let catalog = try PlanReader.readCatalogs(paths: files)
let model = try catalog.model()
let c = model.calibration
print(String(format: "catalog: %d measurements; calibration on all (%@): MFU %.3f, MBU %.3f, step overhead %.2f µs per layer, %.3f µs per sequence per layer, p99 factor %.2f",
  model.measurements.count, model.calibrationMethod.description, c.computeEfficiency, c.bandwidthEfficiency, c.stepOverheadPerLayerSeconds * 1e6, c.tokenOverheadPerLayerSeconds * 1e6, c.p99BoundFactor))
let held = try model.leaveOneOut()

func median(_ x: [Double]) -> Double {
  let s = x.sorted()
  return s.isEmpty ? .nan : s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
}
func summary(_ label: String, _ ratios: [Double]) {
  guard !ratios.isEmpty else { return print("\(label): none") }
  let within = ratios.filter { $0 >= 0.5 && $0 <= 2 }.count
  let within25 = ratios.filter { $0 >= 0.8 && $0 <= 1.25 }.count
  let logs = ratios.map { abs(log($0)) }
  print(String(format: "%@: n %d, median predicted/measured %.3f, median |log ratio| %.3f (x%.2f), within 0.8-1.25x %d (%.0f%%), within 2x %d (%.0f%%), worst %.2f / %.2f",
    label, ratios.count, median(ratios), median(logs), exp(median(logs)), within25, 100 * Double(within25) / Double(ratios.count),
    within, 100 * Double(within) / Double(ratios.count), ratios.min()!, ratios.max()!))
}
let modelled = held.filter(\.measurement.isModelled)
let unmodelled = held.filter { !$0.measurement.isModelled }
print("\nleave one out, the serving model's answer by basis (points served as the estimator models):")
for b in [ServingBasis.interpolated, .estimated] { summary("  " + b.rawValue, modelled.filter { $0.basis == b }.map(\.ratio)) }
summary("  all", modelled.map(\.ratio))
print("\nleave one out, the estimator alone (calibrated on the rest, no group fit):")
summary("  estimator", modelled.map(\.estimatorRatio))
let groupOut = try model.leaveGroupOut()
print("\nleave the whole model-hardware-precision group out (the estimated basis, as for an unmeasured pair):")
summary("  estimated", groupOut.filter(\.measurement.isModelled).map(\.ratio))
print("\npoints with unmodelled features (speculative decoding, disaggregation, unstated frontier configs; they calibrate nothing):")
summary("  serving model", unmodelled.map(\.ratio))
summary("  estimator", unmodelled.map(\.estimatorRatio))
// The points taken with speculative decoding and disaggregation, asked with those levers at
// their sourced values (DeepSeek-V3's MTP: 1 draft token, acceptance 0.85; prefill on replicas
// of its own), against asking without them: the levers' own check (they calibrate nothing).
print("\npoints with speculative decoding and disaggregation, levers off -> on at the sourced values (MTP 1 draft, acceptance 0.85; disaggregated):")
for m in model.measurements where m.features.contains("speculative-decoding") && m.features.contains("disaggregated") {
  var q = ServingQuery(
    model: m.model, hardware: m.hardware, precision: m.precision, inputTokens: m.inputTokens, outputTokens: m.outputTokens,
    tokensPerSecondPerUser: m.tokensPerSecondPerUser)
  let off = try model.operatingPoint(q)
  q.levers = ServingLevers(speculativeDecoding: .deepSeekMTP, disaggregated: true)
  let on = try model.operatingPoint(q)
  print(String(format: "  %@ on %@ at %@, %.0f/%.0f tokens, %.0f tokens/s per user: measured %.0f; levers off %.0f (x%.2f), on %.0f (x%.2f), %@",
    m.model, m.hardware, m.precision.rawValue, m.inputTokens, m.outputTokens, m.tokensPerSecondPerUser ?? 0, m.outputTokensPerSecondPerGPU,
    off.outputTokensPerSecondPerGPU, off.outputTokensPerSecondPerGPU / m.outputTokensPerSecondPerGPU,
    on.outputTokensPerSecondPerGPU, on.outputTokensPerSecondPerGPU / m.outputTokensPerSecondPerGPU, on.basis.rawValue))
}
print("\nby source:")
for (label, prefix) in [("MLPerf v5.1", "MLPerf"), ("TensorRT-LLM tables", "TensorRT-LLM")] {
  summary("  \(label), model", held.filter { $0.measurement.source.hasPrefix(prefix) }.map(\.ratio))
  summary("  \(label), estimator", held.filter { $0.measurement.source.hasPrefix(prefix) }.map(\.estimatorRatio))
}
print("\nby model (estimator alone, modelled points):")
for m in Set(modelled.map(\.measurement.model)).sorted() { summary("  \(m)", modelled.filter { $0.measurement.model == m }.map(\.estimatorRatio)) }
print("\nby hardware (estimator alone, modelled points):")
for h in Set(modelled.map(\.measurement.hardware)).sorted() { summary("  \(h)", modelled.filter { $0.measurement.hardware == h }.map(\.estimatorRatio)) }
if CommandLine.arguments.contains("--points") {
  print("\nmodel,hardware,precision,scenario,input,output,tokens_per_s_per_user,measured,predicted,basis,estimator")
  for h in held {
    let m = h.measurement
    print("\(m.model),\(m.hardware),\(m.precision.rawValue),\(m.scenario),\(m.inputTokens),\(m.outputTokens),\(m.tokensPerSecondPerUser.map { String($0) } ?? ""),\(m.outputTokensPerSecondPerGPU),\(String(format: "%.1f", h.predicted)),\(h.basis.rawValue),\(String(format: "%.1f", h.estimatorOnly))")
  }
}
if CommandLine.arguments.contains("--groups") {
  print("\ngroup,points,MFU,MBU,per-sequence µs")
  for (g, gc) in model.groupCalibrations.sorted(by: { $0.key < $1.key }) {
    print(String(format: "%@,%d,%.3f,%.3f,%.2f", g.description, model.measurements.filter { $0.group == g && $0.isModelled }.count,
      gc.computeEfficiency, gc.bandwidthEfficiency, gc.tokenOverheadPerLayerSeconds * 1e6))
  }
}
