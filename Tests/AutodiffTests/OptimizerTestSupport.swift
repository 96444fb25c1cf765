import Autodiff
import Testing

// Helpers shared by the optimiser test suites.

/// Relative tolerance for values computed by hand in decimal: hyper-parameters such as 0.1 are
/// rounded to the element type, so Float32 results differ from the decimals by a few ulps.
func handTolerance<S: TensorScalar>(_: S.Type) -> Double { S.self == Float.self ? 2e-6 : 1e-12 }

func expectClose<S: TensorScalar>(_ tensor: Tensor<S>, _ expected: [Double], _ what: String = "",
                                  sourceLocation: SourceLocation = #_sourceLocation) {
    let actual = tensor.scalars.map { Double($0) }
    let tolerance = handTolerance(S.self)
    let close = actual.count == expected.count
        && zip(actual, expected).allSatisfy { Swift.abs($0 - $1) <= tolerance * Swift.max(1, Swift.abs($1)) }
    #expect(close, "\(what) \(S.dtypeName): got \(actual), expected \(expected)", sourceLocation: sourceLocation)
}

/// Bit patterns of the elements (Float widens to Double exactly), for bit-identity checks.
func bits<S: TensorScalar>(_ tensor: Tensor<S>) -> [UInt64] {
    tensor.scalars.map { Double($0).bitPattern }
}

func parameter<S: TensorScalar>(_ values: [Double]) -> Tensor<S> {
    Tensor(shape: [values.count], scalars: values.map { S($0) }, requiresGrad: true)
}

func setGradient<S: TensorScalar>(_ tensor: Tensor<S>, _ values: [Double]) {
    tensor.grad = Tensor(shape: tensor.shape, scalars: values.map { S($0) })
}

/// The message of the error `body` throws ("" when it does not throw).
func thrownMessage(_ body: () throws -> Void) -> String {
    do {
        try body()
        return ""
    } catch {
        return "\(error)"
    }
}

/// A small least-squares problem: 16 samples, 3 features, targets from known weights
/// [1, −2, 0.5] and bias 0.3 (so the minimum loss is 0). `loss` is mean((X w + b − y)²).
struct LeastSquares<S: TensorScalar> {
    let inputs: Tensor<S>
    let targets: Tensor<S>
    let trueWeights: [Double] = [1, -2, 0.5]
    let trueBias = 0.3

    init(seed: UInt64) {
        var generator = RandomGenerator(seed: seed)
        let x = Tensor<S>(randomNormal: [16, 3], generator: &generator)
        let w = Tensor<S>(shape: [3, 1], scalars: trueWeights.map { S($0) })
        inputs = x
        targets = x.matmul(w) + S(trueBias)
    }

    func loss(weights: Tensor<S>, bias: Tensor<S>) -> Tensor<S> {
        (inputs.matmul(weights) + bias - targets).squared().mean()
    }

    /// Fresh zero parameters: weights [3, 1] and bias [1].
    func initialParameters() -> (weights: Tensor<S>, bias: Tensor<S>) {
        (Tensor(zeros: [3, 1], requiresGrad: true), Tensor(zeros: [1], requiresGrad: true))
    }
}
