import Foundation
import TokenPlanCore

/// The synthetic token-demand panel behind `tokenplan data synth` — **synthetic data**, labelled
/// as such in every file it writes. It gives forecasting real work with a known truth.
///
/// Shape: 270 segments (6 industries × 5 scenarios × 3 modalities × 3 regions), daily from
/// 2023-01-01 to 2026-03-31 (1,186 days), input and output tokens per segment.
///
/// Each segment's level follows one growth family (logistic, Gompertz, Bass or exponential,
/// drawn per segment), parameterised so that its level on 2026-03-15 is its share of
/// 140 trillion tokens per day and (logistic, Gompertz, exponential) it grew by a factor
/// `G ~ exp(N(ln 1000, 0.3²))` over the two years before; Bass segments launch inside the panel
/// (no rows before launch). The national total then tracks the National Data Administration's series (about
/// 0.1 T/day in early 2024, about 140 T/day in March 2026). On top of the level:
/// day-of-week effects (business-facing industries ×0.75 at weekends, consumer-facing ×1.08),
/// holiday windows (Spring Festival and National Day weeks: business ×0.6, consumer ×1.1), AR(1)
/// log-normal noise (φ = 0.5; σ = 0.04 for text, 0.08 for audio and video), one outage (region
/// north, 2025-06-12, ×0.15) and one structural break (scenario *software development and
/// agents* steps up ×1.6 from 2025-09-15, an agent-platform launch). Output tokens are a
/// scenario-specific share of the total. Every constant is in ``SyntheticDemand/Parameters``.
public enum SyntheticDemand {
  /// The header row of the synthetic panel's CSV.
  public static let header = "date,industry,scenario,modality,region,input_tokens_B,output_tokens_B"
  /// The generator's constants (documented in `datasets/synthetic/README.md`).
  public enum Parameters {
    public static let start = CalendarDate(year: 2023, month: 1, day: 1)!
    public static let end = CalendarDate(year: 2026, month: 3, day: 31)!
    public static let reference = CalendarDate(year: 2026, month: 3, day: 15)!
    public static let nationalAtReference = 140e12
    public static let industries: [(String, Double, Bool)] = [
      // (name, share, business-facing)
      ("internet", 0.40, false), ("consumer electronics", 0.18, false), ("finance", 0.13, true),
      ("new retail", 0.11, false), ("business services", 0.10, true), ("manufacturing", 0.08, true),
    ]
    public static let scenarios: [(String, Double, Double)] = [
      // (name, share, output share of tokens)
      ("unstructured information processing", 0.34, 0.12), ("education", 0.20, 0.30),
      ("content creation", 0.18, 0.45), ("search and recommendation", 0.15, 0.08),
      ("software development and agents", 0.13, 0.22),
    ]
    public static let modalities: [(String, Double, Double)] = [
      // (name, share, noise σ)
      ("text", 0.86, 0.04), ("audio", 0.06, 0.08), ("video", 0.08, 0.08),
    ]
    public static let regions: [(String, Double)] = [("east", 0.48), ("south", 0.30), ("north", 0.22)]
    /// Family probabilities, in the order logistic, gompertz, bass, exponential.
    public static let familyWeights: [(String, Double)] = [
      ("logistic", 0.35), ("gompertz", 0.25), ("bass", 0.20), ("exponential", 0.20),
    ]
    public static let holidays: [(CalendarDate, Int)] = [
      (CalendarDate(year: 2023, month: 1, day: 21)!, 7), (CalendarDate(year: 2023, month: 10, day: 1)!, 7),
      (CalendarDate(year: 2024, month: 2, day: 10)!, 7), (CalendarDate(year: 2024, month: 10, day: 1)!, 7),
      (CalendarDate(year: 2025, month: 1, day: 28)!, 7), (CalendarDate(year: 2025, month: 10, day: 1)!, 7),
      (CalendarDate(year: 2026, month: 2, day: 16)!, 7),
    ]
    public static let outage = (date: CalendarDate(year: 2025, month: 6, day: 12)!, region: "north", factor: 0.15)
    public static let breakPoint = (date: CalendarDate(year: 2025, month: 9, day: 15)!, scenario: "software development and agents", factor: 1.6)
    public static let arPhi = 0.5
  }

  /// The truth behind one segment.
  public struct Segment: Sendable {
    public var industry, scenario, modality, region: String
    public var family: String
    /// Family parameters with `t` in days since ``Parameters/start`` (names as in the
    /// growth-family contract: logistic/gompertz `K, r, t0`; bass `m, p, q, t0`; exponential `a, r`).
    public var parameters: [String: Double]
    /// Tokens per day on the reference date, before effects and noise.
    public var levelAtReference: Double
    public var outputShare: Double
    public var noiseSigma: Double
  }

  /// A generated panel: the CSV text and the truth.
  public struct Output: Sendable {
    public var csv: String
    public var segments: [Segment]
    public var seed: UInt64
  }

  /// The curve of a family at day `t` (days since the panel start).
  public static func level(_ family: String, _ p: [String: Double], _ t: Double) -> Double {
    switch family {
    case "logistic": return p["K"]! / (1 + exp(-p["r"]! * (t - p["t0"]!)))
    case "gompertz": return p["K"]! * exp(-exp(-p["r"]! * (t - p["t0"]!)))
    case "bass":
      let (m, pp, q, t0) = (p["m"]!, p["p"]!, p["q"]!, p["t0"]!)
      let e = exp(-(pp + q) * (t - t0))
      return m * (1 - e) / (1 + (q / pp) * e)
    default: return p["a"]! * exp(p["r"]! * t)
    }
  }

  /// Generates the panel for `seed` (same seed, same bytes).
  public static func generate(seed: UInt64) -> Output {
    typealias P = Parameters
    var rng = SplitMix64(seed: seed)
    let days = P.end.dayNumber - P.start.dayNumber + 1
    let tRef = Double(P.reference.dayNumber - P.start.dayNumber)
    // Shares: the product of the dimension shares times a log-normal(0, 0.3) perturbation,
    // renormalised to sum to one.
    var segments: [Segment] = []
    var raw: [Double] = []
    for ind in P.industries {
      for sc in P.scenarios {
        for mo in P.modalities {
          for re in P.regions {
            raw.append(ind.1 * sc.1 * mo.1 * re.1 * exp(0.3 * rng.gaussian()))
            segments.append(
              Segment(
                industry: ind.0, scenario: sc.0, modality: mo.0, region: re.0, family: "",
                parameters: [:], levelAtReference: 0, outputShare: sc.2, noiseSigma: mo.2))
          }
        }
      }
    }
    let total = raw.reduce(0, +)
    for k in segments.indices {
      let v = P.nationalAtReference * raw[k] / total
      segments[k].levelAtReference = v
      (segments[k].family, segments[k].parameters) = growth(levelAtReference: v, tRef: tRef, rng: &rng)
    }
    // Rows, segment by segment (sorted), day by day.
    let business = Dictionary(uniqueKeysWithValues: P.industries.map { ($0.0, $0.2) })
    var holidayDays: Set<Int> = []
    for (d, n) in P.holidays { for k in 0..<n { holidayDays.insert(d.dayNumber + k) } }
    var csv = header + "\n"
    csv.reserveCapacity(segments.count * days * 80)
    let order = segments.indices.sorted {
      let a = segments[$0]
      let b = segments[$1]
      return (a.industry, a.scenario, a.modality, a.region) < (b.industry, b.scenario, b.modality, b.region)
    }
    for k in order {
      let seg = segments[k]
      let isBusiness = business[seg.industry] ?? false
      var ar = 0.0
      let prefix = "\(CSVText.field(seg.industry)),\(CSVText.field(seg.scenario)),\(seg.modality),\(seg.region),"
      let firstDay = seg.family == "bass" ? Int(seg.parameters["t0"]!.rounded(.down)) + 1 : 0
      for d in firstDay..<days {
        let date = CalendarDate(dayNumber: P.start.dayNumber + d)
        var value = level(seg.family, seg.parameters, Double(d))
        let weekend = date.isoWeekday >= 6
        if weekend { value *= isBusiness ? 0.75 : 1.08 }
        if holidayDays.contains(date.dayNumber) { value *= isBusiness ? 0.6 : 1.1 }
        if date == P.outage.date && seg.region == P.outage.region { value *= P.outage.factor }
        if seg.scenario == P.breakPoint.scenario && date >= P.breakPoint.date {
          value *= P.breakPoint.factor
        }
        ar = P.arPhi * ar + seg.noiseSigma * (1 - P.arPhi * P.arPhi).squareRoot() * rng.gaussian()
        value *= exp(ar)
        let output = value * seg.outputShare
        let input = value - output
        csv += date.description + "," + prefix + format4(input / 1e9) + "," + format4(output / 1e9) + "\n"
      }
    }
    return Output(csv: csv, segments: segments, seed: seed)
  }

  /// A segment's growth family and parameters, drawn so that its level at the reference date is
  /// `v` and it grew about a thousandfold (G) over the two years before: the family by
  /// ``Parameters/familyWeights``, then G, the ceiling and the family's own draws, in that order
  /// (the stream's order is the panel's bytes).
  static func growth(levelAtReference v: Double, tRef: Double, rng: inout SplitMix64) -> (family: String, parameters: [String: Double]) {
    typealias P = Parameters
    // Family and a two-year growth factor G.
    let u = rng.uniform()
    var acc = 0.0
    var family = "exponential"
    for (name, w) in P.familyWeights {
      acc += w
      if u < acc {
        family = name
        break
      }
    }
    let g = min(5000, max(200, exp(log(1000) + 0.3 * rng.gaussian())))
    let ceiling = 1.3 + 1.7 * rng.uniform()  // K / level at the reference date
    var p: [String: Double] = [:]
    func logisticParameters() -> [String: Double] {
      // v(tRef − 730)/v(tRef) = 1/G with K = ceiling·v: solve for r by bisection.
      let k = ceiling * v
      let r = bisect(1e-4, 0.1) { r in
        let t0 = tRef + log(ceiling - 1) / r
        return level("logistic", ["K": k, "r": r, "t0": t0], tRef - 730) * g - v
      }
      return ["K": k, "r": r, "t0": tRef + log(ceiling - 1) / r]
    }
    switch family {
    case "logistic":
      p = logisticParameters()
    case "gompertz":
      // Gompertz falls off doubly exponentially backwards in time; with a ceiling 50–300× its
      // level at the reference date (early in its course) a two-year growth of G keeps its
      // 2023 values within about 10^4 of today's.
      let m = 50 + 250 * rng.uniform()
      let r = log(1 + log(g) / log(m)) / 730
      p = ["K": m * v, "r": r, "t0": tRef + log(log(m)) / r]
    case "bass":
      // A segment launched inside the panel (t0 between 2023-10-28 and 2024-12-01): no rows
      // before its launch. Imitation ratio q/p in [20, 80]; p + q solves F(tRef) = v.
      let m = ceiling * v
      let t0 = 300 + 400 * rng.uniform()
      let ratio = 20 + 60 * rng.uniform()
      let sum = bisect(1e-5, 0.2) { sum in
        let q = sum * ratio / (1 + ratio)
        return level("bass", ["m": m, "p": sum - q, "q": q, "t0": t0], tRef) - v
      }
      let q = sum * ratio / (1 + ratio)
      p = ["m": m, "p": sum - q, "q": q, "t0": t0]
    default:
      let r = log(g) / 730
      p = ["a": v * exp(-r * tRef), "r": r]
    }
    return (family, p)
  }

  /// Four significant digits (`%.4g`).
  static func format4(_ x: Double) -> String { String(format: "%.4g", x) }

  /// A root of `f` on `[lo, hi]` by bisection (f changes sign on the interval).
  static func bisect(_ lo: Double, _ hi: Double, _ f: (Double) -> Double) -> Double {
    var a = lo
    var b = hi
    let fa = f(a)
    for _ in 0..<200 {
      let m = 0.5 * (a + b)
      let fm = f(m)
      if (fm < 0) == (fa < 0) { a = m } else { b = m }
      if b - a <= 1e-14 * max(1, abs(m)) { break }
    }
    return 0.5 * (a + b)
  }

  /// The truth as JSON text (one object per segment, sorted as the CSV).
  public static func truthJSON(_ output: Output) -> String {
    let sorted = output.segments.sorted {
      ($0.industry, $0.scenario, $0.modality, $0.region) < ($1.industry, $1.scenario, $1.modality, $1.region)
    }
    var lines: [String] = []
    for s in sorted {
      let params = s.parameters.keys.sorted().map { "\"\($0)\": \(s.parameters[$0]!)" }.joined(separator: ", ")
      lines.append(
        "  {\"industry\": \"\(s.industry)\", \"scenario\": \"\(s.scenario)\", \"modality\": \"\(s.modality)\", "
          + "\"region\": \"\(s.region)\", \"family\": \"\(s.family)\", \"parameters\": {\(params)}, "
          + "\"level_at_reference\": \(s.levelAtReference), \"output_share\": \(s.outputShare), "
          + "\"noise_sigma\": \(s.noiseSigma)}")
    }
    return "{\n\"synthetic\": true,\n\"seed\": \(output.seed),\n\"time_origin\": \"\(Parameters.start)\",\n"
      + "\"segments\": [\n" + lines.joined(separator: ",\n") + "\n]\n}\n"
  }
}
