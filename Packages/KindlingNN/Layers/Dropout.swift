/// During training zeroes each element with probability `p` and scales the rest by
/// `1 / (1 - p)`; in evaluation mode passes the input through (`nn.Dropout`).
///
/// ```swift
/// let drop = Dropout(p: 0.2)
/// let y = drop(Tensor.ones([4, 8]))    // training: 0s and 1.25s
/// drop.eval()
/// let z = drop(Tensor.ones([4, 8]))    // evaluation: the input itself
/// print(drop)                          // Dropout(p=0.2, inplace=False)
/// ```
public class Dropout: Module {
  public let p: Double
  /// Shown in the printout; the mask is always applied out of place.
  public let inplace: Bool

  public init(p: Double = 0.5, inplace: Bool = false) {
    checkDropoutProbability(p)
    (self.p, self.inplace) = (p, inplace)
    super.init()
  }

  public override func forward(_ input: Tensor) -> Tensor { dropout(input, p: p, training: isTraining) }
  public override var extraDescription: String { "p=\(p), inplace=\(pythonBool(inplace))" }
}

/// Channel-wise dropout for `[N, C, L]` or `[C, L]` inputs (`nn.Dropout1d`): each channel is
/// zeroed whole with probability `p` during training.
///
/// ```swift
/// print(Dropout1d(p: 0.2))   // Dropout1d(p=0.2, inplace=False)
/// ```
public final class Dropout1d: Dropout {
  public override func forward(_ input: Tensor) -> Tensor { dropout1d(input, p: p, training: isTraining) }
}

/// Channel-wise dropout for `[N, C, H, W]` inputs (`nn.Dropout2d`): each feature map is zeroed
/// whole with probability `p` during training.
///
/// ```swift
/// print(Dropout2d())   // Dropout2d(p=0.5, inplace=False)
/// ```
public final class Dropout2d: Dropout {
  public override func forward(_ input: Tensor) -> Tensor { dropout2d(input, p: p, training: isTraining) }
}
