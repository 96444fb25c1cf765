import Autodiff
import Layers

// TEMPORARY stand-in for Layers' `Linear` (same name, initialiser and parameter names), internal
// so it never leaks. Delete this file once Layers' Linear is merged into main.
public final class Linear<Scalar: TensorScalar>: Layer {
    public var weight: Tensor<Scalar>
    public var bias: Tensor<Scalar>?
    public var isTraining = true
    public var inputSize: Int { weight.shape[1] }
    public var outputSize: Int { weight.shape[0] }

    public init(inputSize: Int, outputSize: Int, bias: Bool = true, generator: inout RandomGenerator) {
        let bound = Scalar(1 / Double(inputSize).squareRoot())
        weight = Tensor(randomUniform: [outputSize, inputSize], low: -bound, high: bound, generator: &generator, requiresGrad: true)
        self.bias = bias ? Tensor(randomUniform: [outputSize], low: -bound, high: bound, generator: &generator, requiresGrad: true) : nil
    }

    public var namedParameters: [(name: String, tensor: Tensor<Scalar>)] {
        [("weight", weight)] + (bias.map { [("bias", $0)] } ?? [])
    }
    public var namedBuffers: [(name: String, tensor: Tensor<Scalar>)] { [] }

    public func callAsFunction(_ input: Tensor<Scalar>) -> Tensor<Scalar> {
        let product = Tensor.matmul(input, transposeA: false, weight, transposeB: true)
        return bias.map { product + $0 } ?? product
    }
}
