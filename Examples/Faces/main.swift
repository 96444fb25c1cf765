import Autodiff
import ArgumentParser
import FERData
import FaceDetection
import Foundation

struct ExampleFaces: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "Example-Faces",
        abstract: "Find faces in photos with MTCNN and cut out aligned crops.",
        discussion: """
        Prints each face's box (x1, y1)-(x2, y2), score and five landmarks (left eye, right eye, \
        nose, left and right mouth corner), writes <photo>-annotated.png with the boxes and \
        landmarks drawn in and, with --save-crops, <photo>-face<N>.png: the face aligned to the \
        ArcFace 5-point template. Folders are searched (not recursively) for .jpg, .jpeg and \
        .png files. Existing outputs are never replaced without --overwrite.

        Examples:
          swift run -c release Example-Faces group.jpg --save-crops
          swift run -c release Example-Faces photos/ --output faces --min-face-size 40 --thresholds 0.6,0.7,0.8
        """)

    @Argument(help: "Photos (.jpg, .jpeg, .png) or folders of photos.")
    var inputs: [String]

    @Option(help: "Folder for the annotated photos and crops (created if missing).")
    var output = "faces"

    @Flag(help: "Also write each face aligned to --crop-size x --crop-size.")
    var saveCrops = false

    @Option(help: "Side of the aligned crops, in pixels.")
    var cropSize = 112

    @Option(help: "Smallest face side looked for, in pixels (at least 12).")
    var minFaceSize = 20

    @Option(help: "Face-probability thresholds of P-Net, R-Net and O-Net, as a,b,c.")
    var thresholds = "0.6,0.7,0.7"

    @Flag(help: "Replace outputs that already exist.")
    var overwrite = false

    @Option(help: "Time detection this many times per photo and print the best and median (nothing is written).")
    var benchmark: Int?

    func run() throws {
        Kernels.configure()  // threads for OpenBLAS too, and the storage cache's limit
        let options = try Self.options(minFaceSize: minFaceSize, thresholds: thresholds)
        guard (1...4096).contains(cropSize) else {
            throw ValidationError("--crop-size \(cropSize): expected 1...4096 pixels")
        }
        let photos = try PhotoList.expand(inputs)
        if let runs = benchmark {
            guard runs >= 1 else { throw ValidationError("--benchmark \(runs): expected at least 1 run") }
            return try Self.time(photos, runs: runs, detector: try FaceDetector(options: options))
        }
        try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true)
        let detector = try FaceDetector(options: options)
        var failures = 0
        for photo in photos {
            do {
                try process(photo, detector: detector)
            } catch {
                failures += 1
                FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            }
        }
        if failures > 0 { throw ExitCode(1) }
    }

    static func options(minFaceSize: Int, thresholds: String) throws -> FaceDetectorOptions {
        do {
            let options = FaceDetectorOptions(minimumFaceSize: minFaceSize, thresholds: try FaceDetectorOptions.parseThresholds(thresholds))
            try options.validate()
            return options
        } catch let error as FaceDetectionError {
            throw ValidationError("\(error)")
        }
    }

    /// Wall-clock time of `detect` alone (decoding excluded), after one warm-up run.
    static func time(_ photos: [PhotoList.Photo], runs: Int, detector: FaceDetector) throws {
        for photo in photos {
            let image = try ImageCodec.load(path: photo.path)
            let faces = detector.detect(image: image).count
            var times: [Double] = []
            for _ in 0..<runs {
                let start = DispatchTime.now().uptimeNanoseconds
                _ = detector.detect(image: image)
                times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
            }
            times.sort()
            print(String(format: "%@: %dx%d, %d faces, best %.1f ms, median %.1f ms of %d runs",
                         photo.path, image.width, image.height, faces, times[0], times[times.count / 2], runs))
        }
    }

    func process(_ photo: PhotoList.Photo, detector: FaceDetector) throws {
        let image = try ImageCodec.load(path: photo.path)
        let start = Date()
        let faces = detector.detect(image: image)
        let milliseconds = Int(Date().timeIntervalSince(start) * 1000)
        let crops = saveCrops ? try faces.map { try FaceAligner.align(image: image, face: $0, size: cropSize) } : []
        let annotatedPath = (output as NSString).appendingPathComponent("\(photo.stem)-annotated.png")
        let cropPaths = crops.indices.map { (output as NSString).appendingPathComponent("\(photo.stem)-face\($0 + 1).png") }
        if !overwrite, let existing = ([annotatedPath] + cropPaths).first(where: { FileManager.default.fileExists(atPath: $0) }) {
            throw ValidationError("\(photo.path): \(existing) already exists; pass --overwrite to replace it, or choose another --output")
        }
        print("\(photo.path): \(faces.count) face\(faces.count == 1 ? "" : "s") (\(image.width)x\(image.height), \(milliseconds) ms)")
        for (k, face) in faces.enumerated() {
            let points = face.landmarks.map(\.description).joined(separator: " ")
            print("  face \(k + 1): box \(face.box) score \(String(format: "%.4f", face.score)) landmarks \(points)")
        }
        try ImageCodec.save(FaceAnnotation.draw(faces, on: image), path: annotatedPath)
        print("  wrote \(annotatedPath)")
        for (crop, path) in zip(crops, cropPaths) {
            try ImageCodec.save(crop, path: path)
            print("  wrote \(path)")
        }
    }
}

ExampleFaces.main()
