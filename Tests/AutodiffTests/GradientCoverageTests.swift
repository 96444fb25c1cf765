@testable import Autodiff
import CKernels
import Testing

/// Every differentiable op (`Op.allCases`, every `UnaryOp` included) is declared by some gradient
/// case, so a new op without a check fails here instead of going unnoticed.
@Suite struct GradientCoverageTests {
    static func uncovered(by cases: [GradientCase]) -> [Op] {
        let covered = cases.reduce(into: Set<Op>()) { $0.formUnion($1.covers) }
        return Op.allCases.filter { !covered.contains($0) }
    }

    @Test func everyOpHasAGradientCase() {
        let missing = Self.uncovered(by: GradientCases.all)
        #expect(missing.isEmpty, "ops without a gradient case: \(missing.map(\.description))")
    }

    /// The check can fail: without the cases of one unary op, that op is reported.
    @Test func missingCasesAreReported() {
        let missingNow = Set(Self.uncovered(by: GradientCases.all))
        for op in UnaryOp.allCases {
            let without = GradientCases.all.filter { !$0.covers.contains(.unary(op)) }
            #expect(Set(Self.uncovered(by: without)).subtracting(missingNow) == [.unary(op)], "\(op)")
        }
    }

    /// `Op.allCases` is written by hand (a case with a payload stops Swift from listing them): it
    /// lists each op once, every unary op among them, and every op a gradient case declares or
    /// records, so an op left out of the list cannot escape the coverage check above.
    @Test func everyOpIsListed() {
        let listed = Op.allCases
        #expect(Set(listed).count == listed.count, "an op is listed twice: \(listed)")
        #expect(Set(Op.allCases.map(\.description)).count == listed.count, "two ops share a name")
        for op in UnaryOp.allCases { #expect(listed.contains(.unary(op)), "\(op)") }
        let used = GradientCases.all.reduce(into: Set<Op>()) { $0.formUnion($1.covers); $0.formUnion(recordedOps($1)) }
        for op in used { #expect(listed.contains(op), "\(op) is used by a gradient case but missing from Op.allCases") }
    }

    /// Every C code of ck_unary_ops.h has its Swift case: a line added in C alone fails here.
    @Test func everyCUnaryOpHasASwiftCase() {
        let codes = Set(UnaryOp.allCases.map { Tensor<Double>.unaryKernel($0).code })
        #expect(codes == Set((0..<Int32(CK_UNARY_OP_COUNT)).map { $0 }), "Swift codes \(codes.sorted()), C has \(CK_UNARY_OP_COUNT)")
    }
}
