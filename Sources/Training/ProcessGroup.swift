#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif
import Foundation

/// The processes that train one model together, data-parallel (Documentation/Distributed.md):
/// each takes its shard of every global batch, and they sum gradients and share state through
/// these collective calls. Every process calls them in the same order with buffers of the same
/// length. `SingleProcessGroup` is the default; the `Distributed` module provides MPI's.
public protocol ProcessGroup: AnyObject {
    /// This process, 0..<size; rank 0 alone writes checkpoints, reports and progress.
    var rank: Int { get }
    var size: Int { get }
    /// Replaces `buffer` on every process with the element-wise sum over all of them.
    func allReduceSum(_ buffer: UnsafeMutableBufferPointer<Float>) throws
    func allReduceSum(_ buffer: UnsafeMutableBufferPointer<Double>) throws
    /// Copies `root`'s bytes into `buffer` on every other process.
    func broadcast(_ buffer: UnsafeMutableRawBufferPointer, root: Int) throws
    func barrier() throws
    /// Prints `message` and stops every process of the group with `code`: what a process does
    /// after an error, so that the others do not wait for it for ever.
    func abort(message: String, code: Int32) -> Never
}

extension ProcessGroup {
    public var isPrimary: Bool { rank == 0 }

    /// `root`'s bytes on every process (each process passes its own; only the root's count).
    public func broadcast(bytes: [UInt8], root: Int = 0) throws -> [UInt8] {
        var length = UInt64(bytes.count)
        try withUnsafeMutableBytes(of: &length) { try broadcast($0, root: root) }
        var result = rank == root ? bytes : [UInt8](repeating: 0, count: Int(length))
        try result.withUnsafeMutableBytes { try broadcast($0, root: root) }
        return result
    }

    /// The element-wise sum of `values` over the group.
    public func allReduceSum(_ values: [Double]) throws -> [Double] {
        var result = values
        try result.withUnsafeMutableBufferPointer { try allReduceSum($0) }
        return result
    }
}

/// One process alone: every collective is the identity.
public final class SingleProcessGroup: ProcessGroup {
    public init() {}
    public var rank: Int { 0 }
    public var size: Int { 1 }
    public func allReduceSum(_ buffer: UnsafeMutableBufferPointer<Float>) throws {}
    public func allReduceSum(_ buffer: UnsafeMutableBufferPointer<Double>) throws {}
    public func broadcast(_ buffer: UnsafeMutableRawBufferPointer, root: Int) throws {}
    public func barrier() throws {}
    public func abort(message: String, code: Int32) -> Never {
        FileHandle.standardError.write(Data((message + "\n").utf8))
        exit(code)
    }
}

/// The rows of a global batch one process trains on: contiguous, as equal as possible, the
/// first `globalCount % size` ranks taking one more. Every process sees the whole global batch
/// and the same random stream, so the sum of the shards' gradients, weighted by their share,
/// is the single-process gradient of the global batch.
public struct BatchShard: Equatable, Sendable {
    public var globalCount: Int
    public var offset: Int
    public var count: Int

    public init(globalCount: Int, offset: Int, count: Int) {
        precondition(offset >= 0 && count >= 0 && offset + count <= globalCount,
                     "BatchShard: rows \(offset)..<\(offset + count) outside a batch of \(globalCount)")
        self.globalCount = globalCount
        self.offset = offset
        self.count = count
    }

    /// The shard of `rank` among `size` processes.
    public init(globalCount: Int, rank: Int, size: Int) {
        precondition(size >= 1 && (0..<size).contains(rank), "BatchShard: rank \(rank) outside a group of \(size)")
        let base = globalCount / size, extra = globalCount % size
        self.init(globalCount: globalCount, offset: rank * base + min(rank, extra), count: base + (rank < extra ? 1 : 0))
    }

    /// The whole batch: what a single process trains on.
    public static func whole(_ count: Int) -> BatchShard { BatchShard(globalCount: count, offset: 0, count: count) }

    public var isWhole: Bool { count == globalCount }
    public var rows: Range<Int> { offset..<(offset + count) }
    /// This shard's weight in the global batch's mean loss.
    public var share: Double { globalCount == 0 ? 0 : Double(count) / Double(globalCount) }
}
