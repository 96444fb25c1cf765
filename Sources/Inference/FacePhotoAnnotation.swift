import FaceDetection
import FERData
import Foundation

/// The annotated photo of `Example-Predict --detect-faces`: FaceDetection's boxes and landmarks
/// (`FaceAnnotation`), and above each box a label with the face's number, predicted class and
/// probability in the contact sheet's bitmap font, white on black so it reads on any photo.
public enum FacePhotoAnnotation {
    /// The annotated file's name for a photo: `<file name without extension>-faces.png`.
    public static func fileName(for photoPath: String) -> String {
        ((photoPath as NSString).lastPathComponent as NSString).deletingPathExtension + "-faces.png"
    }

    /// The annotated file of each photo inside `folder`. Two photos with the same name would
    /// write the same file: refused, naming both.
    public static func outputs(for photoPaths: [String], in folder: URL) throws -> [String: URL] {
        var outputs: [String: URL] = [:], owner: [String: String] = [:]
        for path in photoPaths {
            let name = fileName(for: path)
            if let first = owner[name], first != path {
                throw InferenceError.invalidOption("\(first) and \(path) would both write \(name); rename one of them or predict them separately")
            }
            owner[name] = path
            outputs[path] = folder.appendingPathComponent(name)
        }
        return outputs
    }

    /// Text size: one font pixel per 250 pixels of the photo's shorter side (at least 1).
    static func scale(for photo: RGBImage) -> Int { max(1, min(photo.width, photo.height) / 250) }

    /// The label of one face, e.g. "1 happy 87%".
    public static func label(_ face: FacePrediction, classNames: [String]) -> String {
        let p = face.prediction
        let percent = p.confidence.isFinite ? String(Int((p.confidence * 100).rounded())) + "%" : "nan"
        return "\(face.faceIndex) \(classNames[p.predicted]) \(percent)"
    }

    /// A copy of `photo` with `detected` drawn by `FaceAnnotation` and each face's label; a
    /// photo without faces gets the caption "no face found".
    public static func draw(_ faces: [FacePrediction], detected: [DetectedFace], on photo: RGBImage, classNames: [String]) -> RGBImage {
        precondition(faces.count == detected.count, "FacePhotoAnnotation.draw: \(faces.count) predictions for \(detected.count) faces")
        var canvas = RGBCanvas(image: FaceAnnotation.draw(detected, on: photo))
        let s = scale(for: photo)
        if faces.isEmpty { caption("no face found", x: 0, y: 0, scale: s, on: &canvas) }
        for face in faces {
            let text = label(face, classNames: classNames)
            let height = (BitmapFont.glyphHeight + 4) * s
            let top = Int(face.box.y1.rounded()) - height
            // Above the box when it fits, else just inside its top edge.
            let y = top >= 0 ? top : max(0, Int(face.box.y1.rounded()))
            caption(text, x: max(0, Int(face.box.x1.rounded())), y: y, scale: s, on: &canvas)
        }
        return canvas.image
    }

    /// White text on a black band with its top-left corner at (x, y), moved left to stay inside.
    static func caption(_ text: String, x: Int, y: Int, scale s: Int, on canvas: inout RGBCanvas) {
        let width = BitmapFont.width(of: text, scale: s) + 4 * s, height = (BitmapFont.glyphHeight + 4) * s
        let left = max(0, min(x, canvas.width - width))
        canvas.fill(x: left, y: y, width: width, height: height, color: (0, 0, 0))
        canvas.draw(text, x: left + 2 * s, y: y + 2 * s, color: (255, 255, 255), scale: s)
    }
}
