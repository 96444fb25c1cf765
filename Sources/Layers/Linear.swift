import Autodiff

/// y = x Wᵀ + b for x of shape [N, inputSize]; W has PyTorch's shape [outputSize, inputSize].
/// Initialised as PyTorch's nn.Linear (weights and bias U(-1/√in, 1/√in)).
public final class Linear<Scalar: TensorScalar>: Layer {
    /// Parameters are `var` so a test or a user can substitute a tensor (e.g. for gradient checks).
    public var weight: Tensor<Scalar>
    public var bias: Tensor<Scalar>?
    public var isTraining = true

    public var inputSize: Int { weight.shape[1] }
    public var outputSize: Int { weight.shape[0] }

    public init(inputSize: Int, outputSize: Int, bias: Bool = true, generator: inout RandomGenerator) {
        precondition(inputSize > 0 && outputSize > 0, "Linear: sizes must be positive, got \(inputSize) -> \(outputSize)")
        weight = Initialization.pytorchDefaultWeight([outputSize, inputSize], generator: &generator)
        self.bias = bias ? Initialization.pytorchDefaultBias(outputSize, fanIn: inputSize, generator: &generator) : nil
    }

    public func callAsFunction(_ input: Tensor<Scalar>) -> Tensor<Scalar> {
        guard input.rank == 2, input.shape[1] == inputSize else {
            fatalError("Linear(\(inputSize) -> \(outputSize)): expected input [N, \(inputSize)], got \(shapeString(input.shape))")
        }
        let product = Tensor.matmul(input, transposeA: false, weight, transposeB: true)
        return bias.map { product + $0 } ?? product
    }
}
