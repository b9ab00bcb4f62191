/// Erlang C from its closed form, `C = [aᴺ/N! · N/(N−a)] / [Σ_{k<N} aᵏ/k! + aᴺ/N! · N/(N−a)]`,
/// summed term by term: the reference the queueing tests check the code's computation against
/// (it shares nothing with it).
public func erlangCClosedForm(_ n: Int, _ a: Double) -> Double {
  var term = 1.0  // aᵏ/k!
  var sum = 0.0
  for k in 0..<n {
    sum += term
    term *= a / Double(k + 1)
  }
  let last = term * Double(n) / (Double(n) - a)
  return last / (sum + last)
}
