import FERData
@testable import FaceDetection
import Foundation
import Testing

/// `CachedFaceAligner` on a small folder of real photos: aligned once, then served from the
/// cache (the detector-run counter proves it), re-aligned when a photo or option changes.
@Suite struct AlignmentCacheTests {
    /// A temporary folder with copies of fixture photos and a blank (faceless) image.
    struct PhotoFolder {
        let root: String
        init(_ photos: [String: String], blank: [String] = []) throws {
            root = FileManager.default.temporaryDirectory.appendingPathComponent("align-\(UUID().uuidString)").path
            try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
            for (name, fixture) in photos { try FileManager.default.copyItem(atPath: Fixtures.path(fixture), toPath: path(name)) }
            for name in blank { try ImageCodec.save(RGBImage(width: 96, height: 80, red: 120, green: 110, blue: 100), path: path(name)) }
        }
        func path(_ name: String) -> String { (root as NSString).appendingPathComponent(name) }
        var cache: AlignmentCache { AlignmentCache(folder: path("cache")) }
        func remove() { try? FileManager.default.removeItem(atPath: root) }
    }

    @Test func secondRunIsServedFromTheCacheWithoutDetecting() throws {
        let folder = try PhotoFolder(["astronaut.png": "astronaut.png", "group.png": "group-640x480.png"], blank: ["blank.png"])
        defer { folder.remove() }
        let sources = ["astronaut.png", "group.png", "blank.png"].map { AlignmentSource(path: folder.path($0)) }

        let first = try CachedFaceAligner(cache: folder.cache)
        let made = try first.align(sources)
        #expect(first.detectorRuns == 3 && first.cacheHits == 0)
        #expect(made.allSatisfy { !$0.fromCache })
        let crop = try ImageCodec.load(path: try #require(made[0].cropPath))
        #expect(crop.width == 112 && crop.height == 112)
        // Largest of the group's three faces: facenet-pytorch's first box, 51x65 pixels.
        #expect(made[1].record.faceCount == 3)
        let reference = Fixtures.referenceFaces("group-640x480.png")[0].box
        #expect((made[1].record.face?.box.intersectionOverUnion(reference) ?? 0) > 0.95)
        #expect(made[2].cropPath == nil && made[2].record.faceCount == 0 && made[2].skipReason == "no face found")

        // A new aligner (a new run) on the same cache: nothing detected, the same results.
        let second = try CachedFaceAligner(cache: folder.cache)
        var seen: [AlignmentProgress] = []
        let reused = try second.align(sources) { seen.append($0) }
        #expect(second.detectorRuns == 0 && second.cacheHits == 3)
        #expect(reused.allSatisfy { $0.fromCache })
        #expect(reused.map(\.cropPath) == made.map(\.cropPath))
        #expect(reused.map(\.record) == made.map(\.record))
        #expect(seen.map(\.done) == [1, 2, 3] && seen.last?.fromCache == 3 && seen.last?.etaSeconds == 0)
        #expect(try ImageCodec.load(path: reused[0].cropPath!) == crop)
    }

    @Test func changedPhotoOrOptionIsAlignedAgain() throws {
        let folder = try PhotoFolder(["a.png": "astronaut.png", "b.png": "camera-grey.png"])
        defer { folder.remove() }
        let sources = ["a.png", "b.png"].map { AlignmentSource(path: folder.path($0)) }
        let before = try CachedFaceAligner(cache: folder.cache).align(sources)

        // a.png edited in place (another photo written over it): only a.png runs again.
        try FileManager.default.removeItem(atPath: folder.path("a.png"))
        try FileManager.default.copyItem(atPath: Fixtures.path("camera-grey.png"), toPath: folder.path("a.png"))
        let after = try CachedFaceAligner(cache: folder.cache)
        let outcomes = try after.align(sources)
        #expect(after.detectorRuns == 1 && after.cacheHits == 1)
        #expect(!outcomes[0].fromCache && outcomes[0].cropPath != before[0].cropPath)
        #expect(try ImageCodec.load(path: outcomes[0].cropPath!) == (try ImageCodec.load(path: outcomes[1].cropPath!)))
        #expect(outcomes[1].fromCache)

        // Through a symbolic link, the photo it leads to decides (the same entry as b.png's),
        // and replacing that photo re-aligns.
        let link = folder.path("link.png")
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: folder.path("b.png"))
        let viaLink = try CachedFaceAligner(cache: folder.cache)
        _ = try viaLink.align(AlignmentSource(path: link))
        #expect(viaLink.cacheHits == 1 && viaLink.detectorRuns == 0)
        try FileManager.default.removeItem(atPath: folder.path("b.png"))
        try FileManager.default.copyItem(atPath: Fixtures.path("astronaut.png"), toPath: folder.path("b.png"))
        _ = try viaLink.align(AlignmentSource(path: link))
        #expect(viaLink.detectorRuns == 1)

        // Other detector options or crop size: new entries.
        var options = FaceDetectorOptions()
        options.minimumFaceSize = 40
        let otherOptions = try CachedFaceAligner(cache: folder.cache, options: options)
        _ = try otherOptions.align([sources[1]])
        #expect(otherOptions.detectorRuns == 1)
        let otherSize = try CachedFaceAligner(cache: folder.cache, cropSize: 48)
        let small = try otherSize.align([sources[1]])
        let smallWidth = try ImageCodec.load(path: small[0].cropPath!).width
        #expect(otherSize.detectorRuns == 1 && smallWidth == 48)
    }

    /// The record repeats the key; an entry whose key differs (a hash collision, a tampered
    /// file) or whose crop was deleted is a miss, never another photo's face.
    @Test func entriesAreVerifiedBeforeUse() throws {
        let folder = try PhotoFolder(["a.png": "astronaut.png"])
        defer { folder.remove() }
        let source = AlignmentSource(path: folder.path("a.png"))
        let aligner = try CachedFaceAligner(cache: folder.cache)
        let made = try aligner.align(source)
        let key = try aligner.key(source)
        let record = folder.cache.paths(key).record
        let text = try String(contentsOf: record, encoding: .utf8)
        try text.replacingOccurrences(of: "photo=", with: "photo=/elsewhere").write(to: record, atomically: true, encoding: .utf8)
        #expect(folder.cache.lookup(key) == nil)
        _ = try aligner.align(source)
        #expect(aligner.detectorRuns == 2)
        try FileManager.default.removeItem(atPath: made.cropPath!)
        #expect(folder.cache.lookup(key) == nil)
        _ = try aligner.align(source)
        #expect(aligner.detectorRuns == 3 && FileManager.default.fileExists(atPath: made.cropPath!))
    }

    @Test func corruptOrMissingPhotoIsAnErrorNamingTheFile() throws {
        let folder = try PhotoFolder(["good.png": "astronaut.png"])
        defer { folder.remove() }
        try Data("this is not a JPEG".utf8).write(to: URL(fileURLWithPath: folder.path("corrupt.jpg")))
        let png = try Data(contentsOf: URL(fileURLWithPath: Fixtures.path("astronaut.png")))
        try png.prefix(2000).write(to: URL(fileURLWithPath: folder.path("truncated.png")))
        let aligner = try CachedFaceAligner(cache: folder.cache)
        for name in ["corrupt.jpg", "truncated.png", "missing.png"] {
            do {
                _ = try aligner.align([AlignmentSource(path: folder.path("good.png")), AlignmentSource(path: folder.path(name))])
                Issue.record("\(name) was accepted")
            } catch {
                #expect("\(error)".contains(folder.path(name)), "\(error)")
            }
        }
        // The good photo before the bad one was kept: the next run starts from it.
        #expect(aligner.detectorRuns == 1 && aligner.cacheHits == 2)
    }

    /// The ETA counts the time of detected photos only: cache hits say nothing of what is left.
    @Test func progressEstimate() {
        #expect(AlignmentProgress(done: 4, total: 10, fromCache: 2, elapsedSeconds: 4).etaSeconds == 12)
        #expect(AlignmentProgress(done: 4, total: 10, fromCache: 4, elapsedSeconds: 2).etaSeconds == 3)
        #expect(AlignmentProgress(done: 0, total: 10, fromCache: 0, elapsedSeconds: 0).etaSeconds == nil)
        #expect(AlignmentProgress(done: 5, total: 10, fromCache: 0, elapsedSeconds: 10).photosPerSecond == 0.5)
    }

    @Test func faceChoice() throws {
        let group = try ImageCodec.load(path: Fixtures.path("group-640x480.png"))
        let faces = Fixtures.detector.detect(image: group)
        #expect(faces.count == 3)
        let largest = try #require(FaceChoice.largest.choose(from: faces))
        #expect(faces.allSatisfy { $0.box.width * $0.box.height <= largest.box.width * largest.box.height })
        // An annotated box around the small face on the right picks that face.
        let right = Fixtures.referenceFaces("group-640x480.png")[2].box
        let annotated = DetectionBox(x1: right.x1 - 3, y1: right.y1 - 2, x2: right.x2 + 4, y2: right.y2 + 3)
        #expect((FaceChoice.overlapping(annotated).choose(from: faces)?.box.intersectionOverUnion(right) ?? 0) > 0.9)
        #expect(FaceChoice.overlapping(DetectionBox(x1: 0, y1: 0, x2: 40, y2: 40)).choose(from: faces) == nil)
        #expect(FaceChoice.largest.choose(from: []) == nil)
    }

    /// A split whose photos hold no face is an error naming the report; one with some faces
    /// keeps those, in order, with their labels.
    @Test func splitsKeepFacesAndReportTheRest() throws {
        let folder = try PhotoFolder(["a.png": "astronaut.png"], blank: ["b.png", "c.png"])
        defer { folder.remove() }
        let aligner = try CachedFaceAligner(cache: folder.cache)
        let photos = ImageFileDataset(classNames: ["x", "y"], paths: ["b.png", "a.png", "c.png"].map(folder.path), labels: [0, 1, 1])
        let split = try AlignedSplit.align("train", original: photos, sources: PhotoSources.asListed(photos), aligner: aligner)
        #expect(split.dataset.count == 1 && split.dataset.fileLabels == [1] && split.skipped.count == 2)
        #expect(throws: FaceDetectionError.noFacesKept(what: "class x of the train split", photos: 1, report: "r.csv")) {
            try split.requireFaces(reportPath: "r.csv")
        }
        let csv = AlignedSplit.reportCSV([split], classNames: photos.classNames)
        let rows = csv.split(separator: "\n")
        #expect(rows.count == 4)
        #expect(rows[1].hasPrefix("train,\(folder.path("b.png")),x,skipped,no face found,0,"))
        #expect(rows[2].contains(",y,aligned,,1,") && rows[2].hasSuffix(split.dataset.paths[0]))

        let blanks = ImageFileDataset(classNames: ["x", "y"], paths: ["b.png", "c.png"].map(folder.path), labels: [0, 1])
        let empty = try AlignedSplit.align("test", original: blanks, sources: PhotoSources.asListed(blanks), aligner: aligner)
        #expect(throws: FaceDetectionError.noFacesKept(what: "the test split", photos: 2, report: "r.csv")) {
            try empty.requireFaces(reportPath: "r.csv")
        }
        // A class the split never had is not an error (only one that lost every photo is).
        let oneClass = ImageFileDataset(classNames: ["x", "y"], paths: [folder.path("a.png")], labels: [1])
        try AlignedSplit.align("test", original: oneClass, sources: PhotoSources.asListed(oneClass), aligner: aligner)
            .requireFaces(reportPath: "r.csv")
        #expect(AlignedSplit.csvField("a,\"b\"") == "\"a,\"\"b\"\"\"")
    }

    @Test func dataSetPhotoSources() throws {
        #expect(PhotoSources.rafDBOriginalPath(aligned: "/d/RAF/basic/Image/aligned/train_00001_aligned.jpg")
                == "/d/RAF/basic/Image/original/train_00001.jpg")
        #expect(PhotoSources.rafDBOriginalPath(aligned: "/d/other/train_00001.jpg") == nil)
        let missing = ImageFileDataset(classNames: ["x", "y"], paths: ["/nowhere/Image/aligned/test_0001_aligned.jpg"], labels: [0])
        #expect(throws: FERDataError.self) { try PhotoSources.rafDBOriginals(missing) }
        do { _ = try PhotoSources.rafDBOriginals(missing) } catch {
            #expect("\(error)".contains("/nowhere/Image/original/test_0001.jpg") && "\(error)".contains("Image/original"))
        }
        let affectNet = ImageFileDataset(classNames: ["x", "y"], paths: ["p.jpg", "q.jpg"], labels: [0, 1],
                                         faceBoxes: [FaceBox(x: 10, y: 20, width: 30, height: 40), nil])
        #expect(PhotoSources.annotatedBoxes(affectNet).map(\.choice)
                == [.overlapping(DetectionBox(x1: 10, y1: 20, x2: 40, y2: 60)), .largest])
    }
}
