import CKernels

/// The cache of freed tensor buffers (`Sources/CKernels/memory.c`): a buffer released by its last
/// tensor is kept by its size and handed to the next tensor of that size, so a training step
/// reuses the previous step's memory instead of page-faulting through fresh pages. Bounded by
/// `limitBytes`; thread-safe. Reused buffers are not cleared: every op writes all it returns.
public enum StorageCache {
    public struct Statistics: Sendable, Equatable {
        /// Bytes held by living tensors.
        public var liveBytes: Int
        /// The most `liveBytes` reached since start or `resetPeak()`.
        public var peakLiveBytes: Int
        /// Bytes of freed buffers kept for reuse.
        public var cachedBytes: Int
        public var limitBytes: Int
        /// Buffers served from the cache, and from the system allocator.
        public var reused: Int
        public var fresh: Int
    }

    public static var statistics: Statistics {
        let s = ck_storage_stats()
        return Statistics(liveBytes: s.live_bytes, peakLiveBytes: s.peak_live_bytes, cachedBytes: s.cached_bytes,
                          limitBytes: s.cache_limit_bytes, reused: Int(s.reused), fresh: Int(s.fresh))
    }

    /// The limit until `Kernels.configure` sets one: a quarter of physical memory.
    public static var defaultLimitBytes: Int { ck_storage_default_cache_limit() }

    /// Frees every cached buffer (e.g. between training and a memory-hungry phase).
    public static func release() { ck_storage_cache_release() }

    /// Starts `peakLiveBytes` again from the bytes live now.
    public static func resetPeak() { ck_storage_reset_peak() }
}
