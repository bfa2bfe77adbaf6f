import Foundation

/// The per-epoch progress display of `kindling train`: a live bar redrawn in place on a
/// terminal, plain periodic lines when the output is a file or a pipe.
///
/// ```
/// epoch 1/2 [██████████░░░░░░░░░░] 470/938  loss 0.5123  2410 samples/s  ETA 0:12
/// ```
final class ProgressBar {
  let label: String
  let total: Int
  let isTerminal: Bool
  private let write: (String) -> Void
  private let start: Date
  private var lastDraw = Date.distantPast
  private var nextLineFraction = 0.25

  init(label: String, total: Int, isTerminal: Bool = ProgressBar.stdoutIsTerminal, write: @escaping (String) -> Void = ProgressBar.writeStdout) {
    (self.label, self.total, self.isTerminal, self.write) = (label, total, isTerminal, write)
    start = Date()
  }

  /// Reports `completed` batches with the running loss and throughput; redraws at most ten
  /// times a second on a terminal, and prints a line at each quarter of the epoch otherwise.
  func update(completed: Int, runningLoss: Double, samplesPerSecond: Double, now: Date = Date()) {
    let elapsed = now.timeIntervalSince(start)
    let eta = completed > 0 ? elapsed / Double(completed) * Double(total - completed) : 0
    let text = Self.render(
      label: label, completed: completed, total: total, runningLoss: runningLoss,
      samplesPerSecond: samplesPerSecond, eta: eta, barWidth: isTerminal ? 20 : 0)
    if isTerminal {
      guard now.timeIntervalSince(lastDraw) >= 0.1 || completed == total else { return }
      lastDraw = now
      write("\r\u{1B}[2K" + text)
    } else if Double(completed) >= nextLineFraction * Double(total) || completed == total {
      while Double(completed) >= nextLineFraction * Double(total) { nextLineFraction += 0.25 }
      write(text + "\n")
    }
  }

  /// Clears the live bar so the epoch summary takes its line.
  func finish() {
    if isTerminal { write("\r\u{1B}[2K") }
  }

  /// One progress line; `barWidth` 0 leaves the bar out.
  static func render(
    label: String, completed: Int, total: Int, runningLoss: Double, samplesPerSecond: Double, eta: TimeInterval,
    barWidth: Int
  ) -> String {
    var parts = [label]
    if barWidth > 0 {
      let filled = total > 0 ? min(barWidth, completed * barWidth / total) : barWidth
      parts.append("[" + String(repeating: "█", count: filled) + String(repeating: "░", count: barWidth - filled) + "]")
    }
    parts.append("\(completed)/\(total)")
    parts.append(String(format: " loss %.4f", runningLoss))
    parts.append(String(format: " %.0f samples/s", samplesPerSecond))
    parts.append(" ETA " + formatDuration(eta))
    return parts.joined(separator: " ")
  }

  static var stdoutIsTerminal: Bool { isatty(STDOUT_FILENO) != 0 }

  static func writeStdout(_ text: String) {
    FileHandle.standardOutput.write(Data(text.utf8))
  }
}

/// `m:ss` (or `h:mm:ss`) for a duration in seconds.
func formatDuration(_ seconds: TimeInterval) -> String {
  let total = Int(seconds.rounded())
  let (hours, minutes, secs) = (total / 3600, total / 60 % 60, total % 60)
  return hours > 0 ? String(format: "%d:%02d:%02d", hours, minutes, secs) : String(format: "%d:%02d", minutes, secs)
}
