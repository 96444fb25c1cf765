import Autodiff
import Foundation

/// Writes the built-in default data set: synthetic faces (`SyntheticFaces`) in RAF-DB basic's
/// exact layout (`EmoLabel/list_patition_label.txt`, `Image/aligned/<name>_aligned.jpg`), so
/// that `RAFDB.load` reads it like the real thing.
public enum SyntheticRAFDB {
    public struct Configuration: Equatable, Sendable {
        public var trainCount: Int
        public var testCount: Int
        public var imageSize: Int
        public var seed: UInt64
        public var jpegQuality: Int
        /// Relative class frequencies in RAF-DB label order (default: RAF-DB's training set).
        public var classProportions: [Double]

        /// RAF-DB basic's per-class training counts (Surprise … Neutral).
        public static let rafDBTrainCounts: [Double] = [1290, 281, 717, 4772, 1982, 705, 2524]

        public init(trainCount: Int = 2000, testCount: Int = 600, imageSize: Int = 100, seed: UInt64 = 0,
                    jpegQuality: Int = 92, classProportions: [Double] = Configuration.rafDBTrainCounts) {
            self.trainCount = trainCount
            self.testCount = testCount
            self.imageSize = imageSize
            self.seed = seed
            self.jpegQuality = jpegQuality
            self.classProportions = classProportions
        }

        /// One line that identifies the data set; stored beside it to tell whether it is current.
        public var stamp: String {
            "synthetic-rafdb v1 train=\(trainCount) test=\(testCount) size=\(imageSize) seed=\(seed) quality=\(jpegQuality) "
                + "proportions=\(classProportions.map { String($0) }.joined(separator: ":"))"
        }

        func validate() throws {
            guard trainCount >= 7, testCount >= 7 else {
                throw FERDataError.invalidValue("synthetic data set needs at least 7 train and 7 test images (one per class), got \(trainCount) and \(testCount)")
            }
            guard imageSize >= 32 else { throw FERDataError.invalidValue("synthetic image size \(imageSize) too small; expected at least 32") }
            guard classProportions.count == 7, classProportions.allSatisfy({ $0 > 0 && $0.isFinite }) else {
                throw FERDataError.invalidValue("class proportions \(classProportions) must be 7 positive numbers (RAF-DB label order)")
            }
        }
    }

    public static let stampFile = "SYNTHETIC.txt"

    /// Per-class counts for `total` images: every class at least 1, the rest by largest remainder.
    public static func classCounts(total: Int, proportions: [Double]) -> [Int] {
        let spare = total - proportions.count
        let sum = proportions.reduce(0, +)
        let exact = proportions.map { Double(spare) * $0 / sum }
        var counts = exact.map { Int($0.rounded(.down)) }
        let byRemainder = exact.indices.sorted { (exact[$0] - Double(counts[$0]), -$0) > (exact[$1] - Double(counts[$1]), -$1) }
        for i in byRemainder.prefix(spare - counts.reduce(0, +)) { counts[i] += 1 }
        return counts.map { $0 + 1 }
    }

    /// Generates the data set into `root` unless it already holds one with the same
    /// configuration (recorded in SYNTHETIC.txt). Returns the root.
    @discardableResult
    public static func ensure(at root: String, configuration: Configuration = Configuration()) throws -> String {
        let stampPath = (root as NSString).appendingPathComponent(stampFile)
        if let existing = try? String(contentsOfFile: stampPath, encoding: .utf8),
           existing.split(separator: "\n").first.map(String.init) == configuration.stamp,
           FileManager.default.fileExists(atPath: (root as NSString).appendingPathComponent(RAFDB.labelFile)) {
            return root
        }
        try generate(at: root, configuration: configuration)
        return root
    }

    /// Writes the data set. It is built in a sibling folder and moved into place at the end,
    /// so an interrupted run never leaves a half-written data set behind at `root`.
    public static func generate(at root: String, configuration: Configuration = Configuration(),
                                threads: Int = ProcessInfo.processInfo.activeProcessorCount) throws {
        try configuration.validate()
        let fm = FileManager.default
        // Never delete someone's data: only an empty folder or an earlier generated data set
        // (it has the stamp file) may be replaced.
        if fm.fileExists(atPath: root) {
            let contents = (try? fm.contentsOfDirectory(atPath: root)) ?? ["?"]
            guard contents.isEmpty || contents.contains(stampFile) else {
                throw FERDataError.invalidValue(
                    "refusing to write the synthetic data set into \(root): it exists and is not a generated data set (no \(stampFile)); choose an empty or new folder")
            }
        }
        let staging = root + ".partial-\(ProcessInfo.processInfo.processIdentifier)"
        try? fm.removeItem(atPath: staging)
        let imageFolder = (staging as NSString).appendingPathComponent(RAFDB.imageDirectory)
        let labelFolder = (staging as NSString).appendingPathComponent("EmoLabel")
        do {
            try fm.createDirectory(atPath: imageFolder, withIntermediateDirectories: true)
            try fm.createDirectory(atPath: labelFolder, withIntermediateDirectories: true)
        } catch {
            throw FERDataError.unreadableFile(path: staging, reason: "cannot create folders: \(error.localizedDescription)")
        }

        // Labels per split, in a seeded random order (RAF-DB's files are not sorted by class).
        func labels(total: Int, stream: UInt64) -> [Int] {
            let counts = classCounts(total: total, proportions: configuration.classProportions)
            var result = counts.enumerated().flatMap { Array(repeating: $0.offset, count: $0.element) }
            var generator = RandomGenerator(seed: Seeds.derive(configuration.seed, stream))
            generator.shuffle(&result)
            return result
        }
        let trainLabels = labels(total: configuration.trainCount, stream: 1)
        let testLabels = labels(total: configuration.testCount, stream: 2)
        let trainDigits = max(5, String(trainLabels.count).count), testDigits = max(4, String(testLabels.count).count)
        func name(_ split: String, _ i: Int, digits: Int) -> String {
            let number = String(i + 1)
            return "\(split)_" + String(repeating: "0", count: max(0, digits - number.count)) + number
        }
        let jobs = trainLabels.enumerated().map { (name("train", $0.offset, digits: trainDigits), $0.element, UInt64(1), $0.offset) }
            + testLabels.enumerated().map { (name("test", $0.offset, digits: testDigits), $0.element, UInt64(2), $0.offset) }

        // Each image has its own generator, so the result does not depend on the thread count.
        let failures = ParallelErrors()
        let perThread = (jobs.count + threads - 1) / max(1, threads)
        DispatchQueue.concurrentPerform(iterations: max(1, threads)) { worker in
            for j in (worker * perThread)..<min(jobs.count, (worker + 1) * perThread) {
                let (stem, label, split, index) = jobs[j]
                var generator = RandomGenerator(seed: Seeds.derive(configuration.seed, Seeds.Purpose.syntheticFace, split, UInt64(index)))
                let face = SyntheticFaces.render(label: label, size: configuration.imageSize, generator: &generator)
                do {
                    let bytes = try ImageCodec.encodeJPEG(face, quality: configuration.jpegQuality)
                    let path = (imageFolder as NSString).appendingPathComponent("\(stem)_aligned.jpg")
                    guard fm.createFile(atPath: path, contents: Data(bytes)) else {
                        throw FERDataError.unreadableFile(path: path, reason: "cannot write the image")
                    }
                } catch { failures.record(error, at: j) }
            }
        }
        if let error = failures.first { try? fm.removeItem(atPath: staging); throw error }

        let list = jobs.map { "\($0.0).jpg \($0.1 + 1)" }.joined(separator: "\n") + "\n"
        try writeAtomically(list, to: URL(fileURLWithPath: (staging as NSString).appendingPathComponent(RAFDB.labelFile)))
        try writeAtomically(configuration.stamp + "\n" + "Synthetic faces in RAF-DB basic layout, generated by FERData.SyntheticRAFDB; not real data.\n",
                            to: URL(fileURLWithPath: (staging as NSString).appendingPathComponent(stampFile)))
        try? fm.removeItem(atPath: root)
        let parent = (root as NSString).deletingLastPathComponent
        if !parent.isEmpty { try? fm.createDirectory(atPath: parent, withIntermediateDirectories: true) }
        do {
            try fm.moveItem(atPath: staging, toPath: root)
        } catch {
            throw FERDataError.unreadableFile(path: root, reason: "cannot move the generated data set into place: \(error.localizedDescription)")
        }
    }
}
