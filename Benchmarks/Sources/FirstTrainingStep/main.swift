// FirstTrainingStep: the time from process start to the end of the first MLP training step.
//
// What a user waits for before training starts: load the program (dynamic linking of the
// Kindling modules, Foundation, OpenBLAS), create ../shared/bench/mlp_train.py's MLP
// (Flatten, Linear(784, 256), ReLU, Linear(256, 128), ReLU, Linear(128, 10), default init,
// seed 0) and SGD(lr: 0.05, momentum: 0.9), then one step on one synthetic batch of 64 random
// images in [0, 1) with random labels: zeroGrad, forward, crossEntropy, backward, step. No data
// set is read, so the number is the framework's own start-up cost.
//
// The authoritative number is measured from outside: Benchmarks/peers/compare.py times
// subprocess.run of the release binary (time.perf_counter around it, several runs, median) and
// the same step in `python -c` with PyTorch. This program also prints its own view: seconds
// since the kernel started the process (/proc/self/stat's start time, 10 ms resolution) and
// seconds spent in main.
//
//   swift build -c release --product FirstTrainingStep
//   $(swift build -c release --show-bin-path)/FirstTrainingStep

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif
import KindlingNN
import KindlingOptim

/// Seconds on `clock` (CLOCK_BOOTTIME counts from boot, like /proc/self/stat's start time).
func now(_ clock: clockid_t) -> Double {
  var ts = timespec()
  clock_gettime(clock, &ts)
  return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
}

/// When the kernel started this process, in seconds since boot (Linux), or nil.
func processStart() -> Double? {
  #if os(Linux)
    guard let file = fopen("/proc/self/stat", "r") else { return nil }
    defer { fclose(file) }
    var buffer = [CChar](repeating: 0, count: 4096)
    guard fgets(&buffer, Int32(buffer.count), file) != nil else { return nil }
    let line = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    // Field 2 (the command name) is in parentheses and may hold spaces: count from the last ')'.
    guard let close = line.lastIndex(of: ")") else { return nil }
    let fields = line[line.index(after: close)...].split(separator: " ")
    // fields[0] is field 3 (state); starttime is field 22.
    guard fields.count > 19, let ticks = Double(fields[19]) else { return nil }
    return ticks / Double(sysconf(Int32(_SC_CLK_TCK)))
  #else
    return nil
  #endif
}

let mainStart = now(CLOCK_MONOTONIC)

manualSeed(0)
let model = Sequential(Flatten(), Linear(784, 256), ReLU(), Linear(256, 128), ReLU(), Linear(128, 10))
let optimizer = SGD(model.parameters(), lr: 0.05, momentum: 0.9)
let x = Tensor.rand([64, 784])
let y = Tensor.randint(10, [64])
optimizer.zeroGrad()
let loss = crossEntropy(model(x), y)
loss.backward()
optimizer.step()
let lossValue = loss.item()

let inMain = now(CLOCK_MONOTONIC) - mainStart
var report = "first training step (MLP, batch 64): loss \(lossValue), \(inMain) s in main"
#if os(Linux)
  if let start = processStart() {
    report += ", \(now(CLOCK_BOOTTIME) - start) s since process start"
  }
#endif
print(report)
