import Autodiff
import Foundation

/// A float RGB canvas for drawing synthetic faces in a face-local coordinate frame: local
/// (u, v) has the face centre at 0, u to the right, v down, 1 unit = 1 pixel of a 100-pixel
/// face at scale 1. Shapes are antialiased by their signed distance in pixels.
struct FaceCanvas {
    let size: Int
    var rgb: [Float]
    /// Face frame: pixel = centre + k · R(angle) · (u, v).
    let centreX: Float, centreY: Float, k: Float, cosA: Float, sinA: Float
    /// Local coordinates of every pixel centre, precomputed.
    private var us: [Float], vs: [Float]

    init(size: Int, background: SIMD3<Float>, centreX: Float, centreY: Float, scale: Float, angle: Float) {
        self.size = size
        self.rgb = [Float](repeating: 0, count: size * size * 3)
        self.centreX = centreX; self.centreY = centreY
        self.k = scale * Float(size) / 100
        self.cosA = cos(angle); self.sinA = sin(angle)
        us = [Float](repeating: 0, count: size * size)
        vs = [Float](repeating: 0, count: size * size)
        for y in 0..<size {
            for x in 0..<size {
                let dx = (Float(x) + 0.5 - centreX) / k, dy = (Float(y) + 0.5 - centreY) / k
                us[y * size + x] = cosA * dx + sinA * dy
                vs[y * size + x] = -sinA * dx + cosA * dy
                let i = 3 * (y * size + x)
                rgb[i] = background.x; rgb[i + 1] = background.y; rgb[i + 2] = background.z
            }
        }
    }

    /// Blends `colour` into every pixel whose local point lies within `radius` (local units) of
    /// (cu, cv), with the coverage returned by `coverage(u, v)` in 0...1.
    private mutating func paint(near cu: Float, _ cv: Float, radius: Float, colour: SIMD3<Float>, opacity: Float = 1,
                                coverage: (Float, Float) -> Float) {
        // Pixel-space bounding box of the local disc.
        let px = centreX + k * (cosA * cu - sinA * cv), py = centreY + k * (sinA * cu + cosA * cv)
        let r = k * radius + 2
        let x0 = max(0, Int(px - r)), x1 = min(size - 1, Int(px + r))
        let y0 = max(0, Int(py - r)), y1 = min(size - 1, Int(py + r))
        guard x0 <= x1, y0 <= y1 else { return }
        for y in y0...y1 {
            for x in x0...x1 {
                let p = y * size + x
                let a = coverage(us[p], vs[p]) * opacity
                if a <= 0 { continue }
                let i = 3 * p
                rgb[i] += (colour.x - rgb[i]) * a
                rgb[i + 1] += (colour.y - rgb[i + 1]) * a
                rgb[i + 2] += (colour.z - rgb[i + 2]) * a
            }
        }
    }

    /// Pixel coverage from a signed distance in local units (negative inside).
    private static func edge(_ signedDistance: Float, _ k: Float) -> Float {
        max(0, min(1, 0.5 - signedDistance * k))
    }

    /// A filled ellipse, optionally rotated by `tilt` radians in the face frame.
    mutating func ellipse(_ cu: Float, _ cv: Float, rx: Float, ry: Float, tilt: Float = 0,
                          colour: SIMD3<Float>, opacity: Float = 1) {
        let c = cos(tilt), s = sin(tilt), minR = min(rx, ry), k = self.k
        paint(near: cu, cv, radius: max(rx, ry), colour: colour, opacity: opacity) { u, v in
            let du = u - cu, dv = v - cv
            let a = (c * du + s * dv) / rx, b = (-s * du + c * dv) / ry
            // Approximate signed distance: (normalised radius − 1) · smaller radius.
            return FaceCanvas.edge(((a * a + b * b).squareRoot() - 1) * minR, k)
        }
    }

    /// A stroked polyline of local points with a round pen of `width` local units.
    mutating func stroke(_ points: [(Float, Float)], width: Float, colour: SIMD3<Float>, opacity: Float = 1) {
        guard points.count >= 2 else { return }
        let minU = points.map(\.0).min()!, maxU = points.map(\.0).max()!
        let minV = points.map(\.1).min()!, maxV = points.map(\.1).max()!
        let cu = (minU + maxU) / 2, cv = (minV + maxV) / 2
        let radius = max(maxU - minU, maxV - minV) / 2 * 1.5 + width
        let half = width / 2, k = self.k
        paint(near: cu, cv, radius: radius, colour: colour, opacity: opacity) { u, v in
            var best = Float.infinity
            for j in 0..<(points.count - 1) {
                let (au, av) = points[j], (bu, bv) = points[j + 1]
                let eu = bu - au, ev = bv - av
                let t = max(0, min(1, ((u - au) * eu + (v - av) * ev) / max(1e-6, eu * eu + ev * ev)))
                let du = u - (au + t * eu), dv = v - (av + t * ev)
                best = min(best, du * du + dv * dv)
            }
            return FaceCanvas.edge(best.squareRoot() - half, k)
        }
    }

    /// The region between two curves over u in [cu − halfWidth, cu + halfWidth]:
    /// top(u) < v < bottom(u) (both in local units).
    mutating func fillBetween(cu: Float, cv: Float, halfWidth: Float, top: @escaping (Float) -> Float,
                              bottom: @escaping (Float) -> Float, colour: SIMD3<Float>) {
        let k = self.k
        paint(near: cu, cv, radius: halfWidth * 1.6 + 4, colour: colour) { u, v in
            let inside = min(v - top(u), bottom(u) - v, halfWidth - abs(u - cu))
            return FaceCanvas.edge(-inside, k)
        }
    }

    /// Directional light, overall exposure and sensor noise, then 8-bit quantisation.
    func finished(light: (dx: Float, dy: Float, strength: Float), exposure: Float, noise: Float,
                  generator: inout RandomGenerator) -> RGBImage {
        var bytes = [UInt8](repeating: 0, count: size * size * 3)
        for y in 0..<size {
            for x in 0..<size {
                let fx = Float(x) / Float(size) - 0.5, fy = Float(y) / Float(size) - 0.5
                let gain = exposure * (1 + light.strength * (light.dx * fx + light.dy * fy))
                for c in 0..<3 {
                    let i = 3 * (y * size + x)
                    let value = rgb[i + c] * gain + noise * Float(generator.normal())
                    bytes[i + c] = UInt8(max(0, min(255, value.rounded())))
                }
            }
        }
        return RGBImage(width: size, height: size, pixels: bytes)
    }
}
