@testable import Autodiff
import Testing

/// One gradient case, written once inside a table generic over the scalar (`Case<S>`): its name,
/// the ops it is there to check, its Float64 inputs and the function under test. Run in Float64
/// against finite differences and in Float32 against Float64 (see `GradientCheckSuite`).
struct GradientCaseDefinition<S: TensorScalar>: Sendable {
    let name: String
    /// The ops this case checks; each must be recorded by `function` (`declaredOpsAreRecorded`).
    let covers: Set<Op>
    let inputs: [Tensor<Double>]
    var tolerance: Double = 1e-6
    /// Skip elements at kinks (ReLU at 0, max ties, clamp edges): see `gradientCheck`.
    var allowKinks = false
    /// Allowed |Float32 − Float64|, relative to the largest magnitude of the Float64 tensor (or 1).
    var float32Tolerance: Double = 1e-5
    let function: @Sendable ([Tensor<S>]) -> Tensor<S>

    init(_ name: String, covers: Set<Op>, inputs: [Tensor<Double>], tolerance: Double = 1e-6, allowKinks: Bool = false,
         float32Tolerance: Double = 1e-5, function: @escaping @Sendable ([Tensor<S>]) -> Tensor<S>) {
        self.name = name
        self.covers = covers
        self.inputs = inputs
        self.tolerance = tolerance
        self.allowKinks = allowKinks
        self.float32Tolerance = float32Tolerance
        self.function = function
    }
}

/// The spelling used in the tables: `Case("add broadcast-left", covers: [.add], inputs: [b4, a34]) { $0[0] + $0[1] }`.
typealias Case<S: TensorScalar> = GradientCaseDefinition<S>

/// One case with both instantiations of its function: what the suite runs.
struct GradientCase: CustomStringConvertible, Sendable {
    let definition: GradientCaseDefinition<Double>
    let float32: @Sendable ([Tensor<Float>]) -> Tensor<Float>

    var name: String { definition.name }
    var covers: Set<Op> { definition.covers }
    var inputs: [Tensor<Double>] { definition.inputs }
    var function: @Sendable ([Tensor<Double>]) -> Tensor<Double> { definition.function }
    var description: String { name }

    /// Joins the Float64 and Float32 instantiations of one table, case by case.
    static func pair(_ wide: [Case<Double>], _ narrow: [Case<Float>]) -> [GradientCase] {
        precondition(wide.map(\.name) == narrow.map(\.name), "a case table gave different cases for Float64 and Float32")
        return zip(wide, narrow).map { GradientCase(definition: $0, float32: $1.function) }
    }
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

/// Which ops a function records, found by walking the graph it builds.
func recordedOps(_ testCase: GradientCase) -> Set<Op> {
    let leaves = testCase.inputs.map { input -> Tensor<Double> in
        let leaf = input.copy()
        leaf.requiresGrad = true
        return leaf
    }
    let output = testCase.function(leaves)
    return Set(output.liveNode.map { Graph.topologicalOrder(from: $0).map(\.op) } ?? [])
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
        let d = testCase.definition
        let result = gradientCheck(d.inputs, tolerance: d.tolerance, allowKinks: d.allowKinks, d.function)
        #expect(result.passed, "\(testCase): \(result)")
        #expect(result.checkedElements > 0, "\(testCase): nothing was checked")
    }

    /// Float32 values and gradients agree with Float64 at the same points.
    @Test(arguments: GradientCases.all)
    func float32AgreesWithFloat64(_ testCase: GradientCase) throws {
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
        let output64 = testCase.function(wide), output32 = testCase.float32(narrow)
        try #require(output32.shape == output64.shape, "\(testCase): Float32 shape \(output32.shape) vs Float64 \(output64.shape)")
        var generator = RandomGenerator(seed: 0xF32)
        let weights = Tensor<Double>(randomUniform: output64.shape, low: 0.5, high: 1.5, generator: &generator)
        let grads64 = Graph.gradients(of: (output64 * weights).sum(), wrt: wide)
        let grads32 = Graph.gradients(of: (output32 * weights.converted(to: Float.self)).sum(), wrt: narrow)

        let tolerance = testCase.definition.float32Tolerance
        let valueError = scaledDifference(output32, output64)
        #expect(valueError <= tolerance, "\(testCase): Float32 value differs by \(valueError)")
        for (index, (g32, g64)) in zip(grads32, grads64).enumerated() {
            let error = scaledDifference(g32, g64)
            #expect(error <= tolerance, "\(testCase): Float32 gradient of input \(index) differs by \(error)")
        }
    }

    /// A case declares at least one op, and really records every op it declares (so `covers`
    /// cannot claim an op the case never reaches).
    @Test(arguments: GradientCases.all)
    func declaredOpsAreRecorded(_ testCase: GradientCase) {
        #expect(!testCase.covers.isEmpty, "\(testCase) declares no op")
        let missing = testCase.covers.subtracting(recordedOps(testCase))
        #expect(missing.isEmpty, "\(testCase) declares \(missing.map(\.description).sorted()) but does not record it")
    }

    @Test func reportsCoverage() {
        let cases = GradientCases.all
        let primitives = cases.reduce(into: Set<Op>()) { $0.formUnion(recordedOps($1)) }
        print("gradient-check suite: \(cases.count) cases, each in Float64 and Float32, covering \(Set(cases.flatMap(\.covers)).count) of \(Op.allCases.count) ops; \(primitives.count) recorded graph ops exercised")
        #expect(!cases.isEmpty)
    }
}
