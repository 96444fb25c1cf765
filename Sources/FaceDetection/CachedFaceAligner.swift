import FERData
import Foundation

/// A photo to align, and how to pick its face when it has several.
public struct AlignmentSource: Equatable, Sendable {
    public var path: String
    public var choice: FaceChoice
    public init(path: String, choice: FaceChoice = .largest) {
        self.path = path
        self.choice = choice
    }
}

/// What became of one photo.
public struct AlignmentOutcome: Equatable, Sendable {
    public var source: AlignmentSource
    /// The aligned crop (a PNG in the cache), or nil when no face was kept.
    public var cropPath: String?
    public var record: AlignmentRecord
    /// True when the result came from the cache, without running the detector.
    public var fromCache: Bool

    /// Why the photo has no crop, for reports; nil when it has one.
    public var skipReason: String? {
        guard cropPath == nil else { return nil }
        if record.faceCount == 0 { return "no face found" }
        return "\(record.faceCount) face\(record.faceCount == 1 ? "" : "s") found, none overlapping the annotated face box"
    }
}

/// How far an alignment pass is, after each photo.
public struct AlignmentProgress: Equatable, Sendable {
    public var done: Int
    public var total: Int
    public var fromCache: Int
    public var elapsedSeconds: Double

    public var photosPerSecond: Double { elapsedSeconds > 0 ? Double(done) / elapsedSeconds : 0 }
    /// Seconds left if the remaining photos all need the detector, at the time each detected
    /// photo took so far (cache hits cost next to nothing, and a run that was interrupted finds
    /// its crops first and the new photos after); nil before the first photo.
    public var etaSeconds: Double? {
        guard done > 0, elapsedSeconds > 0 else { return nil }
        let detected = done - fromCache
        return Double(total - done) * elapsedSeconds / Double(detected > 0 ? detected : done)
    }
}

/// Detects and aligns the faces of photos once: each result is kept in an `AlignmentCache`,
/// and a photo whose file and settings are unchanged is served from it without running the
/// detector (whose weights are not even loaded until a photo needs it).
///
/// Several faces: one is kept, by the source's `FaceChoice`. No face: the photo has no crop,
/// and that is remembered too. A photo that cannot be read or decoded is an error naming the
/// file; the crops made before it stay in the cache, so the next run resumes where it stopped.
public final class CachedFaceAligner {
    public let cache: AlignmentCache
    public let options: FaceDetectorOptions
    public let cropSize: Int
    let weightsDirectory: URL?
    private var detector: FaceDetector?

    /// Photos run through the detector so far (cache misses).
    public private(set) var detectorRuns = 0
    /// Photos served from the cache so far.
    public private(set) var cacheHits = 0

    public init(cache: AlignmentCache, options: FaceDetectorOptions = FaceDetectorOptions(), cropSize: Int = 112,
                weightsDirectory: URL? = nil) throws {
        try options.validate()
        try FaceAligner.checkSize(cropSize)
        self.cache = cache
        self.options = options
        self.cropSize = cropSize
        self.weightsDirectory = weightsDirectory
    }

    func key(_ source: AlignmentSource) throws -> AlignmentKey {
        try AlignmentKey(photo: source.path, options: options, cropSize: cropSize, choice: source.choice,
                         weights: weightsDirectory.map { $0.standardizedFileURL.path } ?? "bundled")
    }

    /// The crop of `source`'s chosen face, from the cache or made now and stored.
    public func align(_ source: AlignmentSource) throws -> AlignmentOutcome {
        let key = try key(source)
        if let record = cache.lookup(key) {
            cacheHits += 1
            return AlignmentOutcome(source: source, cropPath: record.face == nil ? nil : cache.cropPath(key), record: record, fromCache: true)
        }
        let image = try ImageCodec.load(path: source.path)
        if detector == nil { detector = try FaceDetector(options: options, weightsDirectory: weightsDirectory) }
        let faces = detector!.detect(image: image)
        detectorRuns += 1
        let kept = source.choice.choose(from: faces)
        let record = AlignmentRecord(faceCount: faces.count, face: kept)
        let crop = try kept.map { try FaceAligner.align(image: image, face: $0, size: cropSize) }
        try cache.store(key, record: record, crop: crop)
        return AlignmentOutcome(source: source, cropPath: kept == nil ? nil : cache.cropPath(key), record: record, fromCache: false)
    }

    /// Every source in order, calling `progress` after each.
    public func align(_ sources: [AlignmentSource], progress: ((AlignmentProgress) -> Void)? = nil) throws -> [AlignmentOutcome] {
        let start = Date()
        var outcomes: [AlignmentOutcome] = []
        outcomes.reserveCapacity(sources.count)
        var hits = 0
        for source in sources {
            let outcome = try align(source)
            if outcome.fromCache { hits += 1 }
            outcomes.append(outcome)
            progress?(AlignmentProgress(done: outcomes.count, total: sources.count, fromCache: hits,
                                        elapsedSeconds: Date().timeIntervalSince(start)))
        }
        return outcomes
    }
}
