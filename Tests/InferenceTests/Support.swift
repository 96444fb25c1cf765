import Autodiff
import FERData
import Foundation
import Layers
import LRN
@testable import Inference
import XCTest

/// A fresh temporary folder, removed when the test ends.
func temporaryFolder(_ test: XCTestCase) throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("inference-tests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    test.addTeardownBlock { try? FileManager.default.removeItem(at: url) }
    return url
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

func assertClose(_ a: [Double], _ b: [Double], tolerance: Double, _ message: String, file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(a.count, b.count, message, file: file, line: line)
    for (i, (x, y)) in zip(a, b).enumerated() where !(abs(x - y) <= tolerance * max(1, abs(y))) {
        XCTFail("\(message): element \(i) is \(x), expected \(y)", file: file, line: line)
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
