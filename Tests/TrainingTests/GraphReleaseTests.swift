@testable import Autodiff
import Foundation
import Testing
@testable import Training
@testable import Experiments

/// Weak references to everything a step creates, so a test can see it freed.
final class ReleaseProbe {
    private struct Entry {
        weak var tensor: Tensor<Float>?
        weak var storage: TensorStorage<Float>?
        weak var node: GraphNode<Float>?
    }
    private var entries: [Entry] = []

    /// Records `t` (and its storage and graph node) and returns it, so a model can wrap each result.
    @discardableResult
    func watch(_ t: Tensor<Float>) -> Tensor<Float> {
        entries.append(Entry(tensor: t, storage: t.storage, node: t.node))
        return t
    }

    var watchedCount: Int { entries.count }
    /// How many watched tensors, storages or graph nodes are still alive.
    var aliveCount: Int { entries.filter { $0.tensor != nil || $0.storage != nil || $0.node != nil }.count }
}

/// TinyModel's perceptron with every intermediate result watched.
final class ProbedModel: TrainableModel {
    typealias Scalar = Float
    let inner: TinyModel
    let probe = ReleaseProbe()
    var isTraining = true
    /// Makes the loss NaN from this call on: the path where backward is never called.
    var poisonAfterCalls: Int?
    private var calls = 0

    init(seed: UInt64) { inner = TinyModel(features: 4, hidden: 8, classes: 3, seed: seed) }

    var namedParameters: [(name: String, tensor: Tensor<Float>)] { inner.namedParameters }
    var namedBuffers: [(name: String, tensor: Tensor<Float>)] { [] }
    var architectureSummary: String { "Probed" + inner.architectureSummary }

    func logits(_ x: Tensor<Float>) -> Tensor<Float> {
        let hidden = probe.watch(probe.watch(probe.watch(x.matmul(inner.w1)) + inner.b1).relu())
        return probe.watch(probe.watch(hidden.matmul(inner.w2)) + inner.b2)
    }

    func trainingStep(images: Tensor<Float>, labels: [Int], generator: inout RandomGenerator) -> TrainingStepOutput {
        calls += 1
        probe.watch(images)
        let z = logits(images)
        var oneHot = [Float](repeating: 0, count: labels.count * 3)
        for (i, y) in labels.enumerated() { oneHot[i * 3 + y] = 1 }
        let picked = probe.watch(probe.watch(z.logSoftmax(axis: 1)) * probe.watch(Tensor(shape: [labels.count, 3], scalars: oneHot)))
        var loss = probe.watch(-probe.watch(probe.watch(picked.sum()) / Float(labels.count)))
        if let poison = poisonAfterCalls, calls > poison { loss = probe.watch(loss * Float.nan) }
        return TrainingStepOutput(loss: loss, scores: probe.watch(z.detached()))
    }

    func probabilities(images: Tensor<Float>, generator: inout RandomGenerator) -> Tensor<Float> {
        probe.watch(probe.watch(logits(images)).softmax(axis: 1))
    }
}

@Suite("Graph release")
struct GraphReleaseTests {
    func trainer(_ model: ProbedModel, epochs: Int) throws -> Trainer<ProbedModel> {
        let optimizer = try SGD(parameters: model.parameters, learningRate: 0.05, momentum: 0.9, weightDecay: 1e-4)
        return Trainer(model: model, optimizer: optimizer, data: try blobs(seed: 1),
                       configuration: TrainerConfiguration(name: "probe", epochs: epochs, batchSize: 16,
                                                           learningRate: 0.05, schedule: try! StepDecay(stepSize: 3, gamma: 0.5), seed: 7),
                       fingerprint: RunFingerprint([:]), progress: ProgressDisplay(style: .silent))
    }

    @Test("after a step (forward, backward, optimiser step) every intermediate tensor, its storage and its graph node are freed")
    func stepFreesGraph() throws {
        let model = ProbedModel(seed: 2)
        let optimizer = try SGD(parameters: model.parameters, learningRate: 0.05, momentum: 0.9)
        func step() {
            var generator = RandomGenerator(seed: 1)
            let x = Tensor<Float>(randomNormal: [5, 4], generator: &generator)
            let output = model.trainingStep(images: x, labels: [0, 1, 2, 0, 1], generator: &generator)
            output.loss.backward()
            optimizer.step()
            optimizer.zeroGrad()
        }
        step()
        #expect(model.probe.watchedCount > 10)
        #expect(model.probe.aliveCount == 0)
    }

    @Test("a step whose loss is NaN is abandoned before backward: its graph is still freed (no reference cycle)")
    func abandonedGraphIsFreed() throws {
        let model = ProbedModel(seed: 2)
        model.poisonAfterCalls = 0
        func step() {
            var generator = RandomGenerator(seed: 1)
            let output = model.trainingStep(images: Tensor<Float>(randomNormal: [5, 4], generator: &generator), labels: [0, 1, 2, 0, 1],
                                            generator: &generator)
            #expect(output.loss.scalar.isNaN && output.loss.node != nil)
        }
        step()
        #expect(model.probe.aliveCount == 0)
    }

    @Test("the training loop keeps nothing of a step alive: after two epochs, and after a run stopped by NaN")
    func loopKeepsNothing() throws {
        let model = ProbedModel(seed: 2)
        let result = try trainer(model, epochs: 2).run()
        #expect(result.history.count == 2)
        #expect(model.probe.watchedCount > 100 && model.probe.aliveCount == 0)

        let diverging = ProbedModel(seed: 2)
        diverging.poisonAfterCalls = 8
        #expect(throws: TrainingError.self) { try trainer(diverging, epochs: 3).run() }
        #expect(diverging.probe.aliveCount == 0)
    }
}
