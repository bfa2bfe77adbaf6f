import Foundation
import Synchronization

/// Ctrl-C during training: the first one asks the loop to stop after the current batch (it
/// then saves a checkpoint); a second one ends the process at once.
enum Interrupt {
  private static let requested = Atomic<Bool>(false)

  /// Whether Ctrl-C was pressed since ``install()``.
  static var isRequested: Bool { requested.load(ordering: .relaxed) }

  /// Catches SIGINT.
  static func install() {
    requested.store(false, ordering: .relaxed)
    signal(SIGINT) { _ in
      if Interrupt.requested.exchange(true, ordering: .relaxed) { _exit(130) }
      let note = "\n^C: stopping after this batch and saving a checkpoint (Ctrl-C again to quit now)\n"
      _ = note.withCString { write(STDERR_FILENO, $0, strlen($0)) }
    }
  }

  /// Restores the default SIGINT behaviour.
  static func uninstall() { signal(SIGINT, SIG_DFL) }

  /// Pretends Ctrl-C was pressed (tests).
  static func request() { requested.store(true, ordering: .relaxed) }
}
