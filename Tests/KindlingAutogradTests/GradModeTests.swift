import Foundation
import Testing

@testable import KindlingAutograd

@Suite("Grad mode")
struct GradModeTests {
  struct Failure: Error {}

  @Test("on by default, off inside noGrad, nestable")
  func nesting() {
    #expect(GradMode.isEnabled)
    noGrad {
      #expect(!GradMode.isEnabled)
      enableGrad { #expect(GradMode.isEnabled) }
      noGrad { #expect(!GradMode.isEnabled) }
      #expect(!GradMode.isEnabled)
    }
    #expect(GradMode.isEnabled)
  }

  @Test("returns the closure's value and restores the mode when it throws")
  func throwing() {
    #expect(noGrad { 42 } == 42)
    #expect(throws: Failure.self) { try noGrad { throw Failure() } }
    #expect(GradMode.isEnabled)
  }

  final class Seen: @unchecked Sendable { var enabled = false }

  @Test("the mode belongs to one thread")
  func perThread() {
    noGrad {
      let seen = Seen()
      let done = DispatchSemaphore(value: 0)
      Thread {
        seen.enabled = GradMode.isEnabled
        done.signal()
      }.start()
      done.wait()
      #expect(seen.enabled)
      #expect(!GradMode.isEnabled)
    }
  }
}
