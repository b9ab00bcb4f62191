/// The tool's version and the defaults every command shares, written once.
public enum TokenPlanDefaults {
  /// The version written into run logs, reports and `--version`.
  public static let version = "0.1.0"
  /// The default random seed (2026-11-29, the project's start): every command that draws takes
  /// `--seed`, and reports the one it used.
  public static let seed: UInt64 = 20_261_129
}
