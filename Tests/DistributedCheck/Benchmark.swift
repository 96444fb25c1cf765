import Autodiff
import Foundation
import Layers
import Training

/// Documentation/Distributed.md's figures: the ResNet18 training step (112 x 112 images, a
/// global batch shared by the processes) through the shared loop, and the sum of a buffer of
/// ResNet18's gradient size over the group. Rank 0 prints medians.
func runBenchmark(_ group: any ProcessGroup) {
    do {
        let steps = Int(value("--steps") ?? "4")!, batch = Int(value("--batch") ?? "64")!
        let floats = Int(value("--allreduce-floats") ?? "11200000")!
        if let threads = value("--threads").flatMap(Int.init) { setKernelThreads(threads) }

        // The allreduce alone, 10 times after one warm-up.
        var buffer = [Float](repeating: 1, count: floats)
        var sums: [Double] = []
        for round in 0..<11 {
            try group.barrier()
            let start = Date()
            try buffer.withUnsafeMutableBufferPointer { try group.allReduceSum($0) }
            if round > 0 { sums.append(Date().timeIntervalSince(start)) }
        }

        // The training step: epoch 1 warms up, epoch 2 is timed.
        var generator = RandomGenerator(seed: 1)
        let images = Tensor<Float>(randomNormal: [batch * steps, 3, 112, 112], std: 1, generator: &generator)
        let labels = (0..<(batch * steps)).map { $0 % 7 }
        let data = try InMemoryDataSource(classNames: (0..<7).map(String.init), trainSamples: images, trainLabels: labels,
                                          testSamples: images.slice(axis: 0, range: 0..<1), testLabels: [0])
        let model = Classifier(backbone: ResNet18<Float>(classCount: nil, generator: &generator), classCount: 7, generator: &generator)
        let optimizer = try SGD(parameters: model.parameters, learningRate: 1e-4, momentum: 0.9)
        let trainer = Trainer(model: model, optimizer: optimizer, data: data,
                              configuration: TrainerConfiguration(name: "bench", epochs: 2, batchSize: batch, learningRate: 1e-4, seed: 1),
                              progress: ProgressDisplay(style: .silent))
        trainer.processGroup = group
        let result = try trainer.run()
        if group.isPrimary {
            let median = sums.sorted()[sums.count / 2]
            print("processes \(group.size) threads \(kernelThreads) batch \(batch): step \(String(format: "%.3f", result.history[1].seconds / Double(steps))) s (epoch 2, \(steps) steps, incl. a 1-image evaluation); allreduce of \(floats) floats \(String(format: "%.4f", median)) s median of 10 (\(String(format: "%.2f", Double(floats * 4) / median / 1e9)) GB/s)")
        }
    } catch {
        group.abort(message: "Error on rank \(group.rank) of \(group.size): \(error)", code: 1)
    }
}
