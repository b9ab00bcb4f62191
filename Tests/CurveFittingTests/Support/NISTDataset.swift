import Foundation
import TestSupport

/// One NIST StRD file parsed: certified values, starting points and data columns.
/// Files are the copies in `datasets/reference/nist-strd/` (source noted there).
struct NISTDataset {
  struct Parameter {
    var name: String
    var start1: Double?
    var start2: Double?
    var certified: Double
    var certifiedSD: Double
  }
  var name: String
  var parameters: [Parameter] = []
  var residualSumOfSquares: Double?
  var residualSD: Double?
  var rSquared: Double?
  /// Columns of the data block, in file order (y first, then predictors).
  var columns: [[Double]] = []

  var y: [Double] { columns[0] }
  var x: [Double] { columns[1] }

  static var root: URL { packageRoot.appendingPathComponent("datasets/reference/nist-strd") }

  init(kind: String, name: String) throws {
    self.name = name
    let text = try String(
      contentsOf: Self.root.appendingPathComponent("\(kind)/\(name).dat"), encoding: .utf8)
    let lines = text.components(separatedBy: "\n")
    func numbers(_ s: Substring) -> [Double] {
      s.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "=" }).compactMap { Double($0) }
    }
    // "Data   (lines A to B)" in the header gives the data block.
    var dataRange: ClosedRange<Int>?
    for line in lines.prefix(12) where line.contains("Data") && line.contains("lines") {
      let nums = line.split(whereSeparator: { !$0.isNumber }).compactMap { Int($0) }
      if nums.count >= 2 { dataRange = nums[nums.count - 2]...nums[nums.count - 1] }
    }
    guard let dataRange else { throw CocoaError(.fileReadCorruptFile) }
    for (index, line) in lines.enumerated() {
      let lineNo = index + 1
      let trimmed = line.trimmingCharacters(in: .whitespaces)
      if dataRange.contains(lineNo) {
        let row = numbers(Substring(trimmed))
        if columns.isEmpty { columns = Array(repeating: [], count: row.count) }
        for (j, v) in row.enumerated() { columns[j].append(v) }
        continue
      }
      let words = trimmed.split(separator: " ", omittingEmptySubsequences: true)
      guard let first = words.first else { continue }
      if first.count >= 2, first.first == "B" || first.first == "b",
        Int(first.dropFirst()) != nil
      {
        let nums = numbers(trimmed.dropFirst(first.count))
        if nums.count == 4 {
          parameters.append(
            Parameter(
              name: String(first), start1: nums[0], start2: nums[1], certified: nums[2],
              certifiedSD: nums[3]))
        } else if nums.count == 2 {
          parameters.append(
            Parameter(name: String(first), certified: nums[0], certifiedSD: nums[1]))
        }
      } else if trimmed.hasPrefix("Residual Sum of Squares") {
        residualSumOfSquares = numbers(Substring(trimmed)).last
      } else if trimmed.hasPrefix("Residual Standard Deviation")
        || (trimmed.hasPrefix("Standard Deviation") && words.count == 3)
      {
        residualSD = numbers(Substring(trimmed)).last
      } else if trimmed.hasPrefix("R-Squared") {
        rSquared = numbers(Substring(trimmed)).last
      }
    }
  }
}

/// Log relative error: the number of correct significant digits, `−log10(|q − c| / |c|)`
/// (`−log10|q − c|` when `c = 0`), capped at 15 as NIST's own tables do.
func logRelativeError(_ computed: Double, _ certified: Double) -> Double {
  if computed == certified { return 15 }
  guard computed.isFinite else { return 0 }
  let err = certified == 0 ? abs(computed) : abs(computed - certified) / abs(certified)
  return min(15, max(0, -log10(err)))
}
