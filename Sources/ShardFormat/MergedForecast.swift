import Forecasting
import Foundation
import TokenPlanCore

/// Shards merged back into one forecast: the series in the whole input's order.
public struct MergedForecast: Sendable {
  /// The shards' common manifest (shard 1's).
  public var manifest: ShardResult.Manifest
  /// Every merged shard's manifest, in shard order.
  public var manifests: [ShardResult.Manifest]
  public var structure: ShardResult.Structure?
  /// Forecasts and failures in the whole input's order.
  public var forecasts: [PeriodForecast]
  public var failures: [ForecastFailure]

  /// Reads and merges the shard directories `paths` (each `shard-K-of-N`, or a directory that
  /// holds them).
  ///
  /// - Throws: a located error naming the shard when one is missing, damaged, or made from other
  ///   inputs, settings, seed or tool version than the others, or when two different results
  ///   claim the same shard. The same shard given twice with the same result (a retried shard)
  ///   counts once.
  public static func merge(_ paths: [String]) throws -> MergedForecast {
    var directories: [String] = []
    for path in paths {
      let manifest = URL(fileURLWithPath: path).appendingPathComponent("manifest.json").path
      if FileManager.default.fileExists(atPath: manifest) {
        directories.append(path)
        continue
      }
      let entries = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
      let shards = entries.filter { $0.hasPrefix("shard-") && $0.contains("-of-") }.sorted()
      guard !shards.isEmpty else {
        throw LocatedError(
          file: path, expected: "a shard directory (shard-K-of-N) or a directory holding them",
          fix: "name the directory given to --shard-dir, or its shard-K-of-N directories")
      }
      directories += shards.map { URL(fileURLWithPath: path).appendingPathComponent($0).path }
    }
    var byIndex: [Int: (path: String, result: ShardResult)] = [:]
    var first: (path: String, result: ShardResult)?
    for path in directories {
      let result = try ShardResult.read(path)
      let m = result.manifest
      if let first {
        let f = first.result.manifest
        guard m.identity == f.identity else {
          throw LocatedError(
            file: path, expected: "a shard of the same forecast as \(first.path)",
            fix: "it differs in \(ShardResult.difference(m, f)); merge shards of one run (same inputs, settings, seed, tool version and shard count)")
        }
      } else {
        first = (path, result)
      }
      if let earlier = byIndex[m.shard.index] {
        guard earlier.result.manifest.resultSHA256 == m.resultSHA256 else {
          throw LocatedError(
            file: path, expected: "one result for shard \(m.shard)",
            fix: "\(earlier.path) holds a different result for the same shard; keep one of them")
        }
        continue
      }
      byIndex[m.shard.index] = (path, result)
    }
    guard let first else {
      throw LocatedError(file: "<command line>", expected: "at least one shard result", fix: "name the shard directories")
    }
    let n = first.result.manifest.shard.count
    if let missing = (1...n).first(where: { byIndex[$0] == nil }) {
      let count = (1...n).filter { byIndex[$0] == nil }.count
      throw LocatedError(
        file: URL(fileURLWithPath: first.path).deletingLastPathComponent().appendingPathComponent(
          ShardResult.directoryName(ShardSpec(index: missing, count: n))
        ).path,
        expected: "every shard of \(n) (\(count) missing)",
        fix: "run the missing shard (--shard \(missing)/\(n)) and merge again")
    }
    let total = first.result.manifest.seriesTotal
    var forecasts = [PeriodForecast?](repeating: nil, count: total)
    var failures = [ForecastFailure?](repeating: nil, count: total)
    var seen = [Bool](repeating: false, count: total)
    for k in 1...n {
      let (path, result) = byIndex[k]!
      let items = result.forecasts.map { ($0.index, $0.forecast.name) } + result.failures.map { ($0.index, $0.failure.series) }
      for (index, name) in items {
        guard (0..<total).contains(index), !seen[index], ShardSpec.shard(of: name, count: n) == k else {
          throw LocatedError(
            file: path, expected: "series \(name) only in its own shard, once",
            fix: "the shard results disagree on which series they hold; run every shard again with one tool version")
        }
        seen[index] = true
      }
      for (index, f) in result.forecasts { forecasts[index] = f }
      for (index, f) in result.failures { failures[index] = f }
    }
    // A hierarchy's nodes are reconciled period by period: every forecast covers the same
    // periods with the manifest's path count (checked here, so the error names the shard).
    if first.result.manifest.hierarchical, let reference = forecasts.lazy.compactMap({ $0 }).first {
      let periods = reference.periods.map(\.period)
      for k in 1...n {
        let (path, result) = byIndex[k]!
        if let bad = result.forecasts.first(where: { $0.forecast.periods.map(\.period) != periods || $0.forecast.pathCount != first.result.manifest.paths }) {
          throw LocatedError(
            file: URL(fileURLWithPath: path).appendingPathComponent("result.bin").path,
            expected: "series \(bad.forecast.name) over the same \(periods.count) periods with \(first.result.manifest.paths) paths as the other shards' series",
            fix: "the shard result is damaged or from another run; run shard \(result.manifest.shard) again")
        }
      }
    }
    guard seen.allSatisfy({ $0 }) else {
      throw LocatedError(
        file: first.path, expected: "all \(total) series across the shards",
        fix: "\(seen.filter { !$0 }.count) series are in no shard; run every shard again")
    }
    return MergedForecast(
      manifest: first.result.manifest, manifests: (1...n).map { byIndex[$0]!.result.manifest },
      structure: first.result.structure, forecasts: forecasts.compactMap { $0 },
      failures: failures.compactMap { $0 })
  }

  /// The forecast's settings by name.
  public func setting(_ name: String) -> String? { manifest.settings.first { $0.0 == name }?.1 }
}

extension ShardResult {
  /// The first field in which two manifests differ, for an error message.
  package static func difference(_ a: Manifest, _ b: Manifest) -> String {
    if a.toolVersion != b.toolVersion { return "tool version (\(a.toolVersion) against \(b.toolVersion))" }
    if a.shard.count != b.shard.count { return "shard count (\(a.shard.count) against \(b.shard.count))" }
    if a.seed != b.seed { return "seed (\(a.seed) against \(b.seed))" }
    if a.paths != b.paths { return "paths (\(a.paths) against \(b.paths))" }
    if a.hierarchical != b.hierarchical { return "kind (hierarchy against series)" }
    for (x, y) in zip(a.inputs, b.inputs) where x != y {
      return "input \(x.path) (SHA-256 \(x.sha256.prefix(12))… against \(y.path) \(y.sha256.prefix(12))…)"
    }
    for (x, y) in zip(a.settings, b.settings) where x != y { return "setting \(x.0) (\(x.1) against \(y.0)=\(y.1))" }
    return "its inputs or settings"
  }
}
