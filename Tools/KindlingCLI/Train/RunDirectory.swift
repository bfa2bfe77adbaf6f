import Foundation

/// The output folder of a run (`--out`, default `runs/<time>`): checkpoints, `run.json`,
/// `metrics.csv` and the curves. Every file is written to a temporary name and renamed, so an
/// interrupted write never leaves a half file.
struct RunDirectory {
  let url: URL

  init(path: String) throws(CLIError) {
    url = URL(fileURLWithPath: path)
    do {
      try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    } catch {
      throw CLIError("cannot create the output directory \(path): \(error.localizedDescription)")
    }
    guard FileManager.default.isWritableFile(atPath: url.path) else {
      throw CLIError("the output directory \(path) is not writable; choose another with --out")
    }
  }

  /// `runs/2026-11-25-0412` (local time), with a suffix if that exists already.
  static func defaultPath(now: Date = Date()) -> String {
    let formatter = DateFormatter()
    formatter.dateFormat = "yyyy-MM-dd-HHmmss"
    return "runs/" + formatter.string(from: now)
  }

  func file(_ name: String) -> URL { url.appendingPathComponent(name) }

  /// Writes `data` to `name` atomically.
  func write(_ data: Data, to name: String) throws(CLIError) {
    do {
      try data.write(to: file(name), options: .atomic)
    } catch {
      throw CLIError("cannot write \(file(name).path): \(error.localizedDescription)")
    }
  }

  func write(_ text: String, to name: String) throws(CLIError) { try write(Data(text.utf8), to: name) }
}
