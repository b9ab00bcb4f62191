import Demand
import Forecasting
import Foundation
import TestSupport
import TokenPlanCore


/// The shipped synthetic panel and its truth, loaded once.
struct Synthetic: @unchecked Sendable {
  let panel: DemandPanel
  /// Series name (`…:tokens`) → (family, parameters with t in days since 2023-01-01).
  let truth: [String: (family: String, parameters: [String: Double])]

  static let shared: Synthetic = {
    let panel = try! DemandLoader.load(
      path: packageRoot.appendingPathComponent("datasets/synthetic/panel.csv.gz").path
    ).panel
    let json = try! JSONSerialization.jsonObject(
      with: Data(contentsOf: packageRoot.appendingPathComponent("datasets/synthetic/truth.json")))
      as! [String: Any]
    var truth: [String: (String, [String: Double])] = [:]
    for s in json["segments"] as! [[String: Any]] {
      let name = ["industry", "scenario", "modality", "region"].map { s[$0] as! String }
        .joined(separator: "/") + ":tokens"
      truth[name] = (s["family"] as! String, s["parameters"] as! [String: Double])
    }
    return Synthetic(panel: panel, truth: truth)
  }()

  /// `perFamily` tokens series of each generating family, in panel order.
  func sample(perFamily: Int) -> [ForecastInput] {
    var counts: [String: Int] = [:]
    return ForecastInput.from(panel, measure: .tokens).filter { input in
      guard let family = truth[input.name]?.family, counts[family, default: 0] < perFamily else {
        return false
      }
      counts[family, default: 0] += 1
      return true
    }
  }
}

/// Runs the async forecaster from synchronous test code.
func forecastAll(_ inputs: [ForecastInput], _ options: ForecastOptions) async -> [SeriesForecast] {
  await Forecaster.forecast(inputs, options: options).compactMap { try? $0.get() }
}
