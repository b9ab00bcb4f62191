import Foundation
import Serving
import TokenPlanCore

extension ModelSpec {
  /// The model as the serving model sees it.
  var served: ServedModel {
    ServedModel(
      name: name, totalParametersBillions: totalParametersBillions, activeParametersBillions: activeParametersBillions,
      precision: Precision(rawValue: precision) ?? .bf16, kvBytesPerTokenBF16: kvBytesPerToken,
      experts: expertsTotal.flatMap { e in expertsPerToken.map { (e, $0) } }, layers: layers, hiddenSize: hiddenSize)
  }
}

func precisionTFLOPS(_ table: [String: Double]) -> [Precision: Double] {
  var out: [Precision: Double] = [:]
  for (k, v) in table { if let p = Precision(rawValue: k) { out[p] = v } }
  return out
}

extension HardwareSpec {
  /// The accelerator as the serving model sees it.
  var accelerator: Accelerator {
    Accelerator(
      name: name, peakDenseTFLOPS: precisionTFLOPS(peakDenseTFLOPS), hbmGigabytes: hbmGigabytes,
      hbmTerabytesPerSecond: hbmTerabytesPerSecond, scaleUpGPUs: scaleUpGPUs ?? gpusPerNode)
  }
}

extension AcceleratorSpec {
  var accelerator: Accelerator {
    Accelerator(
      name: name, peakDenseTFLOPS: precisionTFLOPS(peakDenseTFLOPS), hbmGigabytes: hbmGigabytes,
      hbmTerabytesPerSecond: hbmTerabytesPerSecond, scaleUpGPUs: scaleUpGPUs)
  }
}

/// The catalogs' serving side: models, accelerators (purchasable hardware and the rest) and
/// measurements, and the serving model calibrated on them.
public struct ServingCatalog: Sendable {
  public var models: [String: ModelSpec]
  public var hardware: [String: HardwareSpec]
  public var accelerators: [String: AcceleratorSpec]
  public var measurements: [ServingMeasurement]
  /// Files read, in order.
  public var paths: [String]

  /// The serving model of these catalogs (calibrated on every measurement).
  /// - Throws: ``PlanError`` naming the catalog problem (a measurement of an unknown model, or
  ///   one that does not fit where it was measured).
  public func model() throws -> ServingModel {
    var accelerators: [String: Accelerator] = [:]
    for (k, a) in self.accelerators { accelerators[k] = a.accelerator }
    for (k, h) in hardware { accelerators[k] = h.accelerator }
    do throws(ServingError) {
      return try ServingModel(models: models.mapValues(\.served), accelerators: accelerators, measurements: measurements)
    } catch {
      throw PlanError(description: "the catalogs' serving measurements: \(error.description)")
    }
  }
}

extension Plan {
  /// Builds and calibrates ``serving`` from the plan's models, hardware, accelerators and
  /// measurements (once: Monte Carlo and scenarios reuse it).
  public mutating func calibrateServing() throws {
    serving = try ServingCatalog(models: models, hardware: hardware, accelerators: accelerators, measurements: measurements, paths: catalogs).model()
  }
}

extension CapacityPlanner {
  /// The pure input (prefill) and output (decode) rates workload `w` is served at on
  /// `hardware`: a `throughput:` entry for its model, hardware and latency class when the plan
  /// states one; else the serving model's operating point for its request shape and latency
  /// target (``ServingModel/operatingPoint(_:)``). Either is scaled by the plan's throughput
  /// factor. `nil` when neither gives a rate (the model does not fit the hardware, the hardware
  /// lacks the precision, or the plan has no serving model).
  public static func throughput(_ plan: Plan, workload w: Workload, hardware: String) -> Throughput? {
    let f = plan.throughputFactor
    if let t = plan.throughput.first(where: { $0.model == w.model && $0.hardware == hardware && $0.latencyClass == w.latencyClass }) {
      var scaled = t
      scaled.inputTokensPerSecond *= f
      scaled.outputTokensPerSecond *= f
      return scaled
    }
    return try? servingThroughput(plan, workload: w, hardware: hardware)
  }

  /// The precision workload `w` is served at on `hardware`: its own, the model's (`nil`), or
  /// under `lowest` the lowest the hardware has a peak for.
  public static func precision(of w: Workload, on hardware: String, plan: Plan) throws -> Precision? {
    guard let p = w.precision else { return nil }
    guard p == "lowest" else { return Precision(rawValue: p) }
    let peaks = plan.hardware[hardware]?.peakDenseTFLOPS ?? plan.accelerators[hardware]?.peakDenseTFLOPS ?? [:]
    // Precision orders by bytes per weight, fewest last: the maximum is the lowest precision.
    guard let lowest = Precision.allCases.filter({ peaks[$0.rawValue] != nil }).max() else {
      throw PlanError(description: "workload \(w.name): \(hardware) states no peak TFLOPS at any precision")
    }
    return lowest
  }

  /// The serving model's rates for `w` on `hardware` (see ``throughput(_:workload:hardware:)``).
  /// - Throws: ``PlanError`` saying why there is none.
  public static func servingThroughput(_ plan: Plan, workload w: Workload, hardware: String) throws -> Throughput {
    guard let serving = plan.serving else {
      throw PlanError(description: "no serving model: the plan's catalogs were not calibrated")
    }
    var query = ServingQuery(
      model: w.model, hardware: hardware, precision: try precision(of: w, on: hardware, plan: plan),
      // An input-only request is served as a prefill that yields one token, with no
      // interactivity to hold (nothing is streamed).
      inputTokens: w.inputTokensPerRequest, outputTokens: w.isInputOnly ? 1 : w.outputTokensPerRequest,
      tokensPerSecondPerUser: w.isInputOnly ? nil : w.tokensPerSecondPerUser, ttftP99Seconds: w.ttftP99Seconds)
    query.interactivityIsP99Bound = w.tokensPerSecondPerUserTarget == nil
    query.levers = w.levers
    let p: OperatingPoint
    do throws(ServingError) { p = try serving.operatingPoint(query) } catch {
      throw PlanError(description: "workload \(w.name) on \(hardware): \(error.description)")
    }
    let f = plan.throughputFactor
    return Throughput(
      model: w.model, hardware: hardware, latencyClass: w.latencyClass,
      inputTokensPerSecond: p.prefillTokensPerGPUSecond * f, outputTokensPerSecond: p.decodeTokensPerGPUSecond * f,
      estimated: p.basis == .estimated,
      provenance: Provenance(source: "serving model, \(p.basis.rawValue): " + p.sources.joined(separator: "; "), date: ""),
      operatingPoint: p)
  }
}
