import Capacity
import Demand
import Foundation

/// A workload's input/output ratio from the demand data, when the plan does not state it and the
/// data hold both input and output tokens: the input tokens over the output tokens of the series
/// its segment patterns match (`…:input_tokens` and `…:output_tokens` beside the `…:tokens` it
/// takes), summed over the data's last 90 days on which both were observed. Input tokens and no
/// output there make the workload input only.
package enum DataRatios {
  /// The days the ratio is measured over, the most recent.
  static let days = 90

  /// Sets each unstated workload's ratio from `panel` where the data allow, with its source;
  /// returns one message per ratio set.
  package static func apply(to plan: inout Plan, panel: DemandPanel) -> [String] {
    let n = panel.dayCount
    let first = max(0, n - days)
    var messages: [String] = []
    for k in plan.workloads.indices where plan.workloads[k].inputOutputRatioSource != nil {
      var input = 0.0
      var output = 0.0
      var outputSeries = false
      for (s, label) in panel.series.enumerated() where label.measure == .inputTokens || label.measure == .outputTokens {
        var total = label
        total.measure = .tokens
        guard plan.workloads[k].matches(series: total.name) else { continue }
        outputSeries = outputSeries || label.measure == .outputTokens
        for d in first..<n where panel.observed[d + s * n] {
          if label.measure == .inputTokens { input += panel.values.storage[d + s * n] } else { output += panel.values.storage[d + s * n] }
        }
      }
      // Input tokens beside a stated total and no output series: output is the rest, over
      // the days both are observed.
      if !outputSeries, input > 0 {
        var tokens = 0.0
        var matchedInput = 0.0
        for (s, label) in panel.series.enumerated() where label.measure == .inputTokens {
          var total = label
          total.measure = .tokens
          guard plan.workloads[k].matches(series: total.name),
            let t = panel.series.firstIndex(where: { $0.measure == .tokens && $0.name == total.name && $0.segments == label.segments })
          else { continue }
          for d in first..<n where panel.observed[d + s * n] && panel.observed[d + t * n] {
            tokens += panel.values.storage[d + t * n]
            matchedInput += panel.values.storage[d + s * n]
          }
        }
        if matchedInput > 0 { input = matchedInput }
        output = max(0, tokens - matchedInput)
        if output <= 1e-9 * input { output = 0 }
      }
      let span = "\(panel.date(ofDay: first))…\(panel.end)"
      if input > 0, output == 0 {
        // Input tokens and no output: embeddings, scoring. Served as prefill alone.
        plan.workloads[k].inputOutputRatio = .infinity
        plan.workloads[k].inputOutputRatioSource = "the demand data: input tokens and no output in its series, \(span)"
        messages.append("\(plan.workloads[k].name): input tokens only in the demand data (\(span)): planned as prefill, \(Int(plan.workloads[k].inputOnlyTokensPerRequest)) input tokens per request (input_tokens:); input_output_ratio: in the plan overrides it")
        continue
      }
      if output > 0, input == 0 {
        // Output tokens and no input: all of its tokens are output (no prefill).
        plan.workloads[k].inputOutputRatio = 0
        plan.workloads[k].inputOutputRatioSource = "the demand data: output tokens and no input in its series, \(span)"
        messages.append("\(plan.workloads[k].name): output tokens only in the demand data (\(span)): planned without prefill; input_output_ratio: in the plan overrides it")
        continue
      }
      guard input > 0, output > 0 else { continue }
      let ratio = input / output
      plan.workloads[k].inputOutputRatio = ratio
      plan.workloads[k].inputOutputRatioSource = "the demand data: input ÷ output tokens of its series, \(span)"
      messages.append("\(plan.workloads[k].name): input/output ratio \(String(format: "%.3g", ratio)) from the demand data (\(span)); input_output_ratio: in the plan overrides it")
      if plan.workloads[k].statedInputOnlyTokens != nil {
        messages.append("\(plan.workloads[k].name): input_tokens: is not used, as the demand data give output tokens too (input per request is the ratio × output_tokens)")
      }
    }
    return messages
  }
}
