// Every unary elementwise op of CKernels, one line each: CK_UNARY_OP(NAME, forward, backward).
// An X-macro list (no include guard): the includer defines CK_UNARY_OP, includes this file and
// undefines it. ckernels.h makes the codes CK_NEG, CK_EXP, ... from it; elementwise_impl.h makes
// the forward loop (out = forward, in x) and the backward loop (gx = backward, in the input x,
// the output y and the output gradient g) of every instruction-set variant.
//
// Inside the expressions: T is the element type, MATH(fn) libm's function for T, EXP the
// vectorisable exp, FN(sigmoid_value) and FN(softplus_value) the helpers of elementwise_impl.h.
// Every operand is loaded unconditionally, so a `?:` becomes a select and the loop vectorises;
// wrap an expression holding a comma in parentheses. The Swift side
// (Sources/Autodiff/Ops/Unary.swift) names each code in its row, beside the derivative that
// UnaryDerivativeTests holds the backward loop to.

CK_UNARY_OP(NEG, -x, -g)
CK_UNARY_OP(EXP, EXP(x), g * y)
CK_UNARY_OP(LOG, MATH(log)(x), g / x)
CK_UNARY_OP(SQRT, MATH(sqrt)(x), g * (T)0.5 / y)
// `x < 0 ? 0 : x`: NaN stays NaN (as in PyTorch), so the NaN guard sees it; the gradient is 0 at
// x <= 0 (PyTorch's choice at the kink) and a NaN x passes g on.
CK_UNARY_OP(RELU, x < 0 ? (T)0 : x, x <= 0 ? (T)0 : g)
CK_UNARY_OP(SIGMOID, FN(sigmoid_value)(x), g * y * ((T)1 - y))
CK_UNARY_OP(TANH, MATH(tanh)(x), g * ((T)1 - y * y))
CK_UNARY_OP(SOFTPLUS, FN(softplus_value)(x), g * FN(sigmoid_value)(x))
CK_UNARY_OP(ABS, MATH(fabs)(x), x > 0 ? g : (x < 0 ? -g : (T)0))
CK_UNARY_OP(SQUARE, x * x, (T)2 * x * g)
CK_UNARY_OP(RECIPROCAL, (T)1 / x, -g * y * y)
// x·sigmoid(x) (SiLU, or swish); d/dx = s + x·s·(1 − s) = s + y·(1 − s) with s = sigmoid(x).
CK_UNARY_OP(SILU, x * FN(sigmoid_value)(x), g * (FN(sigmoid_value)(x) + y * ((T)1 - FN(sigmoid_value)(x))))
