import XCTest
@testable import Training

final class BatchShardTests: XCTestCase {
    /// The shards of any group cover the global batch once, in rank order, sizes differing by
    /// at most one; more processes than rows leave the last ones empty.
    func testShardsCoverTheBatchOnceInOrder() {
        for globalCount in [0, 1, 7, 8, 64] {
            for size in 1...5 {
                let shards = (0..<size).map { BatchShard(globalCount: globalCount, rank: $0, size: size) }
                XCTAssertEqual(shards.flatMap { Array($0.rows) }, Array(0..<globalCount), "\(globalCount) rows, \(size) processes")
                let counts = shards.map(\.count)
                XCTAssertLessThanOrEqual(counts.max()! - counts.min()!, 1)
                XCTAssertEqual(shards.map(\.share).reduce(0, +), globalCount == 0 ? 0 : 1, accuracy: 1e-12)
            }
        }
        XCTAssertTrue(BatchShard(globalCount: 5, rank: 0, size: 1).isWhole)
        XCTAssertEqual(BatchShard(globalCount: 1, rank: 1, size: 2).count, 0)
    }

    /// The gradient buffer's pieces: the flags first, then each parameter, any bucket boundary
    /// splitting a parameter into two pieces that meet.
    func testGradientLayoutPiecesTileEveryBucket() {
        let layout = GradientLayout(counts: [3, 5, 1])
        XCTAssertEqual(layout.total, 3 + 9)
        for bucket in 1...layout.total {
            var covered: [Int] = []
            var perParameter: [Int: [Int]] = [:]
            for start in stride(from: 0, to: layout.total, by: bucket) {
                for piece in layout.pieces(start..<min(start + bucket, layout.total)) {
                    covered += Array(piece.flat)
                    XCTAssertEqual(piece.flat.count, piece.within.count)
                    if piece.parameter >= 0 { perParameter[piece.parameter, default: []] += Array(piece.within) }
                }
            }
            XCTAssertEqual(covered, Array(0..<layout.total), "bucket \(bucket)")
            XCTAssertEqual(perParameter, [0: [0, 1, 2], 1: [0, 1, 2, 3, 4], 2: [0]], "bucket \(bucket)")
        }
    }
}
