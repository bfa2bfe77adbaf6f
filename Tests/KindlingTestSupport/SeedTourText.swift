/// Texts of ../shared/SEED_TOUR.md that more than one suite checks against.
public enum SeedTourText {
  /// T12 (autograd basics, seed 002): what PyTorch prints, line by line. The autograd suite
  /// checks the CPU run against it, the GPU suite every device's run.
  public static let t12 = """
    tensor([1.], grad_fn=<PowBackward0>)
    nil
    tensor([2.])
    tensor([3.], grad_fn=<MulBackward0>)
    tensor([6.]) tensor([3.])
    tensor([3.], grad_fn=<AddBackward0>)
    tensor([4.]) tensor([2.])
    tensor(14., grad_fn=<SumBackward0>)
    tensor([2., 4., 6.])
    """
}
