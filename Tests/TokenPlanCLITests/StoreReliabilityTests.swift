import Foundation
import Testing
import TestSupport

#if canImport(Glibc)
  import Glibc
#endif

/// Issue 31, items 1–5: a run's outputs and its record are one outcome, and no store waits
/// without bound or shows a password.
@Suite("run store reliability")
struct StoreReliabilityTests {
  /// The runs `history list` shows.
  func listed(_ store: String) throws -> [[String: Any]] {
    let r = try runTokenplan(["history", "list", "--store", store, "--format", "json"])
    let object = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any], "\(r.stderr)")
    return try #require(object["runs"] as? [[String: Any]])
  }

  /// A first run into a SQLite store; its plan.csv bytes.
  func firstRun() throws -> (plan: String, dir: URL, store: String, storePath: String, out: URL, before: Data) {
    let (plan, dir) = try RunCommandTests.smallPlan()
    let storePath = dir.appendingPathComponent("history.sqlite").path
    let store = "sqlite:" + storePath
    let out = dir.appendingPathComponent("out")
    let first = try runTokenplan(["run", plan, "--out", out.path, "--paths", "50", "--quiet", "--store", store])
    #expect(first.status == 0, "\(first.stderr)")
    return (plan, dir, store, storePath, out, try Data(contentsOf: out.appendingPathComponent("plan.csv")))
  }

  /// Makes every commit that runs `after` (e.g. `INSERT ON runs`) fail: SQLite checks a deferred
  /// foreign key at COMMIT, so the trigger's row fails the commit as a full disk would, after
  /// every row was written.
  func failCommits(_ storePath: String, trigger: String, after: String) throws {
    try sqlite(storePath, """
      CREATE TABLE IF NOT EXISTS fail_target (id INTEGER PRIMARY KEY);
      CREATE TABLE IF NOT EXISTS fail_at_commit (x INTEGER REFERENCES fail_target(id) DEFERRABLE INITIALLY DEFERRED);
      CREATE TRIGGER \(trigger) AFTER \(after) BEGIN INSERT INTO fail_at_commit VALUES (1); END;
      """)
  }

  @Test("a store whose commit fails leaves the previous outputs and the store as they were (the README's promise)")
  func commitFails() throws {
    let (plan, _, store, storePath, out, before) = try firstRun()
    try failCommits(storePath, trigger: "fail_on_insert", after: "INSERT ON runs")
    let failed = try runTokenplan(["run", plan, "--out", out.path, "--paths", "50", "--quiet", "--seed", "9", "--store", store])
    #expect(failed.status == 1 && failed.stderr.contains("FOREIGN KEY"), "\(failed.stderr)")
    #expect(try Data(contentsOf: out.appendingPathComponent("plan.csv")) == before)
    #expect(try listed(store).count == 1)
  }

  @Test("a store that fails to mark the run published puts the previous outputs back and keeps no record")
  func markFails() throws {
    let (plan, _, store, storePath, out, before) = try firstRun()
    try failCommits(storePath, trigger: "fail_on_update", after: "UPDATE OF status ON runs")
    let failed = try runTokenplan(["run", plan, "--out", out.path, "--paths", "50", "--quiet", "--seed", "9", "--store", store])
    #expect(failed.status == 1 && failed.stderr.contains("FOREIGN KEY"), "\(failed.stderr)")
    #expect(try Data(contentsOf: out.appendingPathComponent("plan.csv")) == before)
    try sqlite(storePath, "DROP TRIGGER fail_on_update;")
    #expect(try listed(store).count == 1)
    #expect(try sqliteOutput(storePath, "SELECT count(*) FROM runs; SELECT count(*) FROM run_plan WHERE run_id > 1;") == "1\n0")
  }

  @Test("a run killed after publishing and before marking its record is listed with its outputs at the next opening")
  func killedAfterPublish() throws {
    let (plan, dir, store, storePath, out, before) = try firstRun()
    let paused = dir.appendingPathComponent("paused").path
    let killed = try killRun(
      after: "publish", [plan, "--out", out.path, "--paths", "50", "--quiet", "--seed", "5", "--store", store], pauseFile: paused)
    #expect(killed.status == 0, "\(killed.stderr)")
    #expect(FileManager.default.fileExists(atPath: paused), "the run never reached the publish step")
    let after = try Data(contentsOf: out.appendingPathComponent("plan.csv"))
    #expect(after != before)  // seed 5: the new outputs are published
    #expect(try sqliteOutput(storePath, "SELECT status FROM runs ORDER BY id;") == "complete\npending")
    let runs = try listed(store)  // resolves the pending record from the run log's token
    #expect(runs.count == 2)
    #expect(try sqliteOutput(storePath, "SELECT status FROM runs ORDER BY id;") == "complete\ncomplete")
    // Killed after the record and before the publish: the previous outputs, the record discarded.
    let paused2 = dir.appendingPathComponent("paused2").path
    _ = try killRun(
      after: "store", [plan, "--out", out.path, "--paths", "50", "--quiet", "--seed", "6", "--store", store], pauseFile: paused2)
    #expect(FileManager.default.fileExists(atPath: paused2))
    #expect(try Data(contentsOf: out.appendingPathComponent("plan.csv")) == after)
    #expect(try listed(store).count == 2)
    #expect(try sqliteOutput(storePath, "SELECT count(*) FROM runs;") == "2")
  }

  @Test("a foreign SQLite file given as a store is refused untouched: the same bytes, its journal mode kept, no -wal or -shm")
  func foreignSQLite() throws {
    let (plan, dir) = try RunCommandTests.smallPlan()
    let foreign = dir.appendingPathComponent("crm.sqlite").path
    try sqlite(foreign, "CREATE TABLE customers (name TEXT); INSERT INTO customers VALUES ('Ada');")
    let bytes = try Data(contentsOf: URL(fileURLWithPath: foreign))
    let out = dir.appendingPathComponent("out")
    let r = try runTokenplan(["run", plan, "--out", out.path, "--paths", "50", "--quiet", "--store", "sqlite:" + foreign])
    #expect(r.status == 1 && r.stderr.contains("a TokenPlan run store"), "\(r.stderr)")
    let h = try runTokenplan(["history", "list", "--store", "sqlite:" + foreign])
    #expect(h.status == 1 && h.stderr.contains("a TokenPlan run store"), "\(h.stderr)")
    #expect(try Data(contentsOf: URL(fileURLWithPath: foreign)) == bytes)
    #expect(!FileManager.default.fileExists(atPath: foreign + "-wal") && !FileManager.default.fileExists(atPath: foreign + "-shm"))
    #expect(try sqliteOutput(foreign, "PRAGMA journal_mode;") == "delete")
  }

  @Test("an in-memory SQLite store and a password in a PostgreSQL URL's query are refused before any work; the password is never shown")
  func refusedStores() throws {
    let (plan, dir) = try RunCommandTests.smallPlan()
    for (store, message) in [
      ("sqlite::memory:", "in-memory"), ("postgresql://planner@127.0.0.1:1/tp?password=hunter2", "without a password"),
      ("postgresql://planner@127.0.0.1:1/tp?sslmode=disable&Password=hunter2", "without a password"),
    ] {
      let out = dir.appendingPathComponent("out-\(UUID().uuidString)")
      let r = try runTokenplan(["run", plan, "--out", out.path, "--paths", "50", "--store", store])
      #expect(r.status != 0 && r.stderr.contains(message), "\(store): \(r.stderr)")
      #expect(!r.stderr.contains("hunter2") && !r.stderr.contains("load done"), "\(store): \(r.stderr)")
      #expect(!FileManager.default.fileExists(atPath: out.path))
      let h = try runTokenplan(["history", "list", "--store", store])
      #expect(h.status != 0 && h.stderr.contains(message) && !h.stderr.contains("hunter2"), "\(store): \(h.stderr)")
    }
  }

  /// A TCP listener on 127.0.0.1 that never accepts or answers (the kernel completes the
  /// handshake into the backlog): a PostgreSQL server that hangs. Returns its port and socket.
  func silentListener() throws -> (port: Int, socket: Int32) {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    #expect(fd >= 0)
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = 0
    var size = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, size) } }
    #expect(bound == 0 && listen(fd, 16) == 0)
    _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &size) } }
    return (Int(UInt16(bigEndian: address.sin_port)), fd)
  }

  @Test("an unanswering PostgreSQL server fails history and run within the connect timeout (default 10 s, or the URL's), saying what was waited for")
  func silentServer() throws {
    let (port, fd) = try silentListener()
    defer { close(fd) }
    let (plan, dir) = try RunCommandTests.smallPlan()
    let out = dir.appendingPathComponent("out")
    // `timeout 60` is the watchdog: a command still waiting then exits 124 and the test fails.
    let history = try runShell(
      "timeout 60 \"$0\" \"$@\"", [tokenplanBinary.path, "history", "list", "--store", "postgresql://planner@127.0.0.1:\(port)/tp"],
      environment: ["PGCONNECT_TIMEOUT": ""])
    #expect(history.status == 1, "\(history.status): \(history.stderr)")
    #expect(history.stderr.contains("waited 10 s") && history.stderr.contains("connect_timeout"), "\(history.stderr)")
    let run = try runShell(
      "timeout 60 \"$0\" \"$@\"",
      [tokenplanBinary.path, "run", plan, "--out", out.path, "--quiet", "--store", "postgresql://planner@127.0.0.1:\(port)/tp?connect_timeout=2"])
    #expect(run.status == 1, "\(run.status): \(run.stderr)")
    #expect(run.stderr.contains("waited 2 s") && run.stderr.contains("connect_timeout"), "\(run.stderr)")
    #expect(!FileManager.default.fileExists(atPath: out.path))
  }

  @Test("a table lock held by another session fails history and run within the lock timeout (default 20 s, or the URL's), saying what was waited for")
  func lockedTables() throws {
    let url = try freshPostgresURL()
    let (plan, dir) = try RunCommandTests.smallPlan()
    let out = dir.appendingPathComponent("out")
    #expect(try runTokenplan(["run", plan, "--out", out.path, "--paths", "50", "--quiet", "--store", url]).status == 0)
    // Another session holds an exclusive lock on the runs table for 60 s.
    let holder = Process()
    holder.executableURL = URL(fileURLWithPath: "/usr/bin/psql")
    holder.arguments = [url, "-q", "-c", "BEGIN; LOCK TABLE runs IN ACCESS EXCLUSIVE MODE; SELECT pg_sleep(60); COMMIT;"]
    holder.standardOutput = FileHandle.nullDevice
    holder.standardError = FileHandle.nullDevice
    try holder.run()
    defer {
      holder.terminate()
      _ = try? runShell("psql \"$0\" -qAtc \"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()\"", [url])
    }
    var locked = false
    for _ in 0..<100 where !locked {
      usleep(100_000)
      let r = try runShell("psql \"$0\" -Atc \"SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation WHERE c.relname = 'runs' AND l.mode = 'AccessExclusiveLock' AND l.granted\"", [url])
      locked = r.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "1"
    }
    #expect(locked, "the other session never took the lock")
    let separator = url.contains("?") ? "&" : "?"
    let history = try runShell(
      "timeout 50 \"$0\" \"$@\"", [tokenplanBinary.path, "history", "list", "--store", url + separator + "options=-c%20lock_timeout%3D1s"])
    #expect(history.status == 1 && history.stderr.contains("lock timeout") && history.stderr.contains("another session"), "\(history.status): \(history.stderr)")
    let run = try runShell(
      "timeout 50 \"$0\" \"$@\"", [tokenplanBinary.path, "run", plan, "--out", out.path, "--paths", "50", "--quiet", "--seed", "3", "--store", url])
    #expect(run.status == 1 && run.stderr.contains("lock timeout") && run.stderr.contains("another session"), "\(run.status): \(run.stderr)")
  }
}
