import CKernels

/// Process-wide settings of the kernels. Loading the library changes nothing; a program applies
/// them once at start with `Kernels.configure(_:)` (the examples and `Trainer` do).
public struct RuntimeConfiguration: Sendable, Equatable {
    /// Threads of the kernels and of OpenBLAS (one pool); nil: OMP_NUM_THREADS, else every core.
    public var threads: Int?
    /// Most bytes of freed tensor storage kept for reuse (`StorageCache`).
    public var storageCacheLimitBytes: Int
    /// Whether a request the storage cache cannot serve first frees idle cached buffers, so that
    /// live + cached tensor bytes never exceed the peak of live bytes: the smallest footprint
    /// (ResNet18 b64: 0.54x PyTorch's peak RSS), at the price of mapping some buffers afresh each
    /// step (about 10 % of a step there). The default, false, keeps every freed buffer up to
    /// `storageCacheLimitBytes` (0.74x PyTorch's peak RSS; Documentation/Performance.md, "Memory").
    public var storageCacheWithinLivePeak: Bool
    /// glibc only: keep large freed blocks (arrays, image batches) in the heap instead of
    /// returning them to the system, so they are not page-faulted in again. Once applied it stays
    /// for the life of the process. Ignored on macOS and other C libraries.
    public var mallocKeepsFreedMemory: Bool
    /// The engine of float32 convolutions; nil: the built-in default (`Kernels.convolutionEngine`
    /// says which runs). The environment variable `LRN_CONV_ENGINE` overrides it.
    public var convolutionEngine: ConvolutionEngine?
    /// Whether float32 convolutions on oneDNN with a 3x3 kernel, stride 1, padding 1 and 64
    /// channels or more in and out run as Winograd convolutions: the forward pass, the data
    /// gradient and (without bias) the weight gradient in training, and inference chains
    /// (`EngineActivation`). 2.25x fewer multiply-adds, with rounding of the same size as the
    /// direct convolution's, but an infinite input may come out as NaN instead of an infinity
    /// (Documentation/Performance.md, "Winograd convolutions"). The environment variable
    /// `LRN_WINOGRAD=on|off` overrides it.
    public var winogradConvolutions: Bool

    public init(threads: Int? = nil, storageCacheLimitBytes: Int = StorageCache.defaultLimitBytes,
                storageCacheWithinLivePeak: Bool = false, mallocKeepsFreedMemory: Bool = false,
                convolutionEngine: ConvolutionEngine? = nil, winogradConvolutions: Bool = true) {
        self.threads = threads
        self.storageCacheLimitBytes = storageCacheLimitBytes
        self.storageCacheWithinLivePeak = storageCacheWithinLivePeak
        self.mallocKeepsFreedMemory = mallocKeepsFreedMemory
        self.convolutionEngine = convolutionEngine
        self.winogradConvolutions = winogradConvolutions
    }
}

extension Kernels {
    /// Applies `configuration` to the whole process: thread count of our loops and OpenBLAS,
    /// the storage cache's limit, glibc's heap policy, the convolution engine and its Winograd
    /// convolutions. Idempotent: calling it again with the same value changes nothing. Until it is
    /// first called, OpenBLAS runs on one thread.
    public static func configure(_ configuration: RuntimeConfiguration = RuntimeConfiguration()) {
        precondition(configuration.threads.map { $0 >= 1 } ?? true,
                     "Kernels.configure: threads \(configuration.threads!) must be at least 1")
        precondition(configuration.storageCacheLimitBytes >= 0,
                     "Kernels.configure: storageCacheLimitBytes \(configuration.storageCacheLimitBytes) must not be negative")
        var c = ck_runtime_config(threads: Int32(configuration.threads ?? 0),
                                  storage_cache_limit: configuration.storageCacheLimitBytes,
                                  malloc_keep_freed_memory: configuration.mallocKeepsFreedMemory ? 1 : 0,
                                  storage_cache_within_peak: configuration.storageCacheWithinLivePeak ? 1 : 0,
                                  conv_engine: configuration.convolutionEngine?.code ?? Int32(CK_CONV_ENGINE_DEFAULT),
                                  direct_convolutions_only: configuration.winogradConvolutions ? 0 : 1)
        ck_configure(&c)
    }

    /// Applies the defaults unless a configuration was applied already (what a library entry
    /// point such as `Trainer` calls, so it never overrides the program's own choice).
    public static func configureIfNeeded() {
        if configuration == nil { configure() }
    }

    /// The configuration in effect (threads resolved to a number; `mallocKeepsFreedMemory` true
    /// only where it took effect), or nil before the first `configure`.
    public static var configuration: RuntimeConfiguration? {
        var c = ck_runtime_config()
        guard ck_configuration(&c) != 0 else { return nil }
        return RuntimeConfiguration(threads: Int(c.threads), storageCacheLimitBytes: c.storage_cache_limit,
                                    storageCacheWithinLivePeak: c.storage_cache_within_peak != 0,
                                    mallocKeepsFreedMemory: c.malloc_keep_freed_memory != 0,
                                    convolutionEngine: ConvolutionEngine(code: c.conv_engine),
                                    winogradConvolutions: c.direct_convolutions_only == 0)
    }
}
