import FERData

/// Draws detections into a copy of a photo: each box as a green outline, each landmark as a
/// small red square (blue for the nose), thick enough to see on large photos.
public enum FaceAnnotation {
    public static func draw(_ faces: [DetectedFace], on image: RGBImage) -> RGBImage {
        var canvas = image
        let thickness = max(2, max(image.width, image.height) / 320)
        for face in faces {
            let b = face.box
            func clampX(_ v: Float) -> Int { Int(max(-1, min(Float(image.width), v.rounded()))) }
            func clampY(_ v: Float) -> Int { Int(max(-1, min(Float(image.height), v.rounded()))) }
            let x1 = clampX(b.x1), y1 = clampY(b.y1), x2 = clampX(b.x2), y2 = clampY(b.y2)
            fill(&canvas, x: x1, y: y1, width: x2 - x1 + 1, height: thickness, colour: (0, 255, 0))
            fill(&canvas, x: x1, y: y2 - thickness + 1, width: x2 - x1 + 1, height: thickness, colour: (0, 255, 0))
            fill(&canvas, x: x1, y: y1, width: thickness, height: y2 - y1 + 1, colour: (0, 255, 0))
            fill(&canvas, x: x2 - thickness + 1, y: y1, width: thickness, height: y2 - y1 + 1, colour: (0, 255, 0))
            for (k, point) in face.landmarks.enumerated() {
                let colour: (UInt8, UInt8, UInt8) = k == 2 ? (0, 96, 255) : (255, 0, 0)
                fill(&canvas, x: clampX(point.x) - thickness, y: clampY(point.y) - thickness,
                     width: 2 * thickness + 1, height: 2 * thickness + 1, colour: colour)
            }
        }
        return canvas
    }

    /// Fills a rectangle, clipped to the image.
    static func fill(_ image: inout RGBImage, x: Int, y: Int, width: Int, height: Int, colour: (UInt8, UInt8, UInt8)) {
        let x0 = max(0, x), y0 = max(0, y), x1 = min(image.width, x + width), y1 = min(image.height, y + height)
        guard x1 > x0, y1 > y0 else { return }
        for row in y0..<y1 {
            for column in x0..<x1 {
                let i = 3 * (row * image.width + column)
                image.pixels[i] = colour.0; image.pixels[i + 1] = colour.1; image.pixels[i + 2] = colour.2
            }
        }
    }
}
