import Demand
import Foundation
import Testing
import TokenPlanCore

/// Mutated inputs never crash or hang the loader: each ends in a panel or a located error.
@Suite("Demand loader fuzzing")
struct FuzzTests {
  static let base = Array(
    """
    date,industry,region,tokens_B,period,basis,unit_note
    2026-01-01,internet,east,10,day,,x
    2026-01-02,internet,east,11.5,day,,"quoted, with comma"
    2026-02-01,finance,north,280,month,total,
    2026-03-01,finance,south,3,month,per_day,y
    2026-01-05,retail,east,1e3,week,total,z

    """.utf8)

  /// One seeded mutation of `bytes`.
  static func mutate(_ bytes: [UInt8], _ rng: inout SplitMix64) -> [UInt8] {
    var b = bytes
    let pieces: [[UInt8]] = [
      Array("\"".utf8), Array(",".utf8), Array("\n".utf8), Array("\r".utf8),
      Array(String(repeating: "9", count: 400).utf8), Array("1e400".utf8), Array("-".utf8),
      Array("NaN".utf8), Array("2026-02-30".utf8), Array("quarter".utf8), [0xFF, 0xFE], [0],
      Array("ü".utf8), Array("\"\"".utf8), Array("per_day".utf8),
    ]
    for _ in 0..<(1 + Int(rng.next() % 4)) {
      guard !b.isEmpty else { break }
      let at = Int(rng.next() % UInt64(b.count))
      switch rng.next() % 7 {
      case 0: b[at] = UInt8(truncatingIfNeeded: rng.next())  // random byte
      case 1: b.removeSubrange(at..<min(b.count, at + Int(rng.next() % 12)))  // delete
      case 2: b = Array(b.prefix(at))  // truncate
      case 3: b.insert(contentsOf: pieces[Int(rng.next() % UInt64(pieces.count))], at: at)
      case 4:  // duplicate a line
        let lines = b.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
        let k = Int(rng.next() % UInt64(lines.count))
        b.append(contentsOf: lines[k] + [UInt8(ascii: "\n")])
      case 5:  // swap two header columns
        var header = String(decoding: b.prefix { $0 != UInt8(ascii: "\n") }, as: UTF8.self)
          .split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        if header.count > 2 {
          let i = Int(rng.next() % UInt64(header.count))
          let j = Int(rng.next() % UInt64(header.count))
          header.swapAt(i, j)
          let rest = b.drop { $0 != UInt8(ascii: "\n") }
          b = Array(header.joined(separator: ",").utf8) + rest
        }
      default:  // a huge number in a random place
        b.insert(contentsOf: Array("123456789012345678901234567890e300".utf8), at: at)
      }
    }
    return b
  }

  @Test("5,000 mutated CSV files end in a panel or a located error")
  func mutatedCSV() throws {
    var rng = SplitMix64(seed: 2026)
    var loaded = 0
    var refused = 0
    for _ in 0..<5_000 {
      let input = Self.mutate(Self.base, &rng)
      do {
        let result = try DemandLoader.load(bytes: input, file: "fuzz.csv")
        // A loaded panel is internally consistent.
        let p = result.panel
        #expect(p.values.rows == p.dayCount && p.values.columns == p.series.count)
        #expect(p.values.storage.allSatisfy { $0.isFinite && $0 >= 0 })
        loaded += 1
      } catch let e as LocatedError {
        #expect(e.file == "fuzz.csv" && !e.fix.isEmpty)
        refused += 1
      } catch let e as DemandValidationError {
        #expect(!e.errors.isEmpty)
        #expect(e.errors.allSatisfy { $0.detail.line != nil || $0.detail.found != nil })
        refused += 1
      }
    }
    // Both outcomes occur (the mutations are neither all harmless nor all fatal).
    #expect(loaded > 100 && refused > 100, "loaded \(loaded), refused \(refused)")
  }

  @Test("1,000 mutated JSON Lines files end in a panel or a located error")
  func mutatedJSONLines() throws {
    let base = Array(
      """
      {"date": "2026-01-01", "industry": "internet", "tokens_B": 10}
      {"date": "2026-01-02", "industry": "internet", "tokens_B": 11}
      {"date": "2026-01-01", "industry": "finance", "tokens_B": 1, "note": "a \\"quote\\""}

      """.utf8)
    var rng = SplitMix64(seed: 7)
    var (loaded, refused) = (0, 0)
    for _ in 0..<1_000 {
      let input = Self.mutate(base, &rng)
      do {
        _ = try DemandLoader.load(bytes: input, file: "fuzz.jsonl", jsonLines: true)
        loaded += 1
      } catch let e as LocatedError {
        #expect(e.file == "fuzz.jsonl", "\(e)")
        refused += 1
      } catch let e as DemandValidationError {
        // Every error names its line in the file.
        #expect(e.errors.allSatisfy { $0.detail.line != nil && $0.detail.file == "fuzz.jsonl" }, "\(e)")
        refused += 1
      }
    }
    // The mutations reach both outcomes (else the test exercises one path only).
    #expect(loaded > 50 && refused > 50, "loaded \(loaded), refused \(refused)")
  }
}
