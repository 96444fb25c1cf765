import Autodiff

/// Anything with parameters: layers, blocks, whole networks, heads and losses with learnable
/// centres. Names follow PyTorch's state-dict convention (`layer1.0.bn1.running_mean`), so
/// checkpoints line up with PyTorch's.
public protocol Module<Scalar>: AnyObject {
    associatedtype Scalar: TensorScalar

    /// Learnable tensors, recursively, by state-dict name.
    var namedParameters: [(name: String, tensor: Tensor<Scalar>)] { get }
    /// Non-learnable state saved with the model (BatchNorm running statistics), by name.
    var namedBuffers: [(name: String, tensor: Tensor<Scalar>)] { get }
    /// Training or evaluation behaviour (BatchNorm statistics, Dropout). Setting it propagates
    /// to child modules.
    var isTraining: Bool { get set }
}

/// A module that maps one tensor to another.
public protocol Layer<Scalar>: Module {
    func callAsFunction(_ input: Tensor<Scalar>) -> Tensor<Scalar>
}

extension Module {
    public var parameters: [Tensor<Scalar>] { namedParameters.map(\.tensor) }
    public var parameterCount: Int { namedParameters.reduce(0) { $0 + $1.tensor.count } }

    /// Parameters and buffers together: what a checkpoint holds.
    public var stateDict: [String: Tensor<Scalar>] {
        var dict: [String: Tensor<Scalar>] = [:]
        for (name, tensor) in namedParameters { dict[name] = tensor }
        for (name, tensor) in namedBuffers { dict[name] = tensor }
        return dict
    }

    /// Stops (or restarts) gradient flow into every parameter, e.g. to freeze a pretrained backbone.
    public func setFrozen(_ frozen: Bool) {
        for (_, tensor) in namedParameters { tensor.requiresGrad = !frozen }
    }

    public func zeroGradients() {
        for (_, tensor) in namedParameters { tensor.grad = nil }
    }
}

/// Prefixes child names: `prefixed("layer1.0", child.namedParameters)`.
public func prefixed<S>(_ prefix: String, _ entries: [(name: String, tensor: Tensor<S>)]) -> [(name: String, tensor: Tensor<S>)] {
    entries.map { (name: prefix + "." + $0.name, tensor: $0.tensor) }
}
