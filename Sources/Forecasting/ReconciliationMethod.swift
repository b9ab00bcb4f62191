/// How forecasts of a hierarchy are made coherent.
public enum ReconciliationMethod: String, Sendable, CaseIterable {
  /// Bottom series as forecast; aggregates are their sums.
  case bottomUp = "bottom_up"
  /// MinT with `W = I`.
  case ols
  /// MinT with `W = diag(S·1)`: each node weighted by the bottom series under it.
  case wlsStruct = "wls_struct"
  /// MinT with `W = diag(mean squared in-sample residual + 2e-8)`.
  case wlsVar = "wls_var"
  /// MinT with the Schäfer–Strimmer shrinkage covariance of the residuals.
  case mintShrink = "mint_shrink"

  /// Whether the method needs in-sample residuals.
  public var needsResiduals: Bool { self == .wlsVar || self == .mintShrink }
}
