import Autodiff
import Layers
import Testing

/// A composed module that writes no lists: a tensor, a child, an optional child (present and
/// absent), an array of children, and properties that are neither.
final class Composite: Module {
    typealias Scalar = Double
    let scale: Tensor<Double>
    let stem: Linear<Double>
    let norm: BatchNorm2d<Double>?
    let missing: Linear<Double>?
    let blocks: [Linear<Double>]
    let label = "not a tensor"
    let count = 3

    init() {
        var g = RandomGenerator(seed: 1)
        scale = Tensor(ones: [2])
        stem = Linear(inputSize: 2, outputSize: 3, generator: &g)
        norm = BatchNorm2d(channels: 3)
        missing = nil
        blocks = [Linear(inputSize: 3, outputSize: 3, bias: false, generator: &g), Linear(inputSize: 3, outputSize: 1, generator: &g)]
    }
}

/// The same with children named by hand, as ResNet and Sequential do.
final class Renamed: Module {
    typealias Scalar = Double
    let parts: [Linear<Double>]
    init() {
        var g = RandomGenerator(seed: 2)
        parts = [Linear(inputSize: 1, outputSize: 1, generator: &g)]
    }
    var namedChildren: [(name: String, module: any Module<Double>)] { [("head", parts[0])] }
}

@Suite struct ModuleReflectionTests {
    @Test func parametersAndBuffersAreNamedFromStoredPropertiesInOrder() {
        let m = Composite()
        #expect(m.namedParameters.map(\.name) == ["scale", "stem.weight", "stem.bias", "norm.weight", "norm.bias",
                                                  "blocks.0.weight", "blocks.1.weight", "blocks.1.bias"])
        #expect(m.namedParameters[1].tensor === m.stem.weight)
        #expect(m.namedBuffers.map(\.name) == ["norm.running_mean", "norm.running_var", "norm.num_batches_tracked"])
        #expect(m.namedChildren.map(\.name) == ["stem", "norm", "blocks.0", "blocks.1"])
    }

    @Test func theModeReachesEveryChildAndIsReadBack() {
        let m = Composite()
        #expect(m.isTraining)
        m.isTraining = false
        #expect(!m.stem.isTraining && !m.norm!.isTraining && m.blocks.allSatisfy { !$0.isTraining } && !m.isTraining)
        m.norm!.isTraining = true
        #expect(!m.isTraining, "a module is in training mode only when all its children are")
    }

    @Test func aHandWrittenChildListWins() {
        let m = Renamed()
        #expect(m.namedParameters.map(\.name) == ["head.weight", "head.bias"])
        m.isTraining = false
        #expect(!m.parts[0].isTraining)
    }
}
