import Foundation
import Serving
import TokenPlanCore

/// One workload's pool of replicas on one hardware type at a quarter's peak hour, under
/// `capacity_model: queueing`.
///
/// A replica of `g` GPUs serving at the workload's operating point holds `B` sequences at once:
/// `B = g × T / s`, where `T` is the time a request holds a slot (its prompt's prefill plus
/// output tokens ÷ tokens per second per user) and `s` its GPU-seconds at the planner's rates
/// (so the slots agree with the throughput). The online requests of the peak hour (the hourly
/// profile's highest hour, at the quarter's sizing rate) offer `a = λ × T` Erlangs; Erlang C
/// gives the fewest slots for which a request waits past its wait target (the TTFT target less
/// its prefill, 2 s TTFT when unset) with at most the plan's probability; whole replicas hold
/// them, plus the spare replicas (N + k).
public struct PoolSizing: Sendable, Equatable {
  public var workload: String
  public var hardware: String
  /// Online requests per second at the peak hour.
  public var peakRequestsPerSecond: Double
  /// Seconds a request holds a sequence slot.
  public var holdingSeconds: Double
  /// Offered load at the peak hour, Erlangs (sequences in service on average in that hour).
  public var peakConcurrency: Double
  public var slotsPerReplica: Double
  public var gpusPerReplica: Int
  /// Slots Erlang C asks for, replicas with the spares, and their GPUs.
  public var slots: Double
  public var replicas: Int
  public var gpus: Double
  /// GPUs busy with online work in each hour of the day (at the sizing rate).
  public var hourlyBusyGPUs: [Double]
  /// GPUs busy with deferrable work, on average over the day.
  public var deferrableBusyGPUs: Double

  /// The pool's utilisation at the peak hour: busy GPUs over its GPUs.
  public var peakUtilization: Double { gpus > 0 ? (hourlyBusyGPUs.max() ?? 0) / gpus : 0 }
}

enum QueueingSizing {
  /// TTFT target when a workload sets none, seconds: MLPerf Inference v5.1's Server bound
  /// for Llama2-70B.
  static let defaultTTFTSeconds = 2.0

  /// The pool of workload `w` on `hardware`, whose rates are `t`, at `tokensPerDay` (already
  /// at the sizing rate) with software gain `gain`.
  static func pool(_ plan: Plan, _ w: Workload, hardware: String, rates t: Throughput, tokensPerDay: Double, gain: Double) -> PoolSizing {
    let ops = plan.operations
    let profile = ops.profile
    let input = w.inputTokensPerRequest
    let output = w.requestOutputTokens
    // GPU-seconds per request at the planner's rates.
    let seconds = t.gpuSeconds(inputTokens: input, outputTokens: output, promptCacheHitRate: w.promptCacheHitRate) / gain
    let requests = tokensPerDay / (input + output) / 86_400
    let online = requests * (1 - w.deferrableShare)
    let hourly = profile.map { online * $0 * seconds }
    var pool = PoolSizing(
      workload: w.name, hardware: hardware, peakRequestsPerSecond: online * (profile.max() ?? 1), holdingSeconds: seconds,
      peakConcurrency: 0, slotsPerReplica: 1, gpusPerReplica: 1, slots: 0, replicas: 0, gpus: 0, hourlyBusyGPUs: hourly,
      deferrableBusyGPUs: requests * w.deferrableShare * seconds)
    guard tokensPerDay > 0 else { return pool }
    // A stated throughput has no operating point: each GPU is one server holding a request for
    // its GPU-seconds.
    var prefill = 0.0
    if let op = t.operatingPoint {
      pool.gpusPerReplica = op.gpusPerReplica
      prefill = op.ttftSeconds
      pool.holdingSeconds = prefill + output / op.tokensPerSecondPerUser
      pool.slotsPerReplica = Double(op.gpusPerReplica) * pool.holdingSeconds / seconds
    }
    pool.peakConcurrency = pool.peakRequestsPerSecond * pool.holdingSeconds
    let wait = max(0, (w.ttftP99Seconds ?? defaultTTFTSeconds) - prefill)
    pool.slots = Queueing.servers(
      load: pool.peakConcurrency, holdingSeconds: pool.holdingSeconds, waitSeconds: wait, probability: ops.waitProbability)
    // Spares guard the online pool; work that can wait needs none.
    pool.replicas = Int((pool.slots / pool.slotsPerReplica - 1e-9).rounded(.up)) + (pool.peakConcurrency > 0 ? ops.spareReplicas : 0)
    pool.gpus = Double(pool.replicas * pool.gpusPerReplica)
    return pool
  }

  /// GPUs for every pool on one hardware type: each pool's replicas, and more when the
  /// deferrable work does not fit in the hours the online pools leave idle (their GPUs less
  /// their hourly busy GPUs, summed over the day).
  static func gpus(_ pools: [PoolSizing]) -> Double {
    let online = pools.reduce(0) { $0 + $1.gpus }
    var idleGPUHours = 0.0
    for h in 0..<24 { idleGPUHours += max(0, online - pools.reduce(0) { $0 + $1.hourlyBusyGPUs[h] }) }
    let deferredGPUHours = 24 * pools.reduce(0) { $0 + $1.deferrableBusyGPUs }
    return online + max(0, deferredGPUHours - idleGPUHours) / 24
  }
}

extension CapacityPlanner {
  /// Each workload's pool on `hardware` in quarter `q` at the quarter's sizing rate, as
  /// `capacity_model: queueing` sizes it (for the report's serving table; under `margins` the
  /// same pools show what queueing would ask for).
  /// - Throws: ``PlanError`` when a workload has no rate on `hardware`.
  public static func pools(_ plan: Plan, quarter q: Quarter, hardware: String) throws -> [PoolSizing] {
    let rates = [hardware: plan.workloads.map { throughput(plan, workload: $0, hardware: hardware) }]
    return try QuarterWork(plan: plan, quarter: q, rates: rates).pools(hardware)
  }
}
