import Autodiff
import FERData
import Foundation
import Layers
import LRN
@testable import Inference
import Testing

/// A fresh temporary folder, removed with its owner: a suite holds one, and Swift Testing makes
/// a suite instance per test.
final class TemporaryFolder {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("inference-tests-\(UUID().uuidString)")
    init() { try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true) }
    deinit { try? FileManager.default.removeItem(at: url) }
}

/// The error `body` throws, nil when it throws none.
func thrownError(_ body: () throws -> Void) -> Error? {
    do {
        try body()
        return nil
    } catch {
        return error
    }
}

/// The metadata of a tiny HUM+CLD model: small stem, widths 4-8, 3 classes, 8x8 images.
func tinyMetadata(objective: Objective = .humWithCLD, classes: [String] = ["anger", "joy", "calm"]) -> ModelMetadata {
    ModelMetadata(classNames: classes, imageSize: 8, mean: ImageTransform.imageNetMean, std: ImageTransform.imageNetStd,
                  backbone: BackboneDescription.named(stem: .small, widths: [4, 8], blocksPerStage: [1, 1]),
                  objective: objective, temperature: 0.7, sampleCount: 20)
}

/// A tiny model whose every weight is random (seeded), BatchNorm statistics included, so that
/// a round trip that dropped or swapped a tensor would show.
func tinyModel(_ metadata: ModelMetadata = tinyMetadata(), seed: UInt64 = 3) -> ResNetLRNModel {
    let model = ModelFile.makeModel(metadata, seed: seed)
    var generator = RandomGenerator(seed: seed &+ 100)
    for (name, tensor) in model.namedStateEntries where !name.hasSuffix("num_batches_tracked") {
        for i in 0..<tensor.count {
            let v = Float(generator.normal())
            tensor.data[i] = name.hasSuffix("running_var") ? 0.5 + abs(v) : 0.3 * v
        }
    }
    return model
}

/// A test image folder with images of two classes named after the model's classes.
func writeImage(_ image: RGBImage, to url: URL) throws {
    try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
    try ImageCodec.save(image, path: url.path)
}

func gradient(width: Int, height: Int, seed: Int) -> RGBImage {
    var pixels = [UInt8](repeating: 0, count: width * height * 3)
    for i in 0..<pixels.count { pixels[i] = UInt8(truncatingIfNeeded: i * (seed + 3) + seed * 17) }
    return RGBImage(width: width, height: height, pixels: pixels)
}

func expectClose(_ a: [Double], _ b: [Double], tolerance: Double, _ message: String, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(a.count == b.count, "\(message): \(a.count) values, expected \(b.count)", sourceLocation: sourceLocation)
    for (i, (x, y)) in zip(a, b).enumerated() where !(abs(x - y) <= tolerance * max(1, abs(y))) {
        Issue.record("\(message): element \(i) is \(x), expected \(y)", sourceLocation: sourceLocation)
        return
    }
}

/// A run folder as training leaves it: checkpoint.safetensors with `model.` and `optimizer.`
/// tensors and the run's settings in the metadata.
func writeRunCheckpoint(_ model: ResNetLRNModel, to folder: URL, settings: [String: String]) throws {
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    var tensors: [String: Tensor<Float>] = [:]
    for (name, tensor) in model.stateDict { tensors["model." + name] = tensor }
    tensors["optimizer.step"] = Tensor(shape: [1], scalars: [5])
    let fingerprint = String(decoding: try JSONEncoder().encode(["entries": settings]), as: UTF8.self)
    try SafeTensorsWriter.write(tensors, metadata: ["format": "lrn-training-checkpoint-1", "completed_epochs": "3", "seed": "0",
                                                    "history": "[]", "fingerprint": fingerprint],
                                to: folder.appendingPathComponent("checkpoint.safetensors"))
}
