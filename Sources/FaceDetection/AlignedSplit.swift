import FERData
import Foundation

/// One split of a data set after alignment: the kept crops with their labels, and what became
/// of every photo (for the report).
public struct AlignedSplit: Sendable {
    /// "train" or "test".
    public let name: String
    /// The aligned crops, in the original order, without the photos that kept no face.
    public let dataset: ImageFileDataset
    /// One per photo of the original split, in order.
    public let outcomes: [AlignmentOutcome]
    /// The class of each outcome (the original labels).
    public let labels: [Int]

    public var skipped: [AlignmentOutcome] { outcomes.filter { $0.cropPath == nil } }

    /// Aligns every photo of `original` (`sources[i]` is the photo of image i) and keeps those
    /// with a face (`requireFaces` then says whether enough is left).
    public static func align(_ name: String, original: ImageFileDataset, sources: [AlignmentSource], aligner: CachedFaceAligner,
                             progress: ((AlignmentProgress) -> Void)? = nil) throws -> AlignedSplit {
        precondition(sources.count == original.count, "AlignedSplit: \(sources.count) sources for \(original.count) images")
        return AlignedSplit(name, original: original, outcomes: try aligner.align(sources, progress: progress))
    }

    init(_ name: String, original: ImageFileDataset, outcomes: [AlignmentOutcome]) {
        self.name = name
        self.outcomes = outcomes
        labels = original.fileLabels
        let kept = outcomes.indices.filter { outcomes[$0].cropPath != nil }
        dataset = ImageFileDataset(classNames: original.classNames, paths: kept.map { outcomes[$0].cropPath! },
                                   labels: kept.map { original.fileLabels[$0] })
    }

    /// Throws `noFacesKept` when no face is left, or when a class lost all its photos (nothing
    /// would teach or test it); `reportPath` (where the report was written) is named.
    public func requireFaces(reportPath: String) throws {
        guard dataset.count > 0 else { throw FaceDetectionError.noFacesKept(what: "the \(name) split", photos: outcomes.count, report: reportPath) }
        let keptLabels = Set(dataset.fileLabels)
        for (label, className) in dataset.classNames.enumerated() where !keptLabels.contains(label) {
            let photos = labels.filter { $0 == label }.count
            guard photos > 0 else { continue }  // a class the split never had is the loader's business
            throw FaceDetectionError.noFacesKept(what: "class \(className) of the \(name) split", photos: photos, report: reportPath)
        }
    }

    /// One line of counts: "train: 1200 photos, 1188 faces kept (900 from the cache), 12 skipped".
    public var summary: String {
        let hits = outcomes.filter(\.fromCache).count
        return "\(name): \(outcomes.count) photos, \(dataset.count) faces kept (\(hits) from the cache), \(outcomes.count - dataset.count) skipped"
    }

    /// The report of `splits` as CSV: one row per photo with its class, what was kept or why
    /// nothing was, how many faces were found, the kept face's score and box, and its crop.
    public static func reportCSV(_ splits: [AlignedSplit], classNames: [String]) -> String {
        var rows = ["split,photo,class,status,reason,faces,score,box,crop"]
        for split in splits {
            for (outcome, label) in zip(split.outcomes, split.labels) {
                let face = outcome.record.face
                let box = face.map { "\($0.box.x1) \($0.box.y1) \($0.box.x2) \($0.box.y2)" } ?? ""
                rows.append([split.name, outcome.source.path, classNames[label], outcome.cropPath == nil ? "skipped" : "aligned",
                             outcome.skipReason ?? "", "\(outcome.record.faceCount)", face.map { "\($0.score)" } ?? "", box,
                             outcome.cropPath ?? ""].map(csvField).joined(separator: ","))
            }
        }
        return rows.joined(separator: "\n") + "\n"
    }

    static func csvField(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
