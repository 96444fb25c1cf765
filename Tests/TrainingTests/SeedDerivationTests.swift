import Autodiff
import Foundation
import Layers
import Testing
@testable import Training
@testable import Experiments

/// Every random stream of a run comes from `Seeds.derive`, keyed by a named purpose
/// (`Seeds.Purpose`), so streams never collide by accident of arithmetic.
@Suite("One seed derivation")
struct SeedDerivationTests {
    static func draws(_ generator: RandomGenerator, count: Int = 256) -> [UInt64] {
        var g = generator
        return (0..<count).map { _ in g.next() }
    }

    /// The correlation of two streams' draws as uniforms in [-0.5, 0.5).
    static func correlation(_ a: [UInt64], _ b: [UInt64]) -> Double {
        let x: [Double] = a.map { Double($0 >> 11) * 0x1.0p-53 - 0.5 }
        let y: [Double] = b.map { Double($0 >> 11) * 0x1.0p-53 - 0.5 }
        var xy = 0.0, xx = 0.0, yy = 0.0
        for (u, v) in zip(x, y) { xy += u * v; xx += u * u; yy += v * v }
        return xy / (xx * yy).squareRoot()
    }

    @Test("the training loop's streams are Seeds.derive(seed, purpose, epoch)")
    func trainerStreamsComeFromDerive() {
        for seed: UInt64 in [0, 7, 11] {
            for epoch in [0, 1, 5] {
                for purpose in [Seeds.Purpose.trainingStep, Seeds.Purpose.evaluation] {
                    #expect(Self.draws(Trainer<ModelFactory.Model>.generator(seed: seed, epoch: epoch, purpose: purpose))
                            == Self.draws(RandomGenerator(seed: Seeds.derive(seed, purpose, UInt64(epoch)))))
                }
            }
        }
    }

    @Test("two purposes, two epochs and XOR-related coordinates give independent streams")
    func streamsAreIndependent() {
        let seed: UInt64 = 7
        var streams: [[UInt64]] = []
        for purpose in [Seeds.Purpose.trainingStep, Seeds.Purpose.evaluation] {
            for epoch in 0..<4 { streams.append(Self.draws(Trainer<ModelFactory.Model>.generator(seed: seed, epoch: epoch, purpose: purpose))) }
        }
        // A recipe that XORs the coordinates into the seed makes (seed ^ c, epoch 0) replay
        // (seed, epoch 1) for the right c; with the derivation no constant does that.
        streams.append(Self.draws(Trainer<ModelFactory.Model>.generator(seed: seed ^ 0x9E37_79B9_7F4A_7C15, epoch: 0, purpose: Seeds.Purpose.trainingStep)))
        for i in streams.indices {
            for j in streams.indices where j > i {
                #expect(Set(streams[i]).isDisjoint(with: streams[j]), "streams \(i) and \(j) share draws")
                // Uniform draws of independent streams: their correlation is ~N(0, 1/n).
                let r = Self.correlation(streams[i], streams[j])
                #expect(abs(r) < 0.3, "streams \(i) and \(j) correlate: r = \(r)")
            }
        }
    }

    @Test("every purpose is distinct")
    func purposesAreDistinct() {
        #expect(Set(Seeds.Purpose.all).count == Seeds.Purpose.all.count)
    }

    @Test("the model's initial weights come from Seeds.derive(seed, modelInitialization)")
    func modelInitializationUsesDerive() throws {
        let settings = try ExperimentSettings.resolve(try ExperimentOptions.parse(["--seed", "7"]), dataset: .rafDB)
        let model = ModelFactory.make(method: .ce, settings: settings, classCount: 7)
        var generator = RandomGenerator(seed: Seeds.derive(7, Seeds.Purpose.modelInitialization))
        let expected = SmallResNet<Float>(classCount: nil, generator: &generator)
        #expect(model.backbone.conv1.weight.scalars == expected.conv1.weight.scalars)
    }

    @Test("no source mixes a seed by hand: every derivation goes through Seeds.derive")
    func noOtherSeedMixing() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        // `seed ^ x`, `seed &+ x`, `seed &* x`, `seed + x` in a generator's or a run's seed.
        let mixing = try NSRegularExpression(pattern: #"seed\)?\s*(\^|&\+|&\*|\+)\s*[0-9A-Za-z(]"#)
        var offenders: [String] = []
        for folder in ["Sources", "Examples"] {
            let enumerator = FileManager.default.enumerator(at: root.appendingPathComponent(folder), includingPropertiesForKeys: nil)
            while let url = enumerator?.nextObject() as? URL {
                guard url.pathExtension == "swift", url.lastPathComponent != "Seeds.swift" else { continue }
                let text = try String(contentsOf: url, encoding: .utf8)
                for (number, line) in text.components(separatedBy: "\n").enumerated()
                where mixing.firstMatch(in: line, range: NSRange(line.startIndex..., in: line)) != nil {
                    offenders.append("\(url.path.replacingOccurrences(of: root.path + "/", with: "")):\(number + 1): \(line.trimmingCharacters(in: .whitespaces))")
                }
            }
        }
        #expect(offenders.isEmpty, "seed mixing outside Seeds.derive:\n\(offenders.joined(separator: "\n"))")
    }
}
