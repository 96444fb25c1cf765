import Autodiff
import Foundation

// Timing, memory and loss helpers shared by the network benchmark groups (resnet, smallnet).

/// Mean cross-entropy of logits [N, C] against integer labels.
func crossEntropy(_ logits: Tensor<Float>, _ labels: [Int]) -> Tensor<Float> {
    let oneHot = Tensor<Float>(zeros: logits.shape)
    for (n, label) in labels.enumerated() { oneHot[n, label] = 1 }
    return -(logits.logSoftmax(axis: 1) * oneHot).sum() / Float(labels.count)
}

/// Peak resident set size of this process so far, in MB.
func peakRSSMegabytes() -> Double {
    var usage = rusage()
    #if os(Linux)
    getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
    return Double(usage.ru_maxrss) / 1024  // kilobytes on Linux
    #else
    getrusage(RUSAGE_SELF, &usage)
    return Double(usage.ru_maxrss) / 1_048_576  // bytes on macOS
    #endif
}

func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
}

/// User + system CPU seconds of this process so far (all threads).
func processCPUSeconds() -> Double {
    var usage = rusage()
    #if os(Linux)
    getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
    #else
    getrusage(RUSAGE_SELF, &usage)
    #endif
    return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
}

/// Seconds per call of `body`: one warm-up, then the median of `iterations` timed calls, and the
/// median CPU seconds per call (on a shared machine, wall time / CPU time shows how many cores we got).
func timed(iterations: Int, _ body: () -> Void) -> (median: Double, all: [Double], cpu: Double) {
    body()
    var times: [Double] = [], cpu: [Double] = []
    for _ in 0..<iterations {
        let start = DispatchTime.now().uptimeNanoseconds
        let cpuStart = processCPUSeconds()
        body()
        times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        cpu.append(processCPUSeconds() - cpuStart)
    }
    return (median(times), times, median(cpu))
}
