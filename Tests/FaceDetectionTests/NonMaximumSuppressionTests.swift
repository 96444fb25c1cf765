@testable import FaceDetection
import Testing

@Suite struct NonMaximumSuppressionTests {
    let big = DetectionBox(x1: 0, y1: 0, x2: 100, y2: 100)
    let inside = DetectionBox(x1: 10, y1: 10, x2: 30, y2: 30)

    /// A small box inside a larger one overlaps it little by IoU but fully by IoM.
    @Test func unionKeepsANestedBoxMinimumRemovesIt() {
        let union = NonMaximumSuppression(threshold: 0.7, overlap: .union, countsPixels: false)
        let minimum = NonMaximumSuppression(threshold: 0.7, overlap: .minimum, countsPixels: true)
        #expect(union.select([inside, big], scores: [0.8, 0.9]) == [1, 0])
        #expect(minimum.select([inside, big], scores: [0.8, 0.9]) == [1])
    }

    /// Boxes that touch at a corner share one pixel when areas count pixels, nothing otherwise.
    @Test func pixelCountingChangesTheOverlap() {
        let a = DetectionBox(x1: 0, y1: 0, x2: 1, y2: 1), b = DetectionBox(x1: 1, y1: 1, x2: 2, y2: 2)
        #expect(NonMaximumSuppression(threshold: 0.1, overlap: .union, countsPixels: false).select([a, b], scores: [0.9, 0.8]) == [0, 1])
        // 1 shared pixel of 4 + 4 - 1 = 7.
        #expect(NonMaximumSuppression(threshold: 0.1, overlap: .union, countsPixels: true).select([a, b], scores: [0.9, 0.8]) == [0])
        #expect(NonMaximumSuppression(threshold: 0.15, overlap: .union, countsPixels: true).select([a, b], scores: [0.9, 0.8]) == [0, 1])
    }

    /// Greedy: a box removed by a better one no longer removes others.
    @Test func greedyChainBestFirst() {
        let boxes = [DetectionBox(x1: 0, y1: 0, x2: 10, y2: 10), DetectionBox(x1: 3, y1: 0, x2: 13, y2: 10),
                     DetectionBox(x1: 6, y1: 0, x2: 16, y2: 10)]
        // IoU(0,1) = IoU(1,2) = 70/130 > 0.5; IoU(0,2) = 40/160.
        let nms = NonMaximumSuppression(threshold: 0.5, overlap: .union, countsPixels: false)
        #expect(nms.select(boxes, scores: [0.9, 0.95, 0.8]) == [1])
        #expect(nms.select(boxes, scores: [0.95, 0.9, 0.8]) == [0, 2])
        #expect(nms.select([], scores: []) == [])
    }
}

@Suite struct PipelineStepTests {
    /// 640x480 with the default minimum face size: 0.6 first, 10 levels down to a shorter side of 12.
    @Test func pyramid() {
        let scales = FaceDetector.pyramidScales(width: 640, height: 480, minimumFaceSize: 20, factor: 0.709)
        #expect(scales.count == 10)
        #expect(abs(scales[0] - 0.6) < 1e-12 && abs(scales[1] - 0.6 * 0.709) < 1e-12)
        #expect(480 * scales.last! >= 12 && 480 * scales.last! * 0.709 < 12)
        #expect(FaceDetector.pyramidScales(width: 19, height: 300, minimumFaceSize: 20, factor: 0.709).isEmpty)
    }

    @Test func squaringKeepsTheCentreAndTheLongerSide() {
        let square = FaceDetector.squared(DetectionBox(x1: 10, y1: 20, x2: 30, y2: 60))
        #expect(square == DetectionBox(x1: 0, y1: 20, x2: 40, y2: 60))
    }

    /// Regression offsets are fractions of the box size counted in pixels (x2 - x1 + 1).
    @Test func regression() {
        let box = FaceDetector.regressed(DetectionBox(x1: 10, y1: 10, x2: 19, y2: 29), (0.1, -0.1, 0.5, 0))
        #expect(box == DetectionBox(x1: 11, y1: 8, x2: 24, y2: 29))
    }

    /// Crops follow the reference: truncated corners, 1-based, clipped to the image.
    @Test func cropRegions() {
        #expect(FaceDetector.cropRegion(DetectionBox(x1: 10.7, y1: 5.2, x2: 30.9, y2: 25.5), width: 100, height: 100)! == (9, 4, 21, 21))
        #expect(FaceDetector.cropRegion(DetectionBox(x1: -20, y1: -5, x2: 10, y2: 20), width: 100, height: 100)! == (0, 0, 10, 20))
        #expect(FaceDetector.cropRegion(DetectionBox(x1: 90, y1: 90, x2: 130, y2: 130), width: 100, height: 100)! == (89, 89, 11, 11))
        #expect(FaceDetector.cropRegion(DetectionBox(x1: 120, y1: 10, x2: 150, y2: 40), width: 100, height: 100) == nil)
        #expect(FaceDetector.cropRegion(DetectionBox(x1: .nan, y1: 10, x2: 150, y2: 40), width: 100, height: 100) == nil)
    }
}
