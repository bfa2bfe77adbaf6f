import KindlingTensor

/// Anomaly detection (`torch.autograd.detect_anomaly`): while it is on, the backward checks
/// every gradient a rule returns and stops at the first NaN, naming the node.
public enum AnomalyMode {
  @exclusivity(unchecked) nonisolated(unsafe) static var depth = 0
  /// Whether anomaly detection is on.
  public static var isEnabled: Bool { depth > 0 }
}

/// Runs `body` with anomaly detection on.
///
/// ```swift
/// detectAnomaly {
///   (x.sqrt() * 0).sum().backward()   // stops: "Function 'SqrtBackward0' returned nan values …"
/// }
/// ```
public func detectAnomaly<R>(_ body: () throws -> R) rethrows -> R {
  AnomalyMode.depth += 1
  defer { AnomalyMode.depth -= 1 }
  return try body()
}

/// Runs `body` without recording for autograd and marks it as inference
/// (`torch.inference_mode`); in Kindling it is ``noGrad(_:)``.
public func inferenceMode<R, E: Error>(_ body: () throws(E) -> R) throws(E) -> R {
  try noGrad(body)
}
