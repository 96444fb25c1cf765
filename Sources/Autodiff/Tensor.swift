/// An n-dimensional array of `Float` or `Double` in contiguous row-major storage, that records
/// the operations applied to it (when one of its inputs needs a gradient) so that `backward()`
/// can compute gradients by reverse-mode differentiation.
///
/// Tensors are reference types, like PyTorch's: a parameter is one object that an optimiser
/// updates in place and whose `grad` accumulates across uses.
public final class Tensor<Scalar: TensorScalar> {
    public let shape: [Int]
    public let storage: TensorStorage<Scalar>
    /// A leaf that wants its gradient: parameters and inputs under test.
    public var requiresGrad: Bool
    /// The accumulated gradient of the last `backward()` calls (leaves only).
    public var grad: Tensor?
    /// Optional name, shown in messages (e.g. the parameter's state-dict key).
    public var name: String?
    /// How this tensor was computed, when it was computed while recording. Released by backward().
    var node: GraphNode<Scalar>?
    /// `node` while backward has not released it.
    var liveNode: GraphNode<Scalar>? { node.flatMap { $0.isReleased ? nil : $0 } }
    /// Whether backward released `node`, so that a second backward can say so.
    var graphReleased: Bool { node?.isReleased ?? false }

    /// Strided kernels keep a fixed-size index per dimension.
    public static var maximumRank: Int { 16 }

    public var count: Int { Shapes.elementCount(shape) }
    public var rank: Int { shape.count }
    /// The first element of the storage. Valid while the tensor is alive.
    public var data: UnsafeMutablePointer<Scalar> { storage.pointer }

    /// Wraps existing storage (shared, not copied) with a shape of the same element count.
    public init(shape: [Int], storage: TensorStorage<Scalar>, requiresGrad: Bool = false) {
        precondition(shape.allSatisfy { $0 >= 0 }, "Tensor: negative dimension in \(shapeString(shape))")
        precondition(shape.count <= Tensor.maximumRank, "Tensor: rank \(shape.count) of \(shapeString(shape)) exceeds the supported \(Tensor.maximumRank)")
        precondition(Shapes.elementCount(shape) <= storage.count,
                     "Tensor: shape \(shapeString(shape)) needs \(Shapes.elementCount(shape)) elements, storage has \(storage.count)")
        self.shape = shape
        self.storage = storage
        self.requiresGrad = requiresGrad
    }

    /// A new tensor with uninitialised contents: every op fills what it returns.
    public convenience init(uninitializedShape shape: [Int]) {
        self.init(shape: shape, storage: TensorStorage(count: Shapes.elementCount(shape)))
    }

    public convenience init(shape: [Int], scalars: [Scalar], requiresGrad: Bool = false) {
        precondition(Shapes.elementCount(shape) == scalars.count,
                     "Tensor: shape \(shapeString(shape)) needs \(Shapes.elementCount(shape)) scalars, got \(scalars.count)")
        self.init(uninitializedShape: shape)
        scalars.withUnsafeBufferPointer { source in
            if let base = source.baseAddress { data.update(from: base, count: scalars.count) }
        }
        self.requiresGrad = requiresGrad
    }

    public convenience init(repeating value: Scalar, shape: [Int], requiresGrad: Bool = false) {
        self.init(uninitializedShape: shape)
        fill(value)
        self.requiresGrad = requiresGrad
    }

    public convenience init(zeros shape: [Int], requiresGrad: Bool = false) {
        self.init(repeating: 0, shape: shape, requiresGrad: requiresGrad)
    }

    public convenience init(ones shape: [Int], requiresGrad: Bool = false) {
        self.init(repeating: 1, shape: shape, requiresGrad: requiresGrad)
    }

    /// A rank-0 tensor holding one value.
    public convenience init(_ value: Scalar) {
        self.init(repeating: value, shape: [])
    }

    /// Elements in row-major order.
    public var scalars: [Scalar] { Array(UnsafeBufferPointer(start: data, count: count)) }

    /// The single value of a tensor with one element.
    public var scalar: Scalar {
        precondition(count == 1, "scalar: tensor of shape \(shapeString(shape)) has \(count) elements, expected 1")
        return data[0]
    }

    /// Element access by full index, for tests and small inspections (not a hot path).
    public subscript(_ index: Int...) -> Scalar {
        get { data[flatIndex(index)] }
        set { data[flatIndex(index)] = newValue }
    }

    func flatIndex(_ index: [Int]) -> Int {
        precondition(index.count == rank, "subscript: \(index.count) indices for a tensor of rank \(rank)")
        var flat = 0
        for (d, i) in index.enumerated() {
            precondition(i >= 0 && i < shape[d], "subscript: index \(i) out of range for dimension \(d) of \(shapeString(shape))")
            flat = flat * shape[d] + i
        }
        return flat
    }

    /// Whether gradients flow through this tensor (a leaf that wants one, or a recorded result).
    public var isTracked: Bool { requiresGrad || liveNode != nil }

    /// The same values, cut from the graph: no gradient flows back through the result.
    public func detached() -> Tensor {
        Tensor(shape: shape, storage: storage)
    }

    /// A deep copy with its own storage, cut from the graph.
    public func copy() -> Tensor {
        let out = Tensor(uninitializedShape: shape)
        out.data.update(from: data, count: count)
        return out
    }

    /// Overwrites every element (in place, not recorded).
    public func fill(_ value: Scalar) {
        Scalar.kernelFill(count, value, data)
    }

    /// Copies another tensor's values into this one (in place, not recorded).
    public func assign(_ other: Tensor) {
        precondition(other.shape == shape, "assign: shape \(shapeString(other.shape)) into \(shapeString(shape))")
        data.update(from: other.data, count: count)
    }

    /// Converts to another scalar type (not recorded: used for checks and checkpoints).
    public func converted<Other: TensorScalar>(to: Other.Type = Other.self) -> Tensor<Other> {
        let out = Tensor<Other>(uninitializedShape: shape)
        Scalar.kernelConvert(count, data, out.data)
        return out
    }
}

import CKernels

extension Tensor: CustomStringConvertible {
    public var description: String {
        let shown = scalars.prefix(16).map { "\($0)" }.joined(separator: ", ")
        return "Tensor<\(Scalar.dtypeName)>\(shapeString(shape))[\(shown)\(count > 16 ? ", …" : "")]"
    }
}

/// Tensors may be handed from one thread to another (a loader's prefetch thread to the training
/// loop); like arrays of reference type, they must not be mutated from two threads at once.
extension Tensor: @unchecked Sendable {}
