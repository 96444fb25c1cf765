import Autodiff
import Foundation
import Layers

// Data parallelism in the loop (Documentation/Distributed.md). With a group of one process
// every function here is the identity, and the loop is the single-process loop bit for bit.
extension Trainer {
    /// The checkpoint this process reads and writes: rank 0's only.
    var checkpointURL: URL? { processGroup.isPrimary ? configuration.checkpointURL : nil }

    /// Where this process prints: rank 0's display, nothing on the others.
    var display: ProgressDisplay { processGroup.isPrimary ? progress : Self.silentDisplay }

    private static var silentDisplay: ProgressDisplay { ProgressDisplay(style: .silent) }

    /// Rank 0's epoch to start from, its weights and buffers and its optimiser state (fresh or
    /// resumed from its checkpoint) on every process: a resumed run continues with any number
    /// of processes, since the checkpoint holds the global state.
    func synchronizeStart(_ startEpoch: Int) throws -> Int {
        guard processGroup.size > 1 else { return startEpoch }
        let epoch = try sumOverGroup([processGroup.isPrimary ? Double(startEpoch) : 0])[0]
        try broadcastModel()
        let mine = processGroup.isPrimary
            ? try SafeTensorsWriter.serialize(optimizer.stateDict().sorted { $0.key < $1.key }.map { (name: $0.key, tensor: $0.value) })
            : []
        let bytes = try processGroup.broadcast(bytes: mine)
        if !processGroup.isPrimary {
            do {
                try optimizer.loadStateDict(try SafeTensorsFile(bytes: bytes).tensors(as: Float.self))
            } catch {
                throw TrainingError.data("\(configuration.name): rank \(processGroup.rank) cannot take rank 0's optimiser state: \(error)")
            }
        }
        return Int(epoch)
    }

    /// Rank 0's parameters and buffers on every process: at the start and before every epoch,
    /// which also keeps per-process batch-norm statistics from drifting apart.
    func broadcastModel() throws {
        guard processGroup.size > 1 else { return }
        for (_, tensor) in model.stateDict.sorted(by: { $0.key < $1.key }) {
            try processGroup.broadcast(UnsafeMutableRawBufferPointer(start: tensor.data, count: tensor.count * MemoryLayout<Float>.size), root: 0)
        }
    }

    /// `values` summed over the group (themselves for one process).
    func sumOverGroup(_ values: [Double]) throws -> [Double] {
        processGroup.size > 1 ? try processGroup.allReduceSum(values) : values
    }

    /// Replaces each parameter's gradient with the global batch's: Σ over processes of
    /// share · local gradient (each local loss is a mean over its own rows). The gradients go
    /// in buckets of `gradientBucketElements` floats, led by one flag per parameter, so that a
    /// parameter without a gradient on some process (an empty shard) gets the others' and one
    /// without a gradient anywhere keeps none (the optimiser then skips it, as alone).
    func reduceGradients(share: Double) throws {
        guard processGroup.size > 1 else { return }
        let parameters = optimizer.parameters
        let scale = Float(share)
        var layout = GradientLayout(counts: parameters.map(\.count))
        let bucket = UnsafeMutableBufferPointer<Float>.allocate(capacity: min(gradientBucketElements, layout.total))
        defer { bucket.deallocate() }
        var start = 0
        while start < layout.total {
            let end = min(start + bucket.count, layout.total)
            for piece in layout.pieces(start..<end) {
                let target = bucket.baseAddress! + (piece.flat.lowerBound - start)
                if piece.parameter < 0 {
                    for i in piece.within { target[i - piece.within.lowerBound] = parameters[i].grad == nil ? 0 : 1 }
                } else if let grad = parameters[piece.parameter].grad {
                    let source = grad.data + piece.within.lowerBound
                    for i in 0..<piece.within.count { target[i] = source[i] * scale }
                } else {
                    target.update(repeating: 0, count: piece.within.count)
                }
            }
            try processGroup.allReduceSum(UnsafeMutableBufferPointer(rebasing: bucket[0..<(end - start)]))
            for piece in layout.pieces(start..<end) {
                let source = bucket.baseAddress! + (piece.flat.lowerBound - start)
                if piece.parameter < 0 {
                    for i in piece.within { layout.present[i] = source[i - piece.within.lowerBound] > 0 }
                } else if layout.present[piece.parameter] {
                    let parameter = parameters[piece.parameter]
                    if parameter.grad == nil { parameter.grad = Tensor(zeros: parameter.shape) }
                    (parameter.grad!.data + piece.within.lowerBound).update(from: source, count: piece.within.count)
                }
            }
            start = end
        }
    }
}

/// The flat buffer the gradient buckets cut: P presence flags, then every parameter's gradient.
struct GradientLayout {
    /// A stretch of the flat buffer inside one parameter (`parameter` -1: the flags).
    struct Piece {
        var parameter: Int
        var flat: Range<Int>
        var within: Range<Int>
    }

    let offsets: [Int]
    let counts: [Int]
    let total: Int
    /// Whether some process had each parameter's gradient (known once the flags are reduced,
    /// which lead the first bucket).
    var present: [Bool]

    init(counts: [Int]) {
        var offsets: [Int] = [], next = counts.count
        for count in counts {
            offsets.append(next)
            next += count
        }
        self.offsets = offsets
        self.counts = counts
        total = next
        present = Array(repeating: false, count: counts.count)
    }

    /// The pieces of `range`, in order.
    func pieces(_ range: Range<Int>) -> [Piece] {
        var result: [Piece] = []
        let flags = 0..<counts.count
        if range.lowerBound < flags.upperBound {
            let r = range.lowerBound..<min(range.upperBound, flags.upperBound)
            result.append(Piece(parameter: -1, flat: r, within: r))
        }
        for (index, offset) in offsets.enumerated() {
            let lower = max(range.lowerBound, offset), upper = min(range.upperBound, offset + counts[index])
            guard lower < upper else { continue }
            let r = lower..<upper
            result.append(Piece(parameter: index, flat: r, within: (r.lowerBound - offset)..<(r.upperBound - offset)))
        }
        return result
    }
}
