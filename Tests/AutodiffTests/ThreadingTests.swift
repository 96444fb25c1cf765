import Autodiff
import CKernels
import CKernelsTestSupport
import Testing

/// Proves that a plain `swift build` (no -fopenmp, no unsafe flags) gives kernels that run on
/// every core, both our own loops and OpenBLAS's.
@Suite(.serialized) struct ThreadingTests {
    @Test func ourLoopsUseEveryThread() {
        let available = Int(ck_max_threads())
        #expect(available == min(ProcessInfo.processInfo.activeProcessorCount, available))
        let used = Int(ck_probe_parallel_threads())
        #expect(used == available, "parallel_for ran on \(used) of \(available) threads")
    }

    @Test func openBLASUsesMoreThanOneThread() throws {
        Kernels.configureIfNeeded()  // OpenBLAS gets our threads from the configuration call
        try #require(ck_max_threads() > 1, "needs at least 2 cores")
        var best: Int32 = 0
        for _ in 0..<3 where best < 2 { best = max(best, ck_probe_blas_threads()) }
        #expect(best >= 2, "sgemm used about \(best) thread(s) of \(ck_max_threads())")
    }

    /// The probe itself must be able to fail: with one thread it has to report one.
    @Test func blasProbeSeesASingleThread() {
        let threads = ck_max_threads()
        ck_set_num_threads(1)
        defer { ck_set_num_threads(threads) }
        #expect(ck_probe_blas_threads() == 1)
        #expect(ck_probe_parallel_threads() == 1)
    }
}

import Foundation
