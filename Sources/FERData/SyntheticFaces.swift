import Autodiff
import Foundation

/// Procedurally drawn faces with the seven RAF-DB expressions (label order of
/// `ExpressionClasses.rafDB`). Classes differ by eye opening, brow height and slant, and mouth
/// shape, in the directions of the facial action units that define them (surprise: raised arched
/// brows, wide eyes, open round mouth; fear: raised brows pulled together, wide eyes, stretched
/// mouth; …). Disgust/anger and fear/surprise share most features, as in real faces, so they are
/// the pairs a classifier confuses. Each image varies in expression intensity (blended with
/// neutral), feature jitter, face position, scale, tilt, skin, hair and background colour,
/// lighting direction, exposure and sensor noise.
public enum SyntheticFaces {
    /// The drawn features of one expression, in face-local units (see `FaceCanvas`).
    struct Expression {
        var eyeOpen: Float        // eye half-height
        var browRaise: Float      // up is positive
        var browSlant: Float      // inner ends up (+) or down (−)
        var browArch: Float       // middle up (+)
        var mouthWidth: Float     // half-width
        var mouthCurve: Float     // corners up (+, smile) or down (−)
        var mouthOpen: Float      // opening height, 0 = closed
        var mouthTilt: Float      // one corner up, the other down (disgust's asymmetry)
        var noseWrinkle: Float    // 0...1, lines beside the nose
        var lipWidth: Float       // pressed lips are thicker

        static func blend(_ a: Expression, _ b: Expression, _ t: Float) -> Expression {
            func m(_ x: Float, _ y: Float) -> Float { x + (y - x) * t }
            return Expression(eyeOpen: m(a.eyeOpen, b.eyeOpen), browRaise: m(a.browRaise, b.browRaise),
                              browSlant: m(a.browSlant, b.browSlant), browArch: m(a.browArch, b.browArch),
                              mouthWidth: m(a.mouthWidth, b.mouthWidth), mouthCurve: m(a.mouthCurve, b.mouthCurve),
                              mouthOpen: m(a.mouthOpen, b.mouthOpen), mouthTilt: m(a.mouthTilt, b.mouthTilt),
                              noseWrinkle: m(a.noseWrinkle, b.noseWrinkle), lipWidth: m(a.lipWidth, b.lipWidth))
        }
    }

    /// Prototypes in RAF-DB label order: Surprise, Fear, Disgust, Happiness, Sadness, Anger, Neutral.
    static let prototypes: [Expression] = [
        Expression(eyeOpen: 5.6, browRaise: 5.0, browSlant: 0.0, browArch: 2.5, mouthWidth: 6.0, mouthCurve: 0.0,
                   mouthOpen: 10.0, mouthTilt: 0, noseWrinkle: 0, lipWidth: 1.6),                       // surprise
        Expression(eyeOpen: 5.2, browRaise: 3.5, browSlant: 2.8, browArch: 0.5, mouthWidth: 9.5, mouthCurve: -1.5,
                   mouthOpen: 5.0, mouthTilt: 0, noseWrinkle: 0, lipWidth: 1.6),                        // fear
        Expression(eyeOpen: 2.4, browRaise: -2.3, browSlant: -2.0, browArch: 0.0, mouthWidth: 7.5, mouthCurve: -2.0,
                   mouthOpen: 1.2, mouthTilt: 2.2, noseWrinkle: 1, lipWidth: 1.9),                       // disgust
        Expression(eyeOpen: 2.6, browRaise: 1.0, browSlant: 0.0, browArch: 1.0, mouthWidth: 10.5, mouthCurve: 4.5,
                   mouthOpen: 3.0, mouthTilt: 0, noseWrinkle: 0, lipWidth: 1.6),                         // happiness
        Expression(eyeOpen: 3.0, browRaise: 0.5, browSlant: 3.5, browArch: -0.3, mouthWidth: 7.5, mouthCurve: -3.8,
                   mouthOpen: 0, mouthTilt: 0, noseWrinkle: 0, lipWidth: 1.6),                           // sadness
        Expression(eyeOpen: 2.7, browRaise: -3.0, browSlant: -4.0, browArch: -0.3, mouthWidth: 6.5, mouthCurve: -1.0,
                   mouthOpen: 0, mouthTilt: 0, noseWrinkle: 0.3, lipWidth: 2.6),                         // anger
        Expression(eyeOpen: 3.6, browRaise: 0.0, browSlant: 0.0, browArch: 0.6, mouthWidth: 7.5, mouthCurve: 0.0,
                   mouthOpen: 0, mouthTilt: 0, noseWrinkle: 0, lipWidth: 1.6),                           // neutral
    ]

    public static let classNames = ExpressionClasses.rafDB

    /// Draws one face of class `label` (0-based, RAF-DB order), size × size pixels.
    public static func render(label: Int, size: Int = 100, generator g: inout RandomGenerator) -> RGBImage {
        precondition((0..<prototypes.count).contains(label), "SyntheticFaces.render: label \(label) not in 0...6")
        func uniform(_ lo: Float, _ hi: Float) -> Float { lo + (hi - lo) * Float(g.uniform()) }
        func normal(_ sd: Float) -> Float { sd * Float(g.normal()) }

        // Expression: the class prototype blended with neutral by a random intensity, plus jitter.
        let intensity = uniform(0.45, 1.0)
        var e = Expression.blend(prototypes[6], prototypes[label], intensity)
        e.eyeOpen = max(1.2, e.eyeOpen + normal(0.45))
        e.browRaise += normal(0.9); e.browSlant += normal(0.8); e.browArch += normal(0.5)
        e.mouthWidth = max(4, e.mouthWidth + normal(0.8)); e.mouthCurve += normal(0.8)
        e.mouthOpen = max(0, e.mouthOpen + normal(0.7)); e.mouthTilt += normal(0.5)
        if g.uniform() < 0.5 { e.mouthTilt = -e.mouthTilt }  // disgust's raised side is either side

        // Appearance.
        let skinT = uniform(0, 1)
        let skin = SIMD3<Float>(236, 200, 172) * (1 - skinT) + SIMD3<Float>(125, 85, 60) * skinT
            + SIMD3<Float>(normal(6), normal(6), normal(6))
        let hairPalette: [SIMD3<Float>] = [[30, 22, 18], [70, 45, 25], [120, 80, 40], [190, 160, 100], [90, 90, 90]]
        let hair = hairPalette[g.int(below: hairPalette.count)] + SIMD3<Float>(normal(8), normal(8), normal(8))
        let background = SIMD3<Float>(uniform(40, 220), uniform(40, 220), uniform(40, 220))
        let iris = [SIMD3<Float>(60, 40, 25), [40, 70, 110], [60, 90, 50], [30, 25, 20]][g.int(below: 4)]
        let lip = skin * SIMD3<Float>(0.72, 0.5, 0.5)
        let line = skin * 0.55

        let s = Float(size)
        var canvas = FaceCanvas(size: size, background: background,
                                centreX: s / 2 + normal(0.035 * s), centreY: s * 0.52 + normal(0.035 * s),
                                scale: uniform(0.82, 1.05), angle: normal(0.08))

        // Head: neck, hair behind, face oval, hair fringe.
        canvas.ellipse(0, 40, rx: 13, ry: 16, colour: skin * 0.85)
        canvas.ellipse(0, -6, rx: 35, ry: 42, colour: hair)
        canvas.ellipse(0, 2, rx: 30 + normal(1), ry: 38 + normal(1), colour: skin)
        canvas.ellipse(0, -34, rx: 27, ry: 9, colour: hair, opacity: g.uniform() < 0.6 ? 1 : 0)

        // Eyes: white, iris, pupil; lids close from above.
        let eyeY: Float = -8, eyeX: Float = 12
        for side: Float in [-1, 1] {
            let cx = side * eyeX
            canvas.ellipse(cx, eyeY, rx: 6, ry: e.eyeOpen, colour: [242, 240, 235])
            let irisR = min(3.2, e.eyeOpen + 0.3)
            canvas.ellipse(cx, eyeY, rx: irisR, ry: min(3.2, e.eyeOpen), colour: iris)
            canvas.ellipse(cx, eyeY, rx: 1.3, ry: min(1.3, e.eyeOpen), colour: [15, 12, 12])
            canvas.stroke([(cx - 6.5, eyeY), (cx - 3, eyeY - e.eyeOpen - 0.6), (cx + 3, eyeY - e.eyeOpen - 0.6), (cx + 6.5, eyeY)],
                          width: 1.1, colour: line)
        }

        // Brows: outer end, middle, inner end; slant moves the inner end, arch the middle.
        for side: Float in [-1, 1] {
            let base = eyeY - 8 - e.browRaise
            let outer = (side * 19, base + 0.3 * e.browSlant)
            let inner = (side * 5.5 + side * (e.browSlant < 0 ? 0.25 * e.browSlant : 0), base - e.browSlant)
            let middle = (side * 12, base - e.browArch)
            canvas.stroke([outer, middle, inner], width: 2.6, colour: hair * 0.8)
        }

        // Nose, and disgust's wrinkles beside it.
        canvas.stroke([(0, -3), (-1.5, 6), (1.5, 7.5)], width: 1.2, colour: line, opacity: 0.8)
        if e.noseWrinkle > 0.15 {
            for side: Float in [-1, 1] {
                canvas.stroke([(side * 3, 0), (side * 5.5, 2.5), (side * 6.5, 5.5)], width: 1.0, colour: line,
                              opacity: min(1, e.noseWrinkle))
            }
        }

        // Mouth: corners at ±width, centre at mouthY; curve lifts the corners, tilt lifts one.
        let mouthY: Float = 19, w = e.mouthWidth
        func cornerLift(_ u: Float) -> Float { let t = u / w; return -e.mouthCurve * t * t - e.mouthTilt * t }
        if e.mouthOpen > 1.0 {
            let open = e.mouthOpen
            let top: (Float) -> Float = { u in mouthY + cornerLift(u) - 0.3 * open * (1 - (u / w) * (u / w)) }
            let bottom: (Float) -> Float = { u in mouthY + cornerLift(u) + 0.7 * open * (1 - (u / w) * (u / w)) }
            canvas.fillBetween(cu: 0, cv: mouthY, halfWidth: w, top: top, bottom: bottom, colour: [70, 22, 28])
            if e.mouthCurve > 2 {  // a broad smile shows the upper teeth
                canvas.fillBetween(cu: 0, cv: mouthY, halfWidth: w * 0.85, top: top,
                                   bottom: { u in top(u) + 0.35 * open * (1 - (u / w) * (u / w)) + 0.2 },
                                   colour: [238, 236, 226])
            }
            let samples = stride(from: -w, through: w, by: w / 6).map { $0 }
            canvas.stroke(samples.map { ($0, top($0)) }, width: e.lipWidth, colour: lip)
            canvas.stroke(samples.map { ($0, bottom($0)) }, width: e.lipWidth * 1.2, colour: lip)
        } else {
            let samples = stride(from: -w, through: w, by: w / 6).map { $0 }
            canvas.stroke(samples.map { ($0, mouthY + cornerLift($0)) }, width: e.lipWidth, colour: lip)
        }

        let angle = Float(g.uniform()) * 2 * .pi
        return canvas.finished(light: (cos(angle), sin(angle), uniform(0, 0.6)), exposure: uniform(0.8, 1.15),
                               noise: uniform(1, 6), generator: &g)
    }

    /// A grid with `perClass` faces of each class, one row per class (for looking at them).
    public static func previewGrid(perClass: Int = 8, size: Int = 100, seed: UInt64 = 0) -> RGBImage {
        let classes = prototypes.count, gap = 2
        let width = perClass * (size + gap) + gap, height = classes * (size + gap) + gap
        var pixels = [UInt8](repeating: 255, count: width * height * 3)
        for label in 0..<classes {
            for column in 0..<perClass {
                var generator = RandomGenerator(seed: Seeds.derive(seed, UInt64(label), UInt64(column)))
                let face = render(label: label, size: size, generator: &generator)
                let ox = gap + column * (size + gap), oy = gap + label * (size + gap)
                for y in 0..<size {
                    let dst = 3 * ((oy + y) * width + ox), src = 3 * y * size
                    pixels.replaceSubrange(dst..<(dst + 3 * size), with: face.pixels[src..<(src + 3 * size)])
                }
            }
        }
        return RGBImage(width: width, height: height, pixels: pixels)
    }
}
