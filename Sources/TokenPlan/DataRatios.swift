import Capacity
import Demand
import Foundation

/// A workload's input/output ratio from the demand data, when the plan does not state it and the
/// data hold both input and output tokens: the input tokens over the output tokens of the series
/// its segment patterns match (`…:input_tokens` and `…:output_tokens` beside the `…:tokens` it
/// takes), summed over the data's last 90 days on which both were observed.
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
      for (s, label) in panel.series.enumerated() where label.measure == .inputTokens || label.measure == .outputTokens {
        var total = label
        total.measure = .tokens
        guard plan.workloads[k].matches(series: total.name) else { continue }
        for d in first..<n where panel.observed[d + s * n] {
          if label.measure == .inputTokens { input += panel.values.storage[d + s * n] } else { output += panel.values.storage[d + s * n] }
        }
      }
      guard input > 0, output > 0 else { continue }
      let ratio = input / output
      plan.workloads[k].inputOutputRatio = ratio
      let span = "\(panel.date(ofDay: first))…\(panel.end)"
      plan.workloads[k].inputOutputRatioSource = "the demand data: input ÷ output tokens of its series, \(span)"
      messages.append("\(plan.workloads[k].name): input/output ratio \(String(format: "%.3g", ratio)) from the demand data (\(span)); input_output_ratio: in the plan overrides it")
    }
    return messages
  }
}
