import CKindlingLinalgKernels
import KindlingTensor

extension Linalg {
  /// Registers Kindling's worker pool as the runner of the C kernels' thread teams (the split
  /// reductions of the SVD and of `eigh`; ``teamRunner`` does, on first use; tests call it
  /// again after trying other runners). The pool's workers are awake between the kernels of a
  /// program, where a thread started per call takes up to milliseconds to be scheduled on a
  /// virtual machine.
  static func useWorkerPool() {
    kindling_team_use { chunks, chunk, argument in
      let shared = UncheckedSendable(value: (chunk!, argument))
      Parallel.perform(iterations: Int(chunks)) { t in shared.value.0(shared.value.1, Int32(t)) }
    }
  }

  /// ``useWorkerPool()``, once: evaluate before calling a kernel that splits across threads.
  static let teamRunner: Void = useWorkerPool()
}
