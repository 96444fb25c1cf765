import Autodiff

/// Weight initialisations as PyTorch defines them, drawn from an explicit generator.
public enum Initialization {
    /// PyTorch's fan-in and fan-out of a weight: dimension 1 (resp. 0) times the receptive
    /// field (the product of the dimensions after the first two).
    public static func fans(_ shape: [Int]) -> (fanIn: Int, fanOut: Int) {
        precondition(shape.count >= 2, "fans: weight of shape \(shapeString(shape)) needs at least 2 dimensions")
        let receptive = shape.dropFirst(2).reduce(1, *)
        return (shape[1] * receptive, shape[0] * receptive)
    }

    /// U(-bound, bound), a learnable parameter.
    public static func uniform<S: TensorScalar>(_ shape: [Int], bound: Double, generator: inout RandomGenerator) -> Tensor<S> {
        Tensor<S>(randomUniform: shape, low: S(-bound), high: S(bound), generator: &generator, requiresGrad: true)
    }

    /// PyTorch's default for Linear and Conv weights, `kaiming_uniform_(a=√5)`: the gain
    /// √(2/(1+5)) times √(3/fan_in) gives U(-1/√fan_in, 1/√fan_in).
    public static func pytorchDefaultWeight<S: TensorScalar>(_ shape: [Int], generator: inout RandomGenerator) -> Tensor<S> {
        let fanIn = fans(shape).fanIn
        return uniform(shape, bound: fanIn > 0 ? 1 / Double(fanIn).squareRoot() : 0, generator: &generator)
    }

    /// PyTorch's default bias of Linear and Conv: U(-1/√fan_in, 1/√fan_in).
    public static func pytorchDefaultBias<S: TensorScalar>(_ count: Int, fanIn: Int, generator: inout RandomGenerator) -> Tensor<S> {
        uniform([count], bound: fanIn > 0 ? 1 / Double(fanIn).squareRoot() : 0, generator: &generator)
    }

    /// `kaiming_normal_(mode="fan_out", nonlinearity="relu")`, torchvision's ResNet conv init:
    /// N(0, 2/fan_out).
    public static func kaimingNormalFanOut<S: TensorScalar>(_ shape: [Int], generator: inout RandomGenerator) -> Tensor<S> {
        let fanOut = fans(shape).fanOut
        let std = fanOut > 0 ? (2 / Double(fanOut)).squareRoot() : 0
        return Tensor<S>(randomNormal: shape, mean: 0, std: S(std), generator: &generator, requiresGrad: true)
    }
}
