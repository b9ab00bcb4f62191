import Foundation
import Testing
import TestSupport

@Suite("tokenplan throughput")
struct ThroughputCommandTests {
  func json(_ r: RunResult) throws -> [String: Any] {
    try #require(JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any], "\(r.stdout)\n\(r.stderr)")
  }

  @Test("a measured point, an interpolated one, an estimated one, and the JSON scripts read")
  func bases() throws {
    // MLPerf v5.1 Llama2-70B Offline on H200 at its own lengths: returned as published.
    let measured = try json(try runTokenplan([
      "throughput", "--model", "llama-70b", "--hardware", "H200", "--input-tokens", "222.33", "--output-tokens", "294.45",
      "--format", "json",
    ]))
    #expect(measured["basis"] as? String == "measured")
    #expect(measured["output_tokens_per_s_per_gpu"] as? Double == 4414.6)
    #expect(abs((measured["input_tokens_per_s_per_gpu"] as? Double ?? 0) - 4414.6 * 222.33 / 294.45) < 1e-6)
    #expect((measured["sources"] as? [String])?.first?.contains("MLPerf Inference v5.1") == true)
    for key in ["output_tokens_per_s_per_gpu", "input_tokens_per_s_per_gpu", "tokens_per_s_per_user", "basis", "sources"] {
      #expect(measured[key] != nil, "\(key)")
    }
    // Between measured lengths: interpolated. Held to twice the interactivity the
    // maximum-throughput point gives, it serves each user that fast and each GPU less.
    let args = ["throughput", "--model", "llama-70b", "--hardware", "H200", "--input-tokens", "1500", "--output-tokens", "500", "--format", "json"]
    let max = try json(try runTokenplan(args))
    let target = 2 * (max["tokens_per_s_per_user"] as? Double ?? 0)
    let held = try json(try runTokenplan(args + ["--tokens-per-second-per-user", String(target)]))
    #expect(max["basis"] as? String == "interpolated" && held["basis"] as? String == "interpolated")
    #expect((held["output_tokens_per_s_per_gpu"] as? Double ?? .infinity) < (max["output_tokens_per_s_per_gpu"] as? Double ?? 0))
    #expect(abs((held["tokens_per_s_per_user"] as? Double ?? 0) - target) < 1e-6 * target)
    // An accelerator with no measurement: estimated.
    let h20 = try json(try runTokenplan(["throughput", "--model", "llama-70b", "--hardware", "H20", "--input-tokens", "1000", "--output-tokens", "1000", "--format", "json"]))
    #expect(h20["basis"] as? String == "estimated")
  }

  @Test("the lever flags move the answer the way the levers do, and say so; half a lever is refused")
  func levers() throws {
    let args = ["throughput", "--model", "llama-70b", "--hardware", "B200", "--input-tokens", "3200", "--output-tokens", "400",
      "--tokens-per-second-per-user", "50", "--format", "json"]
    let off = try json(try runTokenplan(args))
    #expect(off["levers"] as? String == "no levers")
    let rate = { (d: [String: Any]) in d["output_tokens_per_s_per_gpu"] as? Double ?? 0 }
    for extra in [["--prompt-cache-hit-rate", "0.5"], ["--draft-tokens", "1", "--acceptance-rate", "0.85"], ["--disaggregated"], ["--shared-prefix-tokens", "1000"]] {
      let on = try json(try runTokenplan(args + extra))
      #expect(rate(on) > rate(off), "\(extra)")
      #expect((on["levers"] as? String ?? "no levers") != "no levers", "\(extra)")
      // The target still holds.
      #expect(abs((on["tokens_per_s_per_user"] as? Double ?? 0) - 50) < 1e-6 * 50, "\(extra)")
    }
    let half = try runTokenplan(args + ["--draft-tokens", "2"])
    #expect(half.status != 0 && half.stderr.contains("--acceptance-rate"), "\(half.stderr)")
    let bad = try runTokenplan(args + ["--prompt-cache-hit-rate", "1.5"])
    #expect(bad.status == 1 && bad.stderr.contains("0-1"), "\(bad.stderr)")
  }

  @Test("--catalog adds a measurement that is then returned as measured; bad queries exit 1 saying why")
  func catalogAndErrors() throws {
    let extra = try temporaryFile(
      """
      measurements:
        - {model: llama-70b, hardware: H20, gpus: 8, precision: fp8, engine: "vLLM (test)", scenario: max-throughput,
           input_tokens: 1000, output_tokens: 1000, output_tokens_per_s_per_gpu: 321, source: "test", date: "2026-12-05"}
      """, name: "extra.yaml")
    let added = try json(try runTokenplan([
      "throughput", "--model", "llama-70b", "--hardware", "H20", "--input-tokens", "1000", "--output-tokens", "1000",
      "--catalog", extra, "--format", "json",
    ]))
    #expect(added["basis"] as? String == "measured" && added["output_tokens_per_s_per_gpu"] as? Double == 321)
    let unknown = try runTokenplan(["throughput", "--model", "gpt-9", "--hardware", "H100", "--input-tokens", "1", "--output-tokens", "1"])
    #expect(unknown.status == 1 && unknown.stderr.contains("no model 'gpt-9'"), "\(unknown.stderr)")
    let fp4 = try runTokenplan(["throughput", "--model", "llama-70b", "--hardware", "H100", "--input-tokens", "1", "--output-tokens", "1", "--precision", "fp4"])
    #expect(fp4.status == 1 && fp4.stderr.contains("no fp4 peak"), "\(fp4.stderr)")
    let huge = try runTokenplan(["throughput", "--model", "deepseek-r1", "--hardware", "H100", "--input-tokens", "1000", "--output-tokens", "1000"])
    #expect(huge.status == 1 && huge.stderr.contains("does not fit") && huge.stderr.contains("refused"), "\(huge.stderr)")
    let badCatalog = try temporaryFile("measurements:\n  - {model: nope, hardware: H100}\n", name: "bad.yaml")
    let located = try runTokenplan(["throughput", "--model", "llama-70b", "--hardware", "H100", "--input-tokens", "1", "--output-tokens", "1", "--catalog", badCatalog])
    #expect(located.status == 1 && located.stderr.contains("bad.yaml:2:"), "\(located.stderr)")
  }
}
