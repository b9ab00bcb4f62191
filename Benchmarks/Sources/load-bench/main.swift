// load-bench: DemandLoader on a large tidy CSV (Benchmarks/load/data/tidy-10m.csv), printing one
// JSON line: seconds, rows, panel shape, panel bytes, peak RSS. Run through load/run.sh.
import Demand
import Foundation

let path = CommandLine.arguments[1]
let checkOutliers = !CommandLine.arguments.contains("--no-outliers")
var options = DemandLoadOptions()
options.checkOutliers = checkOutliers
let start = DispatchTime.now().uptimeNanoseconds
let result = try DemandLoader.load(path: path, options: options)
let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
let p = result.panel
var usage = rusage()
getrusage(RUSAGE_SELF.rawValue, &usage)
let cells = p.values.storage.count
let observed = p.observed.filter { $0 }.count
let fileBytes = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
print(
  """
  {"tool": "tokenplan", "outlier_check": \(checkOutliers), "rows": \(observed), "shape": [\(p.dayCount), \(p.series.count)], \
  "total_s": \(seconds), "panel_mb": \(Double(cells * 9) / 1e6), "file_mb": \(Double(fileBytes) / 1e6), \
  "peak_rss_mb": \(Double(usage.ru_maxrss) / 1024), "checksum": \(p.values.storage.reduce(0, +)), \
  "warnings": \(result.warnings.count)}
  """)
