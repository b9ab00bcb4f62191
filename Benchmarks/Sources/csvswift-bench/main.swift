// csvswift-bench: the same file through yaslab/CSV.swift (a maintained Swift CSV reader),
// tokenising only (no number parsing, no pivot) — the reason TokenPlan has its own byte-level
// scanner. Prints one JSON line.
import CSV
import Foundation

let path = CommandLine.arguments[1]
let start = DispatchTime.now().uptimeNanoseconds
guard let stream = InputStream(fileAtPath: path) else { fatalError("cannot open \(path)") }
let reader = try CSVReader(stream: stream, hasHeaderRow: true)
var rows = 0
var fields = 0
while let row = reader.next() {
  rows += 1
  fields += row.count
}
let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
print("{\"tool\": \"CSV.swift 2.5.2 (tokenise only)\", \"rows\": \(rows), \"fields\": \(fields), \"total_s\": \(seconds)}")
