import Autodiff
import CKernels
import CKernelsTestSupport
import Testing

/// `Kernels.configure`: the one place process-wide settings are applied.
@Suite(.serialized) struct RuntimeConfigurationTests {
    @Test func configureAppliesThreadsToOurLoopsAndOpenBLAS() throws {
        let saved = Kernels.configuration
        defer { Kernels.configure(saved ?? RuntimeConfiguration()) }
        Kernels.configure(RuntimeConfiguration(threads: 1))
        #expect(Kernels.configuration?.threads == 1)
        #expect(ck_max_threads() == 1)
        #expect(ck_probe_blas_threads() == 1)
        try #require(ck_default_threads() > 1, "needs at least 2 cores")
        Kernels.configure()  // the default: every thread OpenMP offers, for OpenBLAS too
        #expect(Kernels.configuration?.threads == Int(ck_default_threads()))
        var best: Int32 = 0
        for _ in 0..<3 where best < 2 { best = max(best, ck_probe_blas_threads()) }
        #expect(best >= 2, "OpenBLAS used about \(best) thread(s) after configure")
    }

    @Test func configureIsIdempotent() {
        let saved = Kernels.configuration
        defer { Kernels.configure(saved ?? RuntimeConfiguration()) }
        let wanted = RuntimeConfiguration(threads: 2, storageCacheLimitBytes: 64 << 20)
        Kernels.configure(wanted)
        let once = Kernels.configuration
        Kernels.configure(wanted)
        #expect(Kernels.configuration == once)
        #expect(once?.threads == 2)
        #expect(once?.storageCacheLimitBytes == 64 << 20)
        #expect(StorageCache.statistics.limitBytes == 64 << 20)
    }

    @Test func configureIfNeededKeepsTheProgramsChoice() {
        let saved = Kernels.configuration
        defer { Kernels.configure(saved ?? RuntimeConfiguration()) }
        Kernels.configure(RuntimeConfiguration(threads: 1, storageCacheLimitBytes: 1 << 20))
        Kernels.configureIfNeeded()
        #expect(Kernels.configuration?.threads == 1)
        #expect(Kernels.configuration?.storageCacheLimitBytes == 1 << 20)
    }

    /// glibc's heap policy applies on glibc only, and once on stays on (it cannot be undone).
    @Test func mallocPolicyIsReportedWhereItApplies() {
        let saved = Kernels.configuration
        defer { Kernels.configure(saved ?? RuntimeConfiguration()) }
        Kernels.configure(RuntimeConfiguration(mallocKeepsFreedMemory: true))
        #if canImport(Glibc)
        #expect(Kernels.configuration?.mallocKeepsFreedMemory == true)
        Kernels.configure(RuntimeConfiguration(mallocKeepsFreedMemory: false))
        #expect(Kernels.configuration?.mallocKeepsFreedMemory == true)
        #else
        #expect(Kernels.configuration?.mallocKeepsFreedMemory == false)
        #endif
    }
}
