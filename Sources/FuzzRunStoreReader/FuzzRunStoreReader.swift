// libFuzzer target for the run store's reader: a store whose rows another program wrote (text
// where numbers go, NULLs, quarters that do not exist, extreme numbers, pending runs) must read
// back, list, diff and score without a trap. Built for fuzzing by `scripts/fuzz.sh`; the
// ordinary build replays files (`fuzz-run-store-reader FILE…`), which the tests do over the
// committed corpus `Fuzz/corpus/store/`.
import CSQLite
import Foundation
import FuzzSupport
import RunStore
import TokenPlanCore

/// Values a column may be given: SQL literals chosen by the input's bytes.
let literals = [
  "NULL", "''", "'nan'", "'inf'", "1e308", "-1e308", "9223372036854775807", "-9223372036854775808", "0", "-0.0", "1",
  "'2026Q1'", "'2026Q9'", "'99999Q1'", "'0001Q1'", "'complete'", "'pending'", "'total'", "'bottom'", "'a/b:tokens'",
  "'x'''", "2.5e12", "-1", "'18446744073709551615'", "X'00ff'", "'2026-12-05T00:00:00Z'",
]

/// The store's tables and their columns (schema version 3).
let tables: [(String, [String])] = [
  ("runs", ["plan", "as_of", "created_at", "tool_version", "seed", "paths", "output", "status", "publish_token", "publish_host", "publish_path"]),
  ("run_inputs", ["run_id", "path", "sha256"]),
  ("run_assumptions", ["run_id", "key", "value", "unit", "source", "date"]),
  ("run_forecasts", ["run_id", "series", "level", "quarter", "mean", "p10", "p50", "p90", "lo95", "hi95", "model"]),
  ("run_fits", ["run_id", "series", "model", "mase", "smape", "origins", "selected"]),
  ("run_plan", ["run_id", "quarter", "workload", "site", "name", "value"]),
  ("run_actuals", ["run_id", "series", "quarter", "tokens_per_day"]),
]

/// One input: rows for a fresh store, each a table byte then a byte per column (a literal, or
/// for `run_id` a run 1…3); then every read the history commands make.
func fuzzRunStoreReader(_ bytes: [UInt8]) {
  let path = NSTemporaryDirectory() + "tokenplan-fuzz-store-\(getpid()).sqlite"
  defer { for suffix in ["", "-wal", "-shm", "-journal"] { unlink(path + suffix) } }
  guard (try? RunStore(.sqlite(path: path))) != nil else { return }
  var statements: [String] = []
  var k = 0
  while k < bytes.count {
    let (table, columns) = tables[Int(bytes[k]) % tables.count]
    k += 1
    let values = columns.map { column -> String in
      defer { k += 1 }
      let b = k < bytes.count ? Int(bytes[k]) : 0
      return column == "run_id" ? String(b % 3 + 1) : literals[b % literals.count]
    }
    statements.append("INSERT INTO \(table) (\(columns.joined(separator: ","))) VALUES (\(values.joined(separator: ",")))")
  }
  var db: OpaquePointer?
  guard sqlite3_open(path, &db) == SQLITE_OK else { return }
  for s in statements { _ = sqlite3_exec(db, s, nil, nil, nil) }  // a row the schema refuses is skipped
  sqlite3_close(db)
  guard let store = try? RunStore(.sqlite(path: path), create: false) else { return }
  _ = try? store.pendingRuns()
  let runs = (try? store.list()) ?? []
  var loaded: [StoredRun] = []
  for r in runs {
    guard let run = try? store.load(r.id) else { continue }
    loaded.append(run)
    _ = ForecastScore(run, actuals: run.actuals)
  }
  for (a, b) in zip(loaded, loaded.dropFirst()) {
    _ = RunDiff(a, b)
    _ = ForecastScore(a, actuals: b.actuals)
  }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzRunStoreReaderEntry(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
  fuzzRunStoreReader(Array(UnsafeBufferPointer(start: data, count: size)))
  return 0
}

@main
struct Entry {
  static func main() throws {
    try fuzzTargetMain(callback: fuzzRunStoreReaderEntry, replay: fuzzRunStoreReader)
  }
}
