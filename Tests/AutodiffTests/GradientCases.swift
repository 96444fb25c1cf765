@testable import Autodiff
import Testing

/// One differentiable op under test: Float64 inputs and the function to check, optionally with a
/// Float32 twin (the same expression, typed for Float) whose values and gradients must agree with
/// the Float64 ones.
struct GradientCase: CustomStringConvertible, Sendable {
    let op: String
    let inputs: [Tensor<Double>]
    var tolerance: Double = 1e-6
    /// Skip elements at kinks (ReLU at 0, max ties, clamp edges): see `gradientCheck`.
    var allowKinks = false
    let function: @Sendable ([Tensor<Double>]) -> Tensor<Double>
    /// The same function on Float32 tensors (closures cannot be generic, so it is written twice;
    /// a twin that drifts from its original fails the agreement test).
    var float32: (@Sendable ([Tensor<Float>]) -> Tensor<Float>)?
    /// Allowed |Float32 − Float64|, relative to the largest magnitude of the Float64 tensor (or 1).
    var float32Tolerance: Double = 1e-5

    init(op: String, inputs: [Tensor<Double>], tolerance: Double = 1e-6, allowKinks: Bool = false,
         float32: (@Sendable ([Tensor<Float>]) -> Tensor<Float>)? = nil, float32Tolerance: Double = 1e-5,
         function: @escaping @Sendable ([Tensor<Double>]) -> Tensor<Double>) {
        self.op = op
        self.inputs = inputs
        self.tolerance = tolerance
        self.allowKinks = allowKinks
        self.function = function
        self.float32 = float32
        self.float32Tolerance = float32Tolerance
    }

    /// The op's name: the first word of `op` ("add broadcast-left" -> "add").
    var opName: String { op.split(separator: " ").first.map(String.init) ?? op }
    var description: String { op }
}

/// Every gradient case of the suite. Each family lives in its own file
/// (`GradientCases+<Family>.swift`) so that families can grow independently.
enum GradientCases {
    static var all: [GradientCase] { core + indexing + convolution + losses }
}

/// Inputs for the cases: seeded, so every run checks the same points.
struct CaseInputs {
    var generator: RandomGenerator

    init(seed: UInt64) { generator = RandomGenerator(seed: seed) }

    mutating func normal(_ shape: [Int], scale: Double = 1) -> Tensor<Double> {
        Tensor(randomNormal: shape, std: scale, generator: &generator)
    }

    mutating func uniform(_ shape: [Int], _ low: Double, _ high: Double) -> Tensor<Double> {
        Tensor(randomUniform: shape, low: low, high: high, generator: &generator)
    }

    /// Magnitudes in [low, high] with random signs: away from zero (for 1/x, |x|, max ties).
    mutating func awayFromZero(_ shape: [Int], _ low: Double = 0.3, _ high: Double = 2) -> Tensor<Double> {
        let t = uniform(shape, low, high)
        for i in 0..<t.count where generator.uniform() < 0.5 { t.data[i] = -t.data[i] }
        return t
    }
}

/// Which op names a function records, found by walking the graph it builds.
func recordedOps(_ testCase: GradientCase) -> Set<String> {
    let leaves = testCase.inputs.map { input -> Tensor<Double> in
        let leaf = input.copy()
        leaf.requiresGrad = true
        return leaf
    }
    let output = testCase.function(leaves)
    return Set(Graph.topologicalOrder(from: output).compactMap { $0.node?.op })
}

/// Largest |a − b| relative to max(1, largest |b|).
func scaledDifference(_ a: Tensor<Float>, _ b: Tensor<Double>) -> Double {
    let wide = a.converted(to: Double.self)
    var diff = 0.0, scale = 1.0
    for i in 0..<b.count {
        diff = max(diff, abs(wide.data[i] - b.data[i]))
        scale = max(scale, abs(b.data[i]))
    }
    return diff / scale
}

@Suite struct GradientCheckSuite {
    @Test(arguments: GradientCases.all)
    func float64GradientMatchesFiniteDifferences(_ testCase: GradientCase) {
        let result = gradientCheck(testCase.inputs, tolerance: testCase.tolerance, allowKinks: testCase.allowKinks, testCase.function)
        #expect(result.passed, "\(testCase.op): \(result)")
        #expect(result.checkedElements > 0, "\(testCase.op): nothing was checked")
    }

    /// Float32 values and gradients agree with Float64 at the same points.
    @Test(arguments: GradientCases.all.filter { $0.float32 != nil })
    func float32AgreesWithFloat64(_ testCase: GradientCase) throws {
        let twin = try #require(testCase.float32)
        let wide = testCase.inputs.map { input -> Tensor<Double> in
            let leaf = input.copy()
            leaf.requiresGrad = true
            return leaf
        }
        let narrow = testCase.inputs.map { input -> Tensor<Float> in
            let leaf = input.converted(to: Float.self)
            leaf.requiresGrad = true
            return leaf
        }
        let output64 = testCase.function(wide), output32 = twin(narrow)
        try #require(output32.shape == output64.shape, "\(testCase.op): Float32 shape \(output32.shape) vs Float64 \(output64.shape)")
        var generator = RandomGenerator(seed: 0xF32)
        let weights = Tensor<Double>(randomUniform: output64.shape, low: 0.5, high: 1.5, generator: &generator)
        let grads64 = Graph.gradients(of: (output64 * weights).sum(), wrt: wide)
        let grads32 = Graph.gradients(of: (output32 * weights.converted(to: Float.self)).sum(), wrt: narrow)

        let valueError = scaledDifference(output32, output64)
        #expect(valueError <= testCase.float32Tolerance, "\(testCase.op): Float32 value differs by \(valueError)")
        for (index, (g32, g64)) in zip(grads32, grads64).enumerated() {
            let error = scaledDifference(g32, g64)
            #expect(error <= testCase.float32Tolerance, "\(testCase.op): Float32 gradient of input \(index) differs by \(error)")
        }
    }

    /// Every case really records at least one differentiable op (a case can't check nothing).
    @Test(arguments: GradientCases.all)
    func caseRecordsAGraph(_ testCase: GradientCase) {
        #expect(!recordedOps(testCase).isEmpty, "\(testCase.op) records no op")
    }

    /// Every op of the families this suite owns also runs in Float32.
    @Test func everyCoreIndexingAndLossOpHasAFloat32Twin() {
        let cases = GradientCases.core + GradientCases.indexing + GradientCases.losses
        let ops = Set(cases.map(\.opName))
        let twinned = Set(cases.filter { $0.float32 != nil }.map(\.opName))
        #expect(ops.subtracting(twinned).isEmpty, "no Float32 agreement for \(ops.subtracting(twinned).sorted())")
    }

    @Test func reportsCoverage() {
        let cases = GradientCases.all
        let ops = Set(cases.map(\.opName))
        let twinned = Set(cases.filter { $0.float32 != nil }.map(\.opName))
        let primitives = cases.reduce(into: Set<String>()) { $0.formUnion(recordedOps($1)) }
        print("gradient-check suite: \(cases.count) cases covering \(ops.count) ops: \(ops.sorted().joined(separator: ", "))")
        print("gradient-check suite: \(twinned.count) of \(ops.count) ops also checked for Float32 agreement; \(primitives.count) recorded graph ops exercised: \(primitives.sorted().joined(separator: ", "))")
        #expect(!ops.isEmpty)
    }
}
