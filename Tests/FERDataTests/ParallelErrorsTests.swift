import Dispatch
import Testing
@testable import FERData

/// Errors recorded from many threads in any order: the one reported is the lowest index's.
@Suite struct ParallelErrorsTests {
    struct Failure: Error, Equatable { let index: Int }

    @Test func reportsTheLowestIndexAndCountsAll() {
        let errors = ParallelErrors()
        #expect(errors.first == nil && errors.count == 0)
        let failing = [97, 12, 55, 13, 80, 31]
        // Later items first, from several threads, so arrival order is not item order.
        DispatchQueue.concurrentPerform(iterations: failing.count) { i in
            let index = failing[failing.count - 1 - i]
            errors.record(Failure(index: index), at: index)
        }
        #expect(errors.first as? Failure == Failure(index: 12))
        #expect(errors.count == failing.count)
    }
}
