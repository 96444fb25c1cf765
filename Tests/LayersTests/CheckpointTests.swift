import Autodiff
import Foundation
import Layers
import Testing

/// A fresh directory; `remove()` (deferred by the caller) deletes it with everything in it.
struct TemporaryDirectory {
    let url: URL

    init() {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("LayersTests-\(getpid())-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    func file(_ name: String) -> URL { url.appendingPathComponent(name) }

    func remove() { try? FileManager.default.removeItem(at: url) }
}

func bitPatterns<S: TensorScalar>(_ module: some Module<S>) -> [String: [UInt64]] {
    var out: [String: [UInt64]] = [:]
    for (name, tensor) in module.namedStateEntries {
        out[name] = tensor.scalars.map { S.isFloat32Type ? UInt64(($0 as! Float).bitPattern) : ($0 as! Double).bitPattern }
    }
    return out
}

extension TensorScalar { static var isFloat32Type: Bool { Self.self == Float.self } }

@Suite struct CheckpointTests {
    @Test func roundTripsBitForBitInFloatAndDouble() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        var g1 = RandomGenerator(seed: 1), g2 = RandomGenerator(seed: 2)
        let source = SmallResNet<Float>(classCount: 5, widths: [8, 16], generator: &g1)
        source.bn1.runningMean.fill(0.123)  // buffers are saved too
        source.bn1.batchesTracked.fill(17)
        let url = directory.file("round-trip-f32.safetensors")
        try source.save(to: url, metadata: ["epoch": "3"])
        let target = SmallResNet<Float>(classCount: 5, widths: [8, 16], generator: &g2)
        #expect(bitPatterns(target) != bitPatterns(source))
        let report = try target.load(from: url)
        #expect(report.isComplete && report.loaded.count == source.namedStateEntries.count)
        #expect(bitPatterns(target) == bitPatterns(source))
        #expect(try SafeTensorsFile(contentsOf: url).metadata == ["epoch": "3"])
        // Saving the loaded model writes the same bytes.
        let again = directory.file("round-trip-f32-again.safetensors")
        try target.save(to: again, metadata: ["epoch": "3"])
        #expect(try Data(contentsOf: url) == Data(contentsOf: again))

        let source64 = SmallResNet<Double>(classCount: 3, widths: [4], generator: &g1)
        let target64 = SmallResNet<Double>(classCount: 3, widths: [4], generator: &g2)
        let url64 = directory.file("round-trip-f64.safetensors")
        try source64.save(to: url64)
        try target64.load(from: url64)
        #expect(bitPatterns(target64) == bitPatterns(source64))
        #expect(try SafeTensorsFile(contentsOf: url64).entries.allSatisfy { $0.dtype == .f64 })
    }

    @Test func pythonSafetensorsAcceptsOurFileLayout() throws {
        // Our header must satisfy the reference's rules too: re-validate a written file with our reader,
        // which checks the same rules, and check the 8-byte alignment the reference writer keeps.
        var g = RandomGenerator(seed: 3)
        let bytes = try SafeTensorsWriter.serialize(Linear<Float>(inputSize: 3, outputSize: 2, generator: &g).namedStateEntries)
        let headerLength = bytes[0..<8].enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
        #expect(headerLength % 8 == 0)
        #expect(try SafeTensorsFile(bytes: bytes).names == ["weight", "bias"])
    }

    @Test func strictLoadingListsEveryProblemAndChangesNothing() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        var g = RandomGenerator(seed: 4)
        let seven = ResNet18<Float>(classCount: 7, generator: &g)
        let url = directory.file("resnet18-7.safetensors")
        try seven.save(to: url)
        let thousand = ResNet18<Float>(classCount: 1000, generator: &g)
        let before = bitPatterns(thousand)
        do {
            try thousand.load(from: url, strict: true)
            Issue.record("strict loading of a 7-class checkpoint into a 1000-class model succeeded")
        } catch let CheckpointError.incompatible(_, report) {
            #expect(report.shapeMismatches.map(\.name) == ["fc.weight", "fc.bias"])
            #expect(report.shapeMismatches.first?.expected == [1000, 512] && report.shapeMismatches.first?.found == [7, 512])
            #expect(report.missingKeys.isEmpty && report.unexpectedKeys.isEmpty && report.loaded.isEmpty)
            #expect("\(CheckpointError.incompatible(path: url.path, report: report))".contains("fc.weight: model [1000, 512], checkpoint [7, 512]"))
        }
        #expect(bitPatterns(thousand) == before)

        // Non-strict: everything but the classifier loads.
        let report = try thousand.load(from: url, strict: false)
        #expect(report.loaded.count == seven.namedStateEntries.count - 2)
        #expect(report.shapeMismatches.count == 2)
        #expect(bitPatterns(thousand)["layer4.1.bn2.weight"] == bitPatterns(seven)["layer4.1.bn2.weight"])
        #expect(bitPatterns(thousand)["fc.weight"] == before["fc.weight"])

        // A backbone without fc: the checkpoint's fc is unexpected; the reverse leaves fc missing.
        let backbone = ResNet18<Float>(classCount: nil, generator: &g)
        let partial = try backbone.load(from: url, strict: false)
        #expect(partial.unexpectedKeys == ["fc.bias", "fc.weight"] && partial.missingKeys.isEmpty)
        #expect(throws: CheckpointError.self) { try backbone.load(from: url, strict: true) }
        let backboneURL = directory.file("backbone.safetensors")
        try backbone.save(to: backboneURL)
        let missing = try seven.load(from: backboneURL, strict: false)
        #expect(missing.missingKeys == ["fc.weight", "fc.bias"] && missing.unexpectedKeys.isEmpty)
    }

    @Test func loadsPyTorchsInt64BatchCounterAndHalfWeights() throws {
        let file = try SafeTensorsFile(bytes: [UInt8](Data(base64Encoded: PyTorchFixtures.smallResNetFile)!))
        var g = RandomGenerator(seed: 5)
        let model = SmallResNet<Double>(classCount: 3, widths: [4, 8], generator: &g)
        let report = try model.load(file, strict: true)
        #expect(report.isComplete && report.loaded.count == file.entries.count)
        #expect(model.bn1.batchesTracked.scalar == 7)
        #expect(file.entry("conv1.weight")?.dtype == .f16 && file.entry("bn1.running_var")?.dtype == .f32)
    }

    @Test func dictionaryOfTensorsRoundTrips() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let url = directory.file("dict.safetensors")
        let state: [String: Tensor<Float>] = ["b": Tensor(shape: [2], scalars: [1, -2]), "a": Tensor(shape: [1, 1], scalars: [.pi])]
        try SafeTensorsWriter.write(state, metadata: ["format": "x"], to: url)
        let file = try SafeTensorsFile(contentsOf: url)
        #expect(file.names == ["a", "b"] && file.metadata == ["format": "x"])
        let back: [String: Tensor<Float>] = try file.tensors()
        #expect(back.mapValues(\.scalars) == state.mapValues(\.scalars) && back["a"]?.shape == [1, 1])
    }

    @Test func writesAtomicallyAndReportsUnwritablePaths() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        var g = RandomGenerator(seed: 6)
        let layer = Linear<Float>(inputSize: 4, outputSize: 2, generator: &g)
        let url = directory.file("atomic.safetensors")
        try layer.save(to: url)
        try layer.save(to: url)  // overwriting works
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: url.deletingLastPathComponent().path).filter { $0.hasSuffix(".tmp") }
        #expect(leftovers.isEmpty)
        #expect(throws: FileWriteError.self) { try layer.save(to: URL(fileURLWithPath: "/nonexistent-dir/x.safetensors")) }
        #expect(throws: SafeTensorsError.self) { try layer.load(from: URL(fileURLWithPath: "/nonexistent-dir/x.safetensors")) }
    }
}
