import Autodiff
import Foundation
import Layers
import Testing
@testable import Experiments

/// `--pretrained` takes the files our own runs write, not only torchvision's names: the exported
/// model file (backbone under "backbone.") and the training checkpoint (under "model.backbone.").
@Suite("--pretrained from our own runs")
struct PretrainedFromOwnRunTests {
    func settings() throws -> ExperimentSettings {
        try ExperimentSettings.resolve(try ExperimentOptions.parse(["--data", "/d", "--backbone", "small", "--method", "hum+cld"]),
                                       dataset: .rafDB)
    }

    func backboneBits(_ model: ModelFactory.Model) -> [String: [UInt32]] {
        Dictionary(uniqueKeysWithValues: model.backbone.namedStateEntries.map { ($0.name, $0.tensor.scalars.map(\.bitPattern)) })
    }

    @Test("a model file and a checkpoint of ours load every backbone tensor, and only those", arguments: ["", "model."])
    func loadsOwnLayouts(_ outerPrefix: String) throws {
        let s = try settings()
        var g = RandomGenerator(seed: 21)
        let donor = ModelFactory.make(method: .humCLD, settings: s, classCount: 7)
        for (_, tensor) in donor.namedStateEntries { tensor.assign(Tensor<Float>(randomNormal: tensor.shape, generator: &g)) }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("pretrained-own-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("run.safetensors")
        try SafeTensorsWriter.write(donor.namedStateEntries.map { (name: outerPrefix + $0.name, tensor: $0.tensor) }, to: file)

        let model = ModelFactory.make(method: .humCLD, settings: s, classCount: 7)
        #expect(backboneBits(model) != backboneBits(donor))
        let headBefore = model.namedStateEntries.filter { !$0.name.hasPrefix("backbone.") }.map { $0.tensor.scalars }
        let note = try ModelFactory.loadPretrainedBackbone(model, from: file)
        #expect(backboneBits(model) == backboneBits(donor))
        #expect(model.namedStateEntries.filter { !$0.name.hasPrefix("backbone.") }.map { $0.tensor.scalars } == headBefore)
        #expect(note.contains("its tensors under \"\(outerPrefix)backbone.\""))
    }

    @Test("the prefix is the shortest that names the module's first tensor; none when nothing fits")
    func statePrefix() throws {
        var g = RandomGenerator(seed: 2)
        let block = Linear<Float>(inputSize: 3, outputSize: 2, generator: &g)
        func file(_ names: [String]) throws -> SafeTensorsFile {
            try SafeTensorsFile(bytes: try SafeTensorsWriter.serialize(names.map { (name: $0, tensor: Tensor<Float>(zeros: [1])) }))
        }
        #expect(try block.statePrefix(in: file(["weight", "bias"])) == "")
        #expect(try block.statePrefix(in: file(["a.b.weight", "a.weight", "a.bias"])) == "a.")
        #expect(try block.statePrefix(in: file(["xweight", "bias"])) == nil)
        #expect(try block.statePrefix(in: file(["other"])) == nil)
    }
}
