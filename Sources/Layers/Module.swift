import Autodiff

/// Anything with parameters: layers, blocks, whole networks, heads and losses with learnable
/// centres. Names follow PyTorch's state-dict convention (`layer1.0.bn1.running_mean`), so
/// checkpoints line up with PyTorch's.
///
/// A module that only composes others writes none of the lists: its stored properties are found
/// by reflection (`namedChildren`), in declaration order. A property holding a module (or an
/// optional one) is a child named after the property; an array of modules gives children
/// `name.0`, `name.1`, …; a `Tensor` property (or an optional one) is a parameter named after the
/// property. Buffers come from the children. Each requirement can still be written by hand:
/// leaf layers name their own tensors (BatchNorm's `running_mean`), and `ResNet` and
/// `Sequential` give their children torchvision's names.
public protocol Module<Scalar>: AnyObject {
    associatedtype Scalar: TensorScalar

    /// Learnable tensors, recursively, by state-dict name. Default: the `Tensor` properties, then
    /// each child's parameters under its name.
    var namedParameters: [(name: String, tensor: Tensor<Scalar>)] { get }
    /// Non-learnable state saved with the model (BatchNorm running statistics), by name.
    /// Default: each child's buffers under its name.
    var namedBuffers: [(name: String, tensor: Tensor<Scalar>)] { get }
    /// The modules this one is made of, by state-dict name. Default: found by reflection.
    var namedChildren: [(name: String, module: any Module<Scalar>)] { get }
    /// Training or evaluation behaviour (BatchNorm statistics, Dropout). Default: a module is in
    /// training mode when its children are, and setting it sets every child; a module whose own
    /// behaviour depends on the mode declares it as a stored property (and sets its children).
    var isTraining: Bool { get set }
}

extension Module {
    public var namedChildren: [(name: String, module: any Module<Scalar>)] {
        reflectedMembers().children
    }

    public var namedParameters: [(name: String, tensor: Tensor<Scalar>)] {
        reflectedMembers().tensors + namedChildren.flatMap { prefixed($0.name, $0.module.namedParameters) }
    }

    public var namedBuffers: [(name: String, tensor: Tensor<Scalar>)] {
        namedChildren.flatMap { prefixed($0.name, $0.module.namedBuffers) }
    }

    public var isTraining: Bool {
        get { namedChildren.allSatisfy { $0.module.isTraining } }
        set { for child in namedChildren { child.module.isTraining = newValue } }
    }

    /// The stored properties (this class's and its superclasses') that are modules, arrays of
    /// modules or tensors of this module's scalar type, in declaration order.
    public func reflectedMembers() -> (children: [(name: String, module: any Module<Scalar>)], tensors: [(name: String, tensor: Tensor<Scalar>)]) {
        var mirrors: [Mirror] = []
        var mirror: Mirror? = Mirror(reflecting: self)
        while let current = mirror {
            mirrors.insert(current, at: 0)  // superclass properties first, as declared
            mirror = current.superclassMirror
        }
        var children: [(name: String, module: any Module<Scalar>)] = []
        var tensors: [(name: String, tensor: Tensor<Scalar>)] = []
        for case let (label?, value) in mirrors.flatMap(\.children) {
            // A lazy property's storage is named `$__lazy_storage_$_name`; a wrapper's `_name`.
            let name = label.hasPrefix("$__lazy_storage_$_") ? String(label.dropFirst(18)) : label
            if let module = value as? any Module<Scalar> {
                children.append((name, module))
            } else if let modules = value as? [any Module<Scalar>] {
                children += modules.enumerated().map { ("\(name).\($0.offset)", $0.element) }
            } else if let tensor = value as? Tensor<Scalar> {
                tensors.append((name, tensor))
            }
        }
        return (children, tensors)
    }
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
