// scale-bench: forecasts N SYNTHETIC daily series on one machine (Benchmarks/scale/run.sh) and
// reports the time, the CPU seconds per series and the peak memory, with a progress bar.
//   scale-bench SERIES [DAYS=1186] [PATHS=1000] [SEED=1]
// Each series follows one of the shipped synthetic panel's 270 generating curves (family and
// parameters from `SyntheticDemand.generate(seed: 20261129)`, series i takes segment i mod 270),
// its level scaled by e^N(0, 1) and its rate by e^N(0, 0.1²), with a weekend dip and AR(1)
// log-normal noise (φ = 0.5, σ = 0.05): the panel's shape, scaled to any count. All histories
// are held in memory (as a run holds its panel); each forecast is reduced, on the worker that
// made it, to its quarterly quantile rows (what `tokenplan forecast` prints), so no series'
// 1,000 daily paths outlive its own forecast. Memory: the peak RSS, the histories' share of it
// (RSS after generating them, less RSS before), and the peak above the pre-histories RSS per
// series.
import Demand
import Forecasting
import Foundation
import TokenPlanCore

let arguments = CommandLine.arguments
guard arguments.count >= 2, let count = Int(arguments[1]), count > 0 else {
  FileHandle.standardError.write(Data("usage: scale-bench SERIES [DAYS] [PATHS] [SEED]\n".utf8))
  exit(2)
}
let days = arguments.count > 2 ? Int(arguments[2])! : 1186
let paths = arguments.count > 3 ? Int(arguments[3])! : 1000
var rng = SplitMix64(seed: arguments.count > 4 ? UInt64(arguments[4])! : 1)

/// Peak resident set size so far, in MiB (VmHWM of /proc/self/status), or the current one
/// (VmRSS).
func peakMiB(_ field: String = "VmHWM:") -> Double {
  guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
    let line = status.split(separator: "\n").first(where: { $0.hasPrefix(field) }),
    let kb = Double(line.split(separator: " ", omittingEmptySubsequences: true)[1])
  else { return .nan }
  return kb / 1024
}
func cpuSeconds() -> Double {
  var usage = rusage()
  getrusage(RUSAGE_SELF.rawValue, &usage)
  return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
}

let templates = SyntheticDemand.generate(seed: 20261129).segments
let baseline = peakMiB("VmRSS:")
let origin = SyntheticDemand.Parameters.start
var inputs: [ForecastInput] = []
inputs.reserveCapacity(count)
for i in 0..<count {
  let segment = templates[i % templates.count]
  var p = segment.parameters
  let rateScale = exp(0.1 * rng.gaussian())
  for key in ["r", "p", "q"] where p[key] != nil { p[key]! *= rateScale }
  let level = exp(rng.gaussian())
  var y = [Double](repeating: 0, count: days)
  var ar = 0.0
  for d in 0..<days {
    ar = 0.5 * ar + 0.05 * (1 - 0.25).squareRoot() * rng.gaussian()
    let weekend = origin.adding(days: d).isoWeekday >= 6 ? 0.8 : 1
    y[d] = level * SyntheticDemand.level(segment.family, p, Double(d)) * weekend * exp(ar)
  }
  inputs.append(ForecastInput(name: "s\(i)", t: (0..<days).map(Double.init), y: y, origin: origin))
}
let afterInputs = peakMiB("VmRSS:")

var options = ForecastOptions()
options.horizon = .quarters(8)
options.paths = paths
let isTerminal = isatty(2) != 0
let start = Date()
let cpuStart = cpuSeconds()
let results = await Forecaster.forecast(
  inputs, options: options,
  progress: { done, total in
    guard done == total || done % max(total / 200, 1) == 0 else { return }
    let width = 40
    let filled = width * done / total
    let elapsed = Date().timeIntervalSince(start)
    let eta = done > 0 ? elapsed * Double(total - done) / Double(done) : 0
    let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
    let line = String(format: "[%@] %d/%d series, %.0f s, ETA %.0f s", bar, done, total, elapsed, eta)
    FileHandle.standardError.write(Data((isTerminal ? "\r" + line : line + "\n").utf8))
  },
  transform: { $0.summed(to: .quarter).rows(levels: [80, 95]) })
if isTerminal { FileHandle.standardError.write(Data("\n".utf8)) }
let seconds = Date().timeIntervalSince(start)
let cpu = cpuSeconds() - cpuStart
let peak = peakMiB()
let failed = results.filter { if case .failure = $0 { return true } else { return false } }.count
let rows = results.reduce(0) { $0 + ((try? $1.get())?.count ?? 0) }
let inputsMiB = afterInputs - baseline
print(
  """
  {"series": \(count), "days": \(days), "paths": \(paths), "cores": \(ProcessInfo.processInfo.activeProcessorCount), \
  "seconds": \(String(format: "%.1f", seconds)), "cpu_seconds": \(String(format: "%.1f", cpu)), \
  "cpu_ms_per_series": \(String(format: "%.1f", 1000 * cpu / Double(count))), \
  "peak_rss_mib": \(String(format: "%.0f", peak)), "inputs_mib": \(String(format: "%.0f", inputsMiB)), \
  "peak_rss_kib_per_series": \(String(format: "%.1f", 1024 * (peak - baseline) / Double(count))), \
  "inputs_kib_per_series": \(String(format: "%.1f", 1024 * inputsMiB / Double(count))), \
  "failed": \(failed), "rows": \(rows)}
  """)
