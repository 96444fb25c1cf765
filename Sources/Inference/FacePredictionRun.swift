import FaceDetection
import FERData
import Foundation

/// Expressions of the faces in ordinary photos: each photo is decoded, MTCNN finds its faces,
/// each face is aligned to the model's image size (`FaceAligner`, the five-landmark similarity
/// transform) and predicted like a crop (`Predictor`, covariance summary included).
public enum FacePredictionRun {
    /// Runs over `inputs`. A photo that cannot be decoded is a failure and is skipped; a photo
    /// without a face is listed in `photosWithoutFaces`. Each face's Monte-Carlo draws come from
    /// (seed, its position among all faces of the run). `photoDone(photo, image, detected, faces)`
    /// is called after each readable photo, with or without faces (e.g. to draw it);
    /// `progress(done, total)` after each photo.
    public static func run(_ predictor: Predictor, detector: FaceDetector, inputs: [ImageInput], seed: UInt64,
                           maximumPixels: Int = ImageLoading.defaultMaximumPixels,
                           photoDone: ((ImageInput, RGBImage, [DetectedFace], [FacePrediction]) throws -> Void)? = nil,
                           progress: ((Int, Int) -> Void)? = nil) throws -> FacePredictionResults {
        let start = Date()
        var faces: [FacePrediction] = [], withoutFaces: [String] = [], failures: [InputFailure] = []
        var photoCount = 0
        let size = predictor.loaded.metadata.imageSize
        for (done, input) in inputs.enumerated() {
            defer { progress?(done + 1, inputs.count) }
            let photo: RGBImage
            do {
                photo = try ImageLoading.load(path: input.path, maximumPixels: maximumPixels)
            } catch {
                failures.append(InputFailure(path: input.path, message: "\(error)"))
                continue
            }
            photoCount += 1
            let detected = detector.detect(image: photo)
            guard !detected.isEmpty else {
                withoutFaces.append(input.path)
                try photoDone?(input, photo, [], [])
                continue
            }
            let aligned: [RGBImage]
            do {
                aligned = try detected.map { try FaceAligner.align(image: photo, face: $0, size: size) }
            } catch {
                failures.append(InputFailure(path: input.path, message: "\(error)"))
                continue
            }
            let positions = Array(faces.count..<(faces.count + detected.count))
            let predictions = predictor.predict(aligned, inputs: Array(repeating: input, count: detected.count), positions: positions, seed: seed)
            let photoFaces = zip(detected, predictions).enumerated().map { k, pair in
                FacePrediction(path: input.path, faceIndex: k + 1, box: pair.0.box, score: pair.0.score, prediction: pair.1)
            }
            faces += photoFaces
            try photoDone?(input, photo, detected, photoFaces)
        }
        return FacePredictionResults(faces: faces, photosWithoutFaces: withoutFaces, photoCount: photoCount, failures: failures,
                                     seconds: Date().timeIntervalSince(start))
    }
}
