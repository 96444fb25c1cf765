// The program DistributedTests starts under mpirun: a tiny model trained with the shared loop
// on in-memory data, in whatever process group the launcher made. Rank 0 writes the checkpoint
// the tests compare. Flags:
//   --model classifier|lrn|batchnorm|resnet|lrn-resnet  --epochs N  --checkpoint FILE  [--resume]  [--sync-batch-norm]  [--train-rows N]
//   [--optimizer sgd|adam]   (SGD with momentum by default; Adam as the built-in examples train)
//   [--fail-rank R --fail-batch B --fail-how kill|throw]   (rank R dies or throws at batch B)
// or the measurements of Documentation/Distributed.md (Benchmark.swift):
//   --benchmark [--steps N] [--batch M] [--allreduce-floats K]
#if canImport(Glibc)
import Glibc
#endif
import Autodiff
import Distributed
import Experiments
import Foundation
import Layers
import LRN
import Training

/// Features without batch norm, so that any split of a batch gives the same gradient.
final class PerceptronFeatures: FeatureExtractor {
    typealias Scalar = Float
    let hidden: Linear<Float>
    var featureDimension: Int { hidden.outputSize }
    init(inputs: Int, features: Int, generator: inout RandomGenerator) {
        hidden = Linear(inputSize: inputs, outputSize: features, generator: &generator)
    }
    func features(_ input: Tensor<Float>) -> Tensor<Float> { hidden(input).relu() }
}

/// Features through batch norm (fused with ReLU, then plain), whose statistics depend on how a
/// batch is split unless they are synchronised: each row of 6 inputs is a 1 x 2 x 3 image.
final class BatchNormFeatures: FeatureExtractor {
    typealias Scalar = Float
    let conv1: Conv2d<Float>, bn1: BatchNorm2d<Float>, conv2: Conv2d<Float>, bn2: BatchNorm2d<Float>
    var featureDimension: Int { 3 * 6 }
    init(generator: inout RandomGenerator) {
        conv1 = Conv2d(inputChannels: 1, outputChannels: 4, kernelSize: 3, padding: 1, generator: &generator)
        bn1 = BatchNorm2d(channels: 4)
        conv2 = Conv2d(inputChannels: 4, outputChannels: 3, kernelSize: 3, padding: 1, bias: false, generator: &generator)
        bn2 = BatchNorm2d(channels: 3)
    }
    func features(_ input: Tensor<Float>) -> Tensor<Float> {
        let image = input.reshaped([input.shape[0], 1, 2, 3])
        return bn2(conv2(bn1.withReLU(conv1(image)))).relu().flattened()
    }
}

/// Batches of `base`, where rank `rank` fails at 1-based batch `batch` of every epoch.
struct FailingData: EpochDataSource {
    let base: InMemoryDataSource
    let rank: Int, batch: Int, how: String
    var classNames: [String] { base.classNames }
    var trainingCount: Int { base.trainingCount }
    var testCount: Int { base.testCount }
    func trainingBatches(epoch: Int, seed: UInt64, batchSize: Int) throws -> BatchStream {
        let batches = try base.trainingBatches(epoch: epoch, seed: seed, batchSize: batchSize)
        var index = 0
        return BatchStream {
            index += 1
            if index == batch {
                if how == "kill" { raise(SIGKILL) }
                throw TrainingError.data("DistributedCheck: rank \(rank) fails at batch \(batch) as asked")
            }
            return try batches.next()
        }
    }
    func testBatches(batchSize: Int) throws -> BatchStream { try base.testBatches(batchSize: batchSize) }
}

func value(_ flag: String) -> String? {
    let arguments = CommandLine.arguments
    return arguments.firstIndex(of: flag).flatMap { $0 + 1 < arguments.count ? arguments[$0 + 1] : nil }
}

let group = try DistributedLaunch.processGroup()
if CommandLine.arguments.contains("--benchmark") {
    runBenchmark(group)
    exit(0)
}
do {
    setKernelThreads(1)
    // With batch norm, 40 rows by default: no last batch of 1, which would leave a process without rows.
    let resnetModel = value("--model") == "resnet" || value("--model") == "lrn-resnet"
    let trainCount = Int(value("--train-rows") ?? (value("--model") == "batchnorm" || resnetModel ? "40" : "41"))!
    let classCount = 3, inputs = 6, testCount = 12
    var generator = RandomGenerator(seed: 7)
    // The small ResNet (residual blocks, a downsampling path) takes 1 x 8 x 8 images.
    let resnet = value("--model") == "resnet" || value("--model") == "lrn-resnet"
    let sample = resnet ? [1, 8, 8] : [inputs]
    let trainX = Tensor<Float>(randomNormal: [trainCount] + sample, std: 1, generator: &generator)
    let testX = Tensor<Float>(randomNormal: [testCount] + sample, std: 1, generator: &generator)
    let label = { (x: Tensor<Float>, i: Int) in
        let row = x.reshaped([x.shape[0], x.count / x.shape[0]])
        return (row[i, 0] > 0 ? 1 : 0) + (row[i, 1] > 0.5 ? 1 : 0)
    }
    let memory = try InMemoryDataSource(classNames: ["a", "b", "c"], trainSamples: trainX,
                                        trainLabels: (0..<trainCount).map { label(trainX, $0) },
                                        testSamples: testX, testLabels: (0..<testCount).map { label(testX, $0) })
    var data: any EpochDataSource = memory
    if let failRank = value("--fail-rank").flatMap(Int.init), failRank == group.rank {
        data = FailingData(base: memory, rank: failRank, batch: Int(value("--fail-batch") ?? "2")!, how: value("--fail-how") ?? "kill")
    }

    var modelGenerator = RandomGenerator(seed: 11)
    let backbone = PerceptronFeatures(inputs: inputs, features: 5, generator: &modelGenerator)
    let model: AnyTrainableModel
    if value("--model") == "lrn-resnet" {
        // LRN's HUM + CLD on a batch-norm backbone: the pair the built-in main job trains.
        let lrn = LRNModel(backbone: SmallResNet<Float>(classCount: nil, widths: [4, 8], inputChannels: 1, generator: &modelGenerator),
                           classCount: classCount, objective: .humWithCLD, generator: &modelGenerator)
        lrn.head.trainingSampleCount = 8
        lrn.head.evaluationSampleCount = 8
        model = AnyTrainableModel(lrn)
    } else if resnet {
        model = AnyTrainableModel(Classifier(backbone: SmallResNet<Float>(classCount: nil, widths: [4, 8], inputChannels: 1, generator: &modelGenerator),
                                             classCount: classCount, generator: &modelGenerator))
    } else if value("--model") == "batchnorm" {
        model = AnyTrainableModel(Classifier(backbone: BatchNormFeatures(generator: &modelGenerator), classCount: classCount,
                                             generator: &modelGenerator))
    } else if value("--model") == "lrn" {
        let lrn = LRNModel(backbone: backbone, classCount: classCount, objective: .humWithCLD, generator: &modelGenerator)
        lrn.head.trainingSampleCount = 8
        lrn.head.evaluationSampleCount = 8
        model = AnyTrainableModel(lrn)
    } else {
        model = AnyTrainableModel(Classifier(backbone: backbone, classCount: classCount, generator: &modelGenerator))
    }
    // Momentum, so that resuming has optimiser state to carry. Adam divides each gradient by its
    // own running magnitude, which amplifies any difference in the summed gradients.
    let adam = value("--optimizer") == "adam"
    let learningRate = adam ? 0.003 : 0.05
    let optimizer: any Optimizer<Float> = adam
        ? try Adam(parameters: model.parameters, learningRate: learningRate)
        : try SGD(parameters: model.parameters, learningRate: learningRate, momentum: 0.9)
    // A batch of 8 leaves a last batch of 1: the second of two processes gets an empty shard.
    let configuration = TrainerConfiguration(name: "check", epochs: Int(value("--epochs") ?? "2")!, batchSize: 8,
                                             learningRate: learningRate, seed: 3,
                                             checkpointURL: value("--checkpoint").map { URL(fileURLWithPath: $0) },
                                             resume: CommandLine.arguments.contains("--resume"), overwrite: true)
    let trainer = Trainer(model: model, optimizer: optimizer, data: data, configuration: configuration,
                          progress: ProgressDisplay(style: .silent))
    trainer.processGroup = group
    trainer.gradientBucketElements = 16  // several buckets, a parameter split across two
    trainer.synchronizeBatchNorm = CommandLine.arguments.contains("--sync-batch-norm")
    let result = try trainer.run()
    if group.isPrimary { print("done: \(group.size) processes, final test accuracy \(result.finalTestAccuracy)") }
} catch {
    group.abort(message: "Error on rank \(group.rank) of \(group.size): \(error)", code: 1)
}
