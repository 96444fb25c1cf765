import Autodiff
import FERData
import Foundation

/// MTCNN face detection (Zhang et al. 2016): P-Net proposes boxes over an image pyramid,
/// R-Net and O-Net refine and filter crops of them; O-Net also places five landmarks. Each step
/// follows facenet-pytorch's implementation, which our tests compare against
/// (Tests/FaceDetectionTests), including its rounding and its area resampling.
///
///     let detector = try FaceDetector()
///     for face in detector.detect(image: try ImageCodec.load(path: "photo.jpg")) { print(face.box, face.score) }
public final class FaceDetector {
    public let options: FaceDetectorOptions
    let pnet: PNet
    let rnet: RNet
    let onet: ONet

    /// Loads the trained networks (the bundled weights unless `weightsDirectory` is given).
    public init(options: FaceDetectorOptions = FaceDetectorOptions(), weightsDirectory: URL? = nil) throws {
        try options.validate()
        (pnet, rnet, onet) = try MTCNNWeights.load(directory: weightsDirectory)
        self.options = options
    }

    /// Every face found, best score first; empty when there is none (or the image is smaller
    /// than the minimum face size).
    public func detect(image: RGBImage) -> [DetectedFace] {
        Graph.withoutRecording {
            let longer = max(image.width, image.height)
            guard longer > options.maximumImageSide else { return detect(in: image.floatPlanes) }
            let ratio = Double(options.maximumImageSide) / Double(longer)
            let width = max(1, Int((Double(image.width) * ratio).rounded()))
            let height = max(1, Int((Double(image.height) * ratio).rounded()))
            let scaleX = Float(image.width) / Float(width), scaleY = Float(image.height) / Float(height)
            return detect(in: AreaResample.resized(image, width: width, height: height)).map { face in
                DetectedFace(box: DetectionBox(x1: face.box.x1 * scaleX, y1: face.box.y1 * scaleY,
                                          x2: face.box.x2 * scaleX, y2: face.box.y2 * scaleY),
                             score: face.score,
                             landmarks: face.landmarks.map { FacePoint(x: $0.x * scaleX, y: $0.y * scaleY) })
            }
        }
    }

    /// A box with its score and the regression its network predicted for it.
    struct Candidate {
        var box: DetectionBox
        var score: Float
        var regression: (Float, Float, Float, Float)
    }

    /// The scales of the image pyramid: the first maps the minimum face size to P-Net's 12
    /// pixels, each next one is `scaleFactor` times smaller, down to a shorter side of 12.
    static func pyramidScales(width: Int, height: Int, minimumFaceSize: Int, factor: Double) -> [Double] {
        var scale = 12.0 / Double(minimumFaceSize)
        var shorter = Double(min(width, height)) * scale
        var scales: [Double] = []
        while shorter >= 12 {
            scales.append(scale)
            scale *= factor
            shorter *= factor
        }
        return scales
    }

    func detect(in image: FloatPlanes) -> [DetectedFace] {
        var candidates = proposals(image)
        guard !candidates.isEmpty else { return [] }
        candidates = refine(candidates, image)
        guard !candidates.isEmpty else { return [] }
        return finish(candidates, image)
    }

    // MARK: Stage 1

    func proposals(_ image: FloatPlanes) -> [Candidate] {
        let scales = Self.pyramidScales(width: image.width, height: image.height,
                                        minimumFaceSize: options.minimumFaceSize, factor: options.scaleFactor)
        let perScale = NonMaximumSuppression(threshold: 0.5, overlap: .union, countsPixels: false)
        var all: [Candidate] = []
        for scale in scales {
            let height = Int(Double(image.height) * scale + 1), width = Int(Double(image.width) * scale + 1)
            let input = Tensor<Float>(uninitializedShape: [1, 3, height, width])
            AreaResample.resample(image, x: 0, y: 0, width: image.width, height: image.height,
                                  outputWidth: width, outputHeight: height, into: input.data, transform: Self.normalized)
            let (regression, probabilities) = pnet(input)
            let found = Self.cells(regression: regression, probabilities: probabilities, scale: Float(scale),
                                   threshold: options.thresholds[0])
            all += perScale.select(found.map(\.box), scores: found.map(\.score)).map { found[$0] }
        }
        let acrossScales = NonMaximumSuppression(threshold: 0.7, overlap: .union, countsPixels: false)
        return acrossScales.select(all.map(\.box), scores: all.map(\.score)).map { index in
            let c = all[index]
            let w = c.box.width, h = c.box.height
            let box = DetectionBox(x1: c.box.x1 + c.regression.0 * w, y1: c.box.y1 + c.regression.1 * h,
                              x2: c.box.x2 + c.regression.2 * w, y2: c.box.y2 + c.regression.3 * h)
            return Candidate(box: Self.squared(box), score: c.score, regression: (0, 0, 0, 0))
        }
    }

    /// P-Net's cells at or above the threshold as boxes in image coordinates: cell (x, y) saw
    /// the 12x12 window at (2x, 2y) of the scaled image.
    static func cells(regression: Tensor<Float>, probabilities: Tensor<Float>, scale: Float, threshold: Float) -> [Candidate] {
        let height = probabilities.shape[2], width = probabilities.shape[3], plane = height * width
        let face = probabilities.data + plane  // channel 1: "face"
        let offsets = regression.data
        var found: [Candidate] = []
        for y in 0..<height {
            for x in 0..<width where face[y * width + x] >= threshold {
                let i = y * width + x
                let box = DetectionBox(x1: (Float(2 * x + 1) / scale).rounded(.down), y1: (Float(2 * y + 1) / scale).rounded(.down),
                                  x2: (Float(2 * x + 12) / scale).rounded(.down), y2: (Float(2 * y + 12) / scale).rounded(.down))
                found.append(Candidate(box: box, score: face[i],
                                       regression: (offsets[i], offsets[plane + i], offsets[2 * plane + i], offsets[3 * plane + i])))
            }
        }
        return found
    }

    // MARK: Stages 2 and 3

    func refine(_ candidates: [Candidate], _ image: FloatPlanes) -> [Candidate] {
        var passed: [Candidate] = []
        runInBatches(candidates, image: image, size: 24) { batch, input in
            let (regression, probabilities) = rnet(input)
            for (k, candidate) in batch.enumerated() {
                let score = probabilities.data[2 * k + 1]
                guard score > options.thresholds[1] else { continue }
                let r = regression.data + 4 * k
                passed.append(Candidate(box: candidate.box, score: score, regression: (r[0], r[1], r[2], r[3])))
            }
        }
        let nms = NonMaximumSuppression(threshold: 0.7, overlap: .union, countsPixels: false)
        return nms.select(passed.map(\.box), scores: passed.map(\.score)).map { index in
            let c = passed[index]
            return Candidate(box: Self.squared(Self.regressed(c.box, c.regression)), score: c.score, regression: (0, 0, 0, 0))
        }
    }

    func finish(_ candidates: [Candidate], _ image: FloatPlanes) -> [DetectedFace] {
        var faces: [DetectedFace] = []
        runInBatches(candidates, image: image, size: 48) { batch, input in
            let (regression, landmarks, probabilities) = onet(input)
            for (k, candidate) in batch.enumerated() {
                let score = probabilities.data[2 * k + 1]
                guard score > options.thresholds[2] else { continue }
                let b = candidate.box, r = regression.data + 4 * k, l = landmarks.data + 10 * k
                // Landmarks are fractions of the box (in pixel counts, x2 - x1 + 1), before regression.
                let w = b.x2 - b.x1 + 1, h = b.y2 - b.y1 + 1
                let points = (0..<5).map { FacePoint(x: w * l[$0] + b.x1 - 1, y: h * l[5 + $0] + b.y1 - 1) }
                faces.append(DetectedFace(box: Self.regressed(b, (r[0], r[1], r[2], r[3])), score: score, landmarks: points))
            }
        }
        let nms = NonMaximumSuppression(threshold: 0.7, overlap: .minimum, countsPixels: true)
        return nms.select(faces.map(\.box), scores: faces.map(\.score)).map { faces[$0] }
    }

    /// Crops every candidate (clipped to the image as the reference does, then resized by area
    /// averaging to size x size) and hands batches to `body`. Candidates entirely outside the
    /// image are dropped.
    func runInBatches(_ candidates: [Candidate], image: FloatPlanes, size: Int,
                      _ body: ([Candidate], Tensor<Float>) -> Void) {
        let regions = candidates.map { Self.cropRegion($0.box, width: image.width, height: image.height) }
        let usable = candidates.indices.filter { regions[$0] != nil }
        var start = 0
        while start < usable.count {
            let chunk = Array(usable[start..<min(start + options.batchSize, usable.count)])
            let input = Tensor<Float>(uninitializedShape: [chunk.count, 3, size, size])
            for (k, index) in chunk.enumerated() {
                let region = regions[index]!
                AreaResample.resample(image, x: region.x, y: region.y, width: region.width, height: region.height,
                                      outputWidth: size, outputHeight: size, into: input.data + k * 3 * size * size,
                                      transform: Self.normalized)
            }
            body(chunk.map { candidates[$0] }, input)
            start += options.batchSize
        }
    }

    /// The reference's integer crop: corners truncated toward zero, treated as 1-based and
    /// clipped to the image; nil when nothing of the box is inside.
    static func cropRegion(_ box: DetectionBox, width: Int, height: Int) -> (x: Int, y: Int, width: Int, height: Int)? {
        func truncated(_ v: Float) -> Int? { v.isFinite ? Int(max(-1e9, min(1e9, v)).rounded(.towardZero)) : nil }
        guard let x1 = truncated(box.x1), let y1 = truncated(box.y1), let x2 = truncated(box.x2), let y2 = truncated(box.y2) else {
            return nil
        }
        let x = max(x1, 1), y = max(y1, 1), ex = min(x2, width), ey = min(y2, height)
        guard ex > x - 1, ey > y - 1 else { return nil }
        return (x - 1, y - 1, ex - x + 1, ey - y + 1)
    }

    /// Box regression in pixel counts (x2 - x1 + 1), as R-Net and O-Net were trained.
    static func regressed(_ b: DetectionBox, _ r: (Float, Float, Float, Float)) -> DetectionBox {
        let w = b.x2 - b.x1 + 1, h = b.y2 - b.y1 + 1
        return DetectionBox(x1: b.x1 + r.0 * w, y1: b.y1 + r.1 * h, x2: b.x2 + r.2 * w, y2: b.y2 + r.3 * h)
    }

    /// The square with the box's centre and longer side.
    static func squared(_ b: DetectionBox) -> DetectionBox {
        let w = b.x2 - b.x1, h = b.y2 - b.y1, side = max(w, h)
        let x1 = b.x1 + w * 0.5 - side * 0.5, y1 = b.y1 + h * 0.5 - side * 0.5
        return DetectionBox(x1: x1, y1: y1, x2: x1 + side, y2: y1 + side)
    }

    /// Pixel value (an area mean) to network input, as in training: (v - 127.5) / 128.
    static func normalized(_ mean: Double) -> Float {
        (Float(mean) - 127.5) * 0.0078125
    }
}
