import Autodiff
import Foundation
import Layers
import LRN

/// The architecture of a ResNet backbone: enough to rebuild it before loading its weights.
public struct BackboneDescription: Equatable, Sendable {
    /// "resnet18", "small" or "resnet" (any other configuration), for people reading the file.
    public var name: String
    public var stem: ResNet<Float>.Stem
    public var widths: [Int]
    public var blocksPerStage: [Int]

    public init(name: String, stem: ResNet<Float>.Stem, widths: [Int], blocksPerStage: [Int]) {
        self.name = name
        self.stem = stem
        self.widths = widths
        self.blocksPerStage = blocksPerStage
    }

    /// A lower bound on the backbone's weights: every `BasicBlock` of a stage of width w holds a
    /// 3x3 convolution from w to w channels. Lets a loader refuse metadata describing a network far
    /// larger than the file before building it (widths up to 10^6 would exhaust memory).
    public var leastWeightCount: Double {
        zip(widths, blocksPerStage).reduce(0) { $0 + Double($1.1) * 9 * Double($1.0) * Double($1.0) }
    }

    /// torchvision's resnet18 and the project's default SmallResNet.
    public static let resnet18 = BackboneDescription(name: "resnet18", stem: .imageNet, widths: [64, 128, 256, 512], blocksPerStage: [2, 2, 2, 2])
    public static let small = BackboneDescription(name: "small", stem: .small, widths: [16, 32, 64, 128], blocksPerStage: [1, 1, 1, 1])

    /// A name for a configuration: one of the two known ones, else "resnet".
    public static func named(stem: ResNet<Float>.Stem, widths: [Int], blocksPerStage: [Int]) -> BackboneDescription {
        for known in [resnet18, small] where known.stem == stem && known.widths == widths && known.blocksPerStage == blocksPerStage {
            return known
        }
        return BackboneDescription(name: "resnet", stem: stem, widths: widths, blocksPerStage: blocksPerStage)
    }

    /// A new backbone of this shape (weights from `generator`, to be replaced by a file's).
    public func make(generator: inout RandomGenerator) -> ResNet<Float> {
        ResNet<Float>(stem: stem, widths: widths, blocksPerStage: blocksPerStage, classCount: nil, generator: &generator)
    }
}

/// Everything besides the weights that a person or a program needs to use a trained model:
/// stored as strings in the safetensors `__metadata__` of `model.safetensors`
/// (Documentation/Checkpoints.md, "The exported model").
public struct ModelMetadata: Equatable, Sendable {
    public static let format = "lrn-model-1"

    /// Class names in label order.
    public var classNames: [String]
    /// Images are resized to imageSize × imageSize.
    public var imageSize: Int
    /// Per-channel (R, G, B) normalisation of [0, 1] pixels: (x − mean) / std.
    public var mean: [Float]
    public var std: [Float]
    public var backbone: BackboneDescription
    public var objective: Objective
    /// T in softmax(logits / T).
    public var temperature: Float
    /// Monte-Carlo draws S per image for p'.
    public var sampleCount: Int
    public var covariance: CovarianceForm
    /// Added to the softplus of L's diagonal (HeteroscedasticHead.diagonalFloor).
    public var diagonalFloor: Float
    /// Free-form notes (where the file came from, epochs trained), kept as they are.
    public var notes: [String: String]

    public init(classNames: [String], imageSize: Int, mean: [Float], std: [Float], backbone: BackboneDescription,
                objective: Objective, temperature: Float, sampleCount: Int, covariance: CovarianceForm = .full,
                diagonalFloor: Float = 1e-3, notes: [String: String] = [:]) {
        self.classNames = classNames
        self.imageSize = imageSize
        self.mean = mean
        self.std = std
        self.backbone = backbone
        self.objective = objective
        self.temperature = temperature
        self.sampleCount = sampleCount
        self.covariance = covariance
        self.diagonalFloor = diagonalFloor
        self.notes = notes
    }

    /// The training flags' name of the objective (`--method`).
    public var methodName: String {
        switch objective {
        case .crossEntropy: return "ce"
        case .crossEntropyWithCLD: return "ce+cld"
        case .hum: return "hum"
        case .humWithCLD: return "hum+cld"
        }
    }

    static func objective(methodName: String) -> Objective? {
        switch methodName {
        case "ce": return .crossEntropy
        case "ce+cld": return .crossEntropyWithCLD
        case "hum": return .hum
        case "hum+cld": return .humWithCLD
        default: return nil
        }
    }

    /// The `__metadata__` map.
    public var dictionary: [String: String] {
        var out = notes.filter { !Self.keys.contains($0.key) }
        out["format"] = Self.format
        out["classes"] = jsonArray(classNames.map(JSONWriter.quoted))
        out["image_size"] = String(imageSize)
        out["normalization_mean"] = jsonArray(mean.map { "\($0)" })
        out["normalization_std"] = jsonArray(std.map { "\($0)" })
        out["backbone"] = backbone.name
        out["backbone_stem"] = backbone.stem == .imageNet ? "imagenet" : "small"
        out["backbone_widths"] = jsonArray(backbone.widths.map(String.init))
        out["backbone_blocks"] = jsonArray(backbone.blocksPerStage.map(String.init))
        out["method"] = methodName
        out["objective"] = objective.rawValue
        out["temperature"] = "\(temperature)"
        out["mc_samples"] = String(sampleCount)
        switch covariance {
        case .full: out["covariance"] = "full"
        case .lowRank(let rank): out["covariance"] = "low-rank:\(rank)"
        }
        out["diagonal_floor"] = "\(diagonalFloor)"
        return out
    }

    /// Keys this type writes and reads; every other key is a note.
    static let keys: Set<String> = ["format", "classes", "image_size", "normalization_mean", "normalization_std", "backbone",
                                    "backbone_stem", "backbone_widths", "backbone_blocks", "method", "objective",
                                    "temperature", "mc_samples", "covariance", "diagonal_floor"]

    /// Parses and checks a `__metadata__` map; `path` names the file in errors.
    public init(dictionary d: [String: String], path: String) throws {
        func fail(_ key: String, _ reason: String) -> InferenceError { .invalidMetadata(path: path, key: key, reason: reason) }
        func value(_ key: String) throws -> String {
            guard let v = d[key] else { throw fail(key, "is missing") }
            return v
        }
        let format = try value("format")
        guard format == Self.format else {
            throw fail("format", "is '\(format)', expected '\(Self.format)' (a training checkpoint converts with Example-Export --run FOLDER)")
        }
        func array(_ key: String) throws -> [Any] {
            let text = try value(key)
            guard let parsed = try? JSONSerialization.jsonObject(with: Data(text.utf8)), let list = parsed as? [Any] else {
                throw fail(key, "is '\(text)', expected a JSON array")
            }
            return list
        }
        func numbers(_ key: String, count: Int? = nil) throws -> [Double] {
            let list = try array(key)
            let values = list.compactMap { ($0 as? NSNumber).map(\.doubleValue) }
            guard values.count == list.count, values.allSatisfy(\.isFinite) else { throw fail(key, "must hold finite numbers, got \(try value(key))") }
            if let count, values.count != count { throw fail(key, "has \(values.count) values, expected \(count)") }
            return values
        }
        func positiveInts(_ key: String) throws -> [Int] {
            let values = try numbers(key)
            guard !values.isEmpty, values.allSatisfy({ $0 >= 1 && $0 == $0.rounded() && $0 < 1e6 }) else {
                throw fail(key, "must be a non-empty list of positive integers, got \(try value(key))")
            }
            return values.map { Int($0) }
        }
        func number(_ key: String) throws -> Double {
            let text = try value(key)
            guard let v = Double(text), v.isFinite else { throw fail(key, "is '\(text)', expected a finite number") }
            return v
        }
        // The model holds these as Float: a finite Double beyond Float's range (1e300) would
        // become infinity and pass every later check.
        func floats(_ key: String, count: Int) throws -> [Float] {
            let values = try numbers(key, count: count).map { Float($0) }
            guard values.allSatisfy(\.isFinite) else { throw fail(key, "is \(try value(key)), beyond Float's range (±3.4e38)") }
            return values
        }
        func float(_ key: String) throws -> Float {
            let v = Float(try number(key))
            guard v.isFinite else { throw fail(key, "is '\(try value(key))', beyond Float's range (±3.4e38)") }
            return v
        }
        func integer(_ key: String, in range: ClosedRange<Int>) throws -> Int {
            let text = try value(key)
            guard let v = Int(text), range.contains(v) else { throw fail(key, "is '\(text)', expected an integer in \(range.lowerBound)...\(range.upperBound)") }
            return v
        }

        let classList = try array("classes")
        let names = classList.compactMap { $0 as? String }
        guard names.count == classList.count, names.count >= 2 else { throw fail("classes", "must be a JSON array of at least 2 strings") }
        guard Set(names).count == names.count else { throw fail("classes", "names a class twice: \(names)") }
        classNames = names
        imageSize = try integer("image_size", in: 1...4096)
        mean = try floats("normalization_mean", count: 3)
        std = try floats("normalization_std", count: 3)
        guard std.allSatisfy({ $0 > 0 }) else { throw fail("normalization_std", "must be positive, got \(std)") }
        let stem: ResNet<Float>.Stem
        switch try value("backbone_stem") {
        case "imagenet": stem = .imageNet
        case "small": stem = .small
        case let other: throw fail("backbone_stem", "is '\(other)', expected 'imagenet' or 'small'")
        }
        let widths = try positiveInts("backbone_widths"), blocks = try positiveInts("backbone_blocks")
        guard widths.count == blocks.count else { throw fail("backbone_blocks", "has \(blocks.count) stages but backbone_widths has \(widths.count)") }
        backbone = BackboneDescription(name: try value("backbone"), stem: stem, widths: widths, blocksPerStage: blocks)
        let objectiveText = try value("objective")
        guard let objective = Objective(rawValue: objectiveText) else {
            throw fail("objective", "is '\(objectiveText)', expected one of \(Objective.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        self.objective = objective
        if let method = d["method"], Self.objective(methodName: method) != objective {
            throw fail("method", "is '\(method)' but objective is '\(objectiveText)'")
        }
        temperature = try float("temperature")
        guard temperature > 0 else { throw fail("temperature", "must be positive, got \(temperature)") }
        sampleCount = try integer("mc_samples", in: 1...1_000_000)
        let covarianceText = try value("covariance")
        if covarianceText == "full" {
            covariance = .full
        } else if covarianceText.hasPrefix("low-rank:"), let rank = Int(covarianceText.dropFirst(9)), rank > 0 {
            covariance = .lowRank(rank: rank)
        } else {
            throw fail("covariance", "is '\(covarianceText)', expected 'full' or 'low-rank:R' with R > 0")
        }
        diagonalFloor = try float("diagonal_floor")
        guard diagonalFloor >= 0 else { throw fail("diagonal_floor", "must not be negative, got \(diagonalFloor)") }
        notes = d.filter { !Self.keys.contains($0.key) }
    }
}

private func jsonArray(_ items: [String]) -> String { "[" + items.joined(separator: ",") + "]" }

