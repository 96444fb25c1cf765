import Autodiff

/// A layer without parameters or buffers (activations, pooling, reshapes): the Module
/// requirements come for free.
public protocol StatelessLayer: Layer {}

extension StatelessLayer {
    public var namedParameters: [(name: String, tensor: Tensor<Scalar>)] { [] }
    public var namedBuffers: [(name: String, tensor: Tensor<Scalar>)] { [] }
}
