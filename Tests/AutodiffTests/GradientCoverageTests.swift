@testable import Autodiff
import Testing

/// Every differentiable op (`Op.allCases`) is declared by some gradient case, so a new op without
/// a check fails here instead of going unnoticed.
@Suite struct GradientCoverageTests {
    static func uncovered(by cases: [GradientCase]) -> [Op] {
        let covered = cases.reduce(into: Set<Op>()) { $0.formUnion($1.covers) }
        return Op.allCases.filter { !covered.contains($0) }
    }

    @Test func everyOpHasAGradientCase() {
        let missing = Self.uncovered(by: GradientCases.all)
        #expect(missing.isEmpty, "ops without a gradient case: \(missing.map(\.description))")
    }

    /// The check can fail: without the unary table, the unary ops are reported.
    @Test func missingCasesAreReported() {
        let withoutUnary = GradientCases.all.filter { !$0.covers.contains(.relu) }
        #expect(Self.uncovered(by: withoutUnary).contains(.relu))
    }
}
