// Every class of model-file error: the location (FILE:LINE:COL), the quoted line with
// its caret, and the phrase that says what is wrong.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "model_test_util.hpp"

namespace cubie::models::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

// ---- message format --------------------------------------------------------------------

TEST(model_errors, MessageQuotesTheLineWithACaret) {
  std::string message = error_of(model_text("dx = sigma * (yy - x)\ndy = x\n"));
  EXPECT_EQ(message,
            "m.toml:3:15: error: 'yy' is undeclared; did you mean 'y'?\n"
            " 3 | dx = sigma * (yy - x)\n"
            "   |               ^\n"
            "note: declared names: states x, y; parameters rho; constants sigma; and t (the time)");
}

TEST(model_errors, CaretKeepsTabsOfTheQuotedLine) {
  std::string message = error_of(model_text("dx =\tsigma *\tq\ndy = x\n"));
  EXPECT_THAT(message, StartsWith("m.toml:3:14: error: 'q' is undeclared"));
  EXPECT_THAT(message, HasSubstr(" 3 | dx =\tsigma *\tq\n   |     \t       \t^"));
}

// ---- names in the equations -----------------------------------------------------------------

TEST(model_errors, UndeclaredNameListsDeclaredNames) {
  std::string message = error_of(model_text("dx = sigma * (y - x)\ndy = x * rh0 - y\n"));
  EXPECT_THAT(message, StartsWith("m.toml:4:10: error: 'rh0' is undeclared; did you mean 'rho'?"));
  EXPECT_THAT(message, HasSubstr("declared names: states x, y; parameters rho; constants sigma"));
}

TEST(model_errors, UndeclaredNameWithoutCloseMatch) {
  std::string message = error_of(model_text("dx = gamma_factor\ndy = x\n"));
  EXPECT_THAT(message, StartsWith("m.toml:3:6: error: 'gamma_factor' is undeclared\n"));
}

TEST(model_errors, DerivativeUsedInAnExpression) {
  std::string message = error_of(model_text("dx = y\ndy = dx\n"));
  EXPECT_THAT(message, StartsWith("m.toml:4:6: error: 'dx' is undeclared; a derivative cannot be used"));
}

TEST(model_errors, StateWithoutDerivativePointsAtItsDeclaration) {
  std::string message = error_of(model_text("dx = y\n"));
  // [states] starts on line 5: x = 1.0 on line 6, y = 0.0 on line 7.
  EXPECT_THAT(message, StartsWith("m.toml:7:1: error: state 'y' has no derivative: add 'dy = ...'"));
  EXPECT_THAT(message, HasSubstr(" 7 | y = 0.0\n   | ^"));
}

TEST(model_errors, MisspelledDerivativeIsPointedOut) {
  std::string message = error_of(model_text("dX = y\ndy = x\n"));
  EXPECT_THAT(message, StartsWith("m.toml:7:1: error: state 'x' has no derivative"));
  EXPECT_THAT(message, HasSubstr("note: 'dX' in the equations defines an auxiliary, not the derivative of 'x'"));
}

TEST(model_errors, StateWithTwoDerivatives) {
  std::string message = error_of(model_text("dx = y\ndy = x\ndx = 2 * y\n"));
  EXPECT_THAT(message, StartsWith("m.toml:5:1: error: state 'x' has two derivatives: 'dx' is already assigned on line 3"));
}

TEST(model_errors, DerivativeOfAParameter) {
  std::string message = error_of(model_text("dx = y\ndy = x\ndrho = 1\n"));
  EXPECT_THAT(message, StartsWith("m.toml:5:1: error: 'drho' would be the derivative of 'rho', but 'rho' is a "
                                  "parameter, not a state"));
}

TEST(model_errors, DerivativeOfAnAuxiliary) {
  std::string message = error_of(model_text("dx = y\ndy = x\nv = x + y\ndv = 2 * v\n"));
  EXPECT_THAT(message, StartsWith("m.toml:6:1: error: 'dv' would be the derivative of 'v', but 'v' is an "
                                  "auxiliary, not a state"));
}

TEST(model_errors, AssignmentToStateParameterOrConstant) {
  EXPECT_THAT(error_of(model_text("dx = y\ndy = x\nx = 2\n")),
              StartsWith("m.toml:5:1: error: cannot assign to state 'x': a state changes only through its derivative"));
  EXPECT_THAT(error_of(model_text("dx = y\ndy = x\nrho = 2\n")),
              StartsWith("m.toml:5:1: error: cannot assign to parameter 'rho'"));
  EXPECT_THAT(error_of(model_text("dx = y\n  sigma = 2\ndy = x\n")),
              StartsWith("m.toml:4:3: error: cannot assign to constant 'sigma'"));
}

TEST(model_errors, AuxiliaryDefinedTwice) {
  std::string message = error_of(model_text("a = 1\ndx = a\ndy = x\na = 2\n"));
  EXPECT_THAT(message, StartsWith("m.toml:6:1: error: auxiliary 'a' is defined twice (first on line 3)"));
}

TEST(model_errors, AuxiliaryUsedBeforeItsDefinition) {
  std::string message = error_of(model_text("dx = y + later\ndy = x\nlater = 2 * x\n"));
  EXPECT_THAT(message, StartsWith("m.toml:3:10: error: auxiliary 'later' is used before its definition on line 5"));
}

TEST(model_errors, AuxiliaryUsedInItsOwnDefinition) {
  std::string message = error_of(model_text("a = a + 1\ndx = a\ndy = x\n"));
  EXPECT_THAT(message, StartsWith("m.toml:3:5: error: 'a' is used in its own definition"));
}

// ---- functions ----------------------------------------------------------------------------

TEST(model_errors, UnknownFunction) {
  std::string message = error_of(model_text("dx = sinn(x)\ndy = x\n"));
  EXPECT_THAT(message, StartsWith("m.toml:3:6: error: unknown function 'sinn'; did you mean 'sin'"));
  EXPECT_THAT(message, HasSubstr("note: the functions are ifelse, sin, cos, tan"));
}

TEST(model_errors, NameCalledLikeAFunction) {
  EXPECT_THAT(error_of(model_text("dx = rho(x + 1)\ndy = x\n")),
              StartsWith("m.toml:3:6: error: 'rho' is not a function; write 'rho * (...)' to multiply"));
}

TEST(model_errors, FunctionUsedWithoutCall) {
  EXPECT_THAT(error_of(model_text("dx = 2 * sin\ndy = x\n")),
              StartsWith("m.toml:3:10: error: 'sin' is a function; call it as sin(...)"));
}

TEST(model_errors, WrongNumberOfArguments) {
  EXPECT_THAT(error_of(model_text("dx = atan2(x)\ndy = x\n")),
              StartsWith("m.toml:3:6: error: 'atan2' takes 2 arguments, but 1 was given"));
  EXPECT_THAT(error_of(model_text("dx = y\ndy = exp(x, y)\n")),
              StartsWith("m.toml:4:6: error: 'exp' takes 1 argument, but 2 were given"));
  EXPECT_THAT(error_of(model_text("dx = y\ndy = ifelse(x > 1, 2)\n")),
              StartsWith("m.toml:4:6: error: 'ifelse' takes 3 arguments"));
  EXPECT_THAT(error_of(model_text("dx = y\ndy = sqrt()\n")),
              StartsWith("m.toml:4:6: error: 'sqrt' takes 1 argument, but 0 were given"));
}

// ---- syntax ---------------------------------------------------------------------------------

TEST(model_errors, UnclosedParenthesis) {
  std::string message = error_of(model_text("dx = y\ndy = (x + (y - 1)\n"));
  EXPECT_THAT(message, StartsWith("m.toml:4:6: error: unbalanced parentheses: this '(' is never closed"));
  EXPECT_THAT(error_of(model_text("dx = sin(x\ndy = x\n")),
              StartsWith("m.toml:3:9: error: unbalanced parentheses: this '(' is never closed"));
}

TEST(model_errors, ClosingParenthesisWithoutOpening) {
  EXPECT_THAT(error_of(model_text("dx = y\ndy = (x + 1))\n")),
              StartsWith("m.toml:4:13: error: unbalanced parentheses: ')' without a matching '('"));
}

TEST(model_errors, UnexpectedToken) {
  EXPECT_THAT(error_of(model_text("dx = y * * 2\ndy = x\n")),
              StartsWith("m.toml:3:10: error: unexpected '*'; expected a number, a name, a function call or '('"));
  EXPECT_THAT(error_of(model_text("dx = y x\ndy = x\n")),
              StartsWith("m.toml:3:8: error: unexpected 'x' after a complete expression; expected an operator"));
  EXPECT_THAT(error_of(model_text("dx = y $ x\ndy = x\n")),
              StartsWith("m.toml:3:8: error: unexpected character '$'"));
  EXPECT_THAT(error_of(model_text("dx = 2x\ndy = x\n")),
              StartsWith("m.toml:3:7: error: unexpected 'x' after the number 2; write '2 * x' to multiply"));
  EXPECT_THAT(error_of(model_text("dx = y\ndy = x +\n")),
              StartsWith("m.toml:4:9: error: expected an expression after '+', found the end of the line"));
  EXPECT_THAT(error_of(model_text("dx = y\ndy = 1e+\n")),
              StartsWith("m.toml:4:6: error: malformed number '1e+': the exponent has no digits"));
  EXPECT_THAT(error_of(model_text("dx = y\ndy = x = 1\n")),
              StartsWith("m.toml:4:8: error: unexpected '=': one assignment a line"));
  EXPECT_THAT(error_of(model_text("dx y\ndy = x\n")),
              StartsWith("m.toml:3:4: error: expected '=' after 'dx', found 'y'"));
  EXPECT_THAT(error_of(model_text("2 = x\ndx = y\ndy = x\n")),
              StartsWith("m.toml:3:1: error: expected an assignment 'NAME = expression', found '2'"));
}

TEST(model_errors, EmptyExpression) {
  EXPECT_THAT(error_of(model_text("dx = y\ndy =   # nothing yet\n")),
              StartsWith("m.toml:4:4: error: empty expression: nothing follows 'dy ='"));
  EXPECT_THAT(error_of(model_text("dx = ()\ndy = x\n")),
              StartsWith("m.toml:3:7: error: empty parentheses"));
}

TEST(model_errors, ConditionOutsideIfelse) {
  EXPECT_THAT(error_of(model_text("dx = y > 1\ndy = x\n")),
              StartsWith("m.toml:3:6: error: a condition cannot be the right-hand side of 'dx ='; conditions are "
                         "allowed only as ifelse's first argument"));
  EXPECT_THAT(error_of(model_text("dx = 2 * (y > 1)\ndy = x\n")),
              StartsWith("m.toml:3:11: error: a condition cannot be an operand of '*'"));
  EXPECT_THAT(error_of(model_text("dx = ifelse(x > 0, y < 1, 2)\ndy = x\n")),
              StartsWith("m.toml:3:20: error: a condition cannot be ifelse's second argument"));
}

TEST(model_errors, NumberWhereAConditionIsExpected) {
  EXPECT_THAT(error_of(model_text("dx = ifelse(x, 1, 2)\ndy = x\n")),
              StartsWith("m.toml:3:13: error: ifelse's first argument must be a condition"));
  EXPECT_THAT(error_of(model_text("dx = ifelse(1, 1, 2)\ndy = x\n")),
              StartsWith("m.toml:3:13: error: ifelse's first argument must be a condition"));
  EXPECT_THAT(error_of(model_text("dx = ifelse(x > 0 and y, 1, 2)\ndy = x\n")),
              StartsWith("m.toml:3:23: error: the right operand of 'and' must be a condition"));
  EXPECT_THAT(error_of(model_text("dx = ifelse(not x, 1, 2)\ndy = x\n")),
              StartsWith("m.toml:3:17: error: the operand of 'not' must be a condition"));
}

TEST(model_errors, DeepNestingIsAnErrorNotACrash) {
  std::string deep = "dx = " + std::string(5000, '(') + "y" + std::string(5000, ')') + "\ndy = x\n";
  EXPECT_THAT(error_of(model_text(deep)), HasSubstr("error: the expression is nested too deeply"));
  std::string fine = "dx = " + std::string(100, '(') + "y" + std::string(100, ')') + "\ndy = x\n";
  EXPECT_EQ(error_of(model_text(fine)), "no error");
}

TEST(model_errors, ChainedComparison) {
  EXPECT_THAT(error_of(model_text("dx = ifelse(0 < x < 1, 1, 2)\ndy = x\n")),
              StartsWith("m.toml:3:19: error: comparisons cannot be chained"));
}

// ---- declarations -------------------------------------------------------------------------

TEST(model_errors, NameInTwoSections) {
  std::string message = error_of(model_text(valid_equations, "x = 3.0\n"));
  // valid_equations has 2 lines: [constants] on line 11, sigma on 12, x on 13.
  EXPECT_THAT(message, StartsWith("m.toml:13:1: error: 'x' is declared twice: as a state (line 7) and as a constant"));
}

TEST(model_errors, ReservedNames) {
  EXPECT_THAT(error_of("equations = \"dt = 1\"\n[states]\nt = 0.0\n"),
              StartsWith("m.toml:3:1: error: 't' is reserved: it is the time; choose another state name"));
  EXPECT_THAT(error_of("equations = \"dx = 1\"\n[states]\nx = 0.0\n[parameters]\nexp = 1.0\n"),
              StartsWith("m.toml:5:1: error: 'exp' is reserved: it is a function of the equation language"));
  EXPECT_THAT(error_of("equations = \"dx = 1\"\n[states]\nx = 0.0\n[constants]\nint = 1.0\n"),
              StartsWith("m.toml:5:1: error: 'int' is reserved: constants become C++ members"));
  EXPECT_THAT(error_of(model_text("dx = y\ndy = x\nt = 2\n")),
              StartsWith("m.toml:5:1: error: 't' is reserved: it is the time; choose another name"));
  EXPECT_THAT(error_of(model_text("dx = y\ndy = x\nsqrt = 2\n")),
              StartsWith("m.toml:5:1: error: 'sqrt' is reserved: it is a function"));
  EXPECT_THAT(error_of(model_text("dx = y\ndy = x\nand = 2\n")),
              StartsWith("m.toml:5:1: error: 'and' is reserved: it is an operator"));
  EXPECT_THAT(error_of("equations = \"dx = 1\"\n[states]\n\"x y\" = 0.0\n"),
              StartsWith("m.toml:3:1: error: 'x y' is not a valid state name"));
}

TEST(model_errors, ObservableNeverDefined) {
  std::string text = "observables = [\"r2\", \"r3\"]\n" + model_text("dx = y\ndy = x\nr2 = x^2\n");
  std::string message = error_of(text);
  EXPECT_THAT(message, StartsWith("m.toml:1:22: error: observable 'r3' is never defined in the equations; did you "
                                  "mean 'r2'?"));
  EXPECT_THAT(error_of("observables = [\"x\"]\n" + model_text(valid_equations)),
              StartsWith("m.toml:1:16: error: observable 'x' is a state; observables are auxiliaries"));
  EXPECT_THAT(error_of("observables = [\"a\", \"a\"]\n" + model_text("a = 1\ndx = y\ndy = x\n")),
              StartsWith("m.toml:1:21: error: observable 'a' is listed twice"));
}

TEST(model_errors, MissingRequiredKeys) {
  EXPECT_THAT(error_of("name = \"m\"\n[states]\nx = 1.0\n"), StartsWith("m.toml:1:1: error: the model has no 'equations'"));
  EXPECT_THAT(error_of("name = \"m\"\nequations = \"dx = 1\"\n"), StartsWith("m.toml:1:1: error: the model has no 'states'"));
  EXPECT_THAT(error_of("equations = \"\"\n[states]\n"), StartsWith("m.toml:2:1: error: [states] is empty"));
}

// ---- TOML structure ---------------------------------------------------------------------------

TEST(model_errors, InvalidToml) {
  EXPECT_THAT(error_of("name = \"m\nequations = 1\n"), StartsWith("m.toml:1:"));
  EXPECT_THAT(error_of("name = \"m\nequations = 1\n"), HasSubstr("error: invalid TOML: "));
}

TEST(model_errors, UnknownTopLevelKey) {
  std::string message = error_of(model_text(valid_equations, "[solvr]\nduration = 2\n"));
  EXPECT_THAT(message, StartsWith("m.toml:13:2: error: unknown top-level key 'solvr'; did you mean 'solver'?"));
  EXPECT_THAT(message, HasSubstr("note: allowed top-level keys: name, description, precision, observables, "
                                 "equations, states, parameters, constants, drivers, events, solver, memory, sweep"));
}

TEST(model_errors, UnknownSectionKeyListsTheValidOnes) {
  std::string message = error_of(model_text(valid_equations, "[solver]\nduraton = 2\n"));
  EXPECT_THAT(message, StartsWith("m.toml:14:1: error: unknown key 'duraton' in [solver]; did you mean 'duration'?"));
  EXPECT_THAT(message, HasSubstr("note: valid keys of [solver]: algorithm, step_controller, atol, rtol"));
  EXPECT_THAT(error_of(model_text(valid_equations, "[memory]\nallocater = \"pool\"\n")),
              StartsWith("m.toml:14:1: error: unknown key 'allocater' in [memory]; did you mean 'allocator'?"));
  EXPECT_THAT(error_of(model_text(valid_equations, "[solver]\nprecision = \"float32\"\n")),
              StartsWith("m.toml:14:1: error: precision is not a [solver] key"));
}

TEST(model_errors, WrongValueTypes) {
  EXPECT_THAT(error_of(model_text(valid_equations, "[solver]\nduration = \"long\"\n")),
              StartsWith("m.toml:14:12: error: solver.duration must be a number, but this is a string"));
  EXPECT_THAT(error_of(model_text(valid_equations, "[solver]\nduration = -1\n")),
              StartsWith("m.toml:14:12: error: solver.duration must be greater than 0, got -1"));
  EXPECT_THAT(error_of(model_text(valid_equations, "[solver]\nmax_steps = 1.5\n")),
              StartsWith("m.toml:14:13: error: solver.max_steps must be an integer"));
  EXPECT_THAT(error_of(model_text(valid_equations, "[solver]\natol = [1e-6, 1e-6, 1e-6]\n")),
              StartsWith("m.toml:14:8: error: solver.atol has 3 values; give one value, or one per state (2)"));
  EXPECT_THAT(error_of(model_text(valid_equations, "[solver]\nsaved_states = [\"x\", \"w\"]\n")),
              StartsWith("m.toml:14:22: error: solver.saved_states: 'w' is not a state"));
  EXPECT_THAT(error_of(model_text(valid_equations, "[memory]\nallocator = \"heap\"\n")),
              StartsWith("m.toml:14:13: error: memory.allocator: "));
  EXPECT_THAT(error_of(model_text(valid_equations, "[solver]\nauto_passes = 3\n")),
              StartsWith("m.toml:14:15: error: solver.auto_passes = 3 is not allowed: use 1 (one kernel), 2 (an "
                         "explicit pass, then the runs that turned stiff) or \"default\""));
  EXPECT_THAT(error_of(model_text(valid_equations, "[solver]\nauto_passes = \"two\"\n")),
              StartsWith("m.toml:14:15: error: solver.auto_passes = \"two\" is not allowed: use 1"));
  EXPECT_THAT(error_of(model_text(valid_equations, "[solver]\nauto_passes = 1.5\n")),
              StartsWith("m.toml:14:15: error: solver.auto_passes must be an integer"));
  EXPECT_THAT(error_of(model_text(valid_equations, "[memory]\nhost_staging = \"lazy\"\n")),
              StartsWith("m.toml:14:16: error: memory.host_staging = \"lazy\" is not allowed: use \"pinned\""));
  EXPECT_THAT(error_of(model_text(valid_equations, "[memory]\nmem_proportion = 1.5\n")),
              StartsWith("m.toml:14:18: error: memory.mem_proportion is a share of the device memory"));
  EXPECT_THAT(error_of(model_text(valid_equations, "[memory]\ndevices = \"most\"\n")),
              StartsWith("m.toml:14:11: error: memory.devices must be \"all\" or a list of device numbers, got \"most\""));
  EXPECT_THAT(error_of(model_text(valid_equations, "[memory]\ndevices = []\n")),
              StartsWith("m.toml:14:11: error: memory.devices must be \"all\" or a non-empty list of device numbers"));
  EXPECT_THAT(error_of(model_text(valid_equations, "[memory]\ndevices = [0, 0]\n")),
              StartsWith("m.toml:14:15: error: memory.devices: device 0 is listed twice"));
  EXPECT_THAT(error_of(model_text(valid_equations, "[memory]\ndevices = [-1]\n")),
              StartsWith("m.toml:14:12: error: memory.devices: device numbers start at 0, got -1"));
  EXPECT_THAT(error_of("precision = \"float16\"\n" + model_text(valid_equations)),
              StartsWith("m.toml:1:13: error: precision must be \"float32\" or \"float64\", got \"float16\""));
  EXPECT_THAT(error_of(model_text(valid_equations).replace(model_text(valid_equations).find("x = 1.0"), 7, "x = \"1\"")),
              StartsWith("m.toml:7:5: error: state 'x' must be a number, but this is a string"));
}

TEST(model_errors, UnknownAlgorithmPointsAtTheValueAndListsTheMethods) {
  std::string message = error_of(model_text(valid_equations, "[solver]\nalgorithm = \"dormand_prince54\"\n"));
  EXPECT_THAT(message, StartsWith("m.toml:14:13: error: solver.algorithm: unknown method 'dormand_prince54'; "
                                  "did you mean 'dormand_prince_54'"));
  EXPECT_THAT(message, HasSubstr("?\n 14 | algorithm = \"dormand_prince54\"\n"
                                 "    |             ^\n"));
  EXPECT_THAT(message, HasSubstr("\nnote: methods: euler, "));
  EXPECT_THAT(message, HasSubstr("dormand_prince_853"));
  EXPECT_THAT(message, HasSubstr("; aliases: rk4 (classical_rk4), rk45 (dormand_prince_54)"));
  EXPECT_THAT(error_of(model_text(valid_equations, "[solver]\nalgorithm = \"rk44\"\n")),
              StartsWith("m.toml:14:13: error: solver.algorithm: unknown method 'rk44'; did you mean 'rk4'"));
  EXPECT_THAT(error_of(model_text(valid_equations, "[solver]\nalgorithm = \"leapfrog\"\n")),
              StartsWith("m.toml:14:13: error: solver.algorithm: unknown method 'leapfrog'\n"));
  // Names are taken as the Solver takes them: any case, '-' for '_', aliases.
  EXPECT_EQ(error_of(model_text(valid_equations, "[solver]\nalgorithm = \"Dormand-Prince-853\"\n")), "no error");
  EXPECT_EQ(error_of(model_text(valid_equations, "[solver]\nalgorithm = \"RK4\"\n")), "no error");
}

TEST(model_errors, Float32ConstantsMustFit) {
  std::string text = "precision = \"float32\"\n" + model_text(valid_equations, "big = 1e300\n");
  EXPECT_THAT(error_of(text), StartsWith("m.toml:14:1: error: constant 'big' = "));
  EXPECT_THAT(error_of(text), HasSubstr("does not fit in float32"));
  EXPECT_THAT(error_of("precision = \"float32\"\n" + model_text("dx = 1e39 * y\ndy = x\n")),
              StartsWith("m.toml:4:6: error: the number 1e39 does not fit in float32"));
}

// ---- positions inside other string forms -------------------------------------------------

TEST(model_errors, PositionsInASingleLineBasicStringWithEscapes) {
  // \n splits the lines; \u0078 is 'x'; foo sits at column 36 of the file's line 1.
  std::string message = error_of("equations = \"dx = y\\ndy = \\u0078 * foo\"\n[states]\nx = 1.0\ny = 0.0\n");
  EXPECT_THAT(message, StartsWith("m.toml:1:36: error: 'foo' is undeclared"));
}

TEST(model_errors, PositionsWhenContentStartsOnTheOpeningLine) {
  std::string message = error_of("equations = \"\"\"dx = y\ndy = foo\n\"\"\"\n[states]\nx = 1.0\ny = 0.0\n");
  EXPECT_THAT(message, StartsWith("m.toml:2:6: error: 'foo' is undeclared"));
  message = error_of("equations = \"\"\"dx = foo\n\"\"\"\n[states]\nx = 1.0\n");
  EXPECT_THAT(message, StartsWith("m.toml:1:21: error: 'foo' is undeclared"));
}

TEST(model_errors, PositionsInLiteralStringsAndAfterLineContinuations) {
  EXPECT_THAT(error_of("equations = '''\ndx = y\ndy = foo\n'''\n[states]\nx = 1.0\ny = 0.0\n"),
              StartsWith("m.toml:3:6: error: 'foo' is undeclared"));
  EXPECT_THAT(error_of("equations = \"\"\"\ndx = y \\\n   + foo\ndy = x\n\"\"\"\n[states]\nx = 1.0\ny = 0.0\n"),
              StartsWith("m.toml:3:6: error: 'foo' is undeclared"));
}

TEST(model_errors, PositionsWithWindowsLineEndings) {
  std::string message = error_of("name = \"m\"\r\nequations = \"\"\"\r\ndx = y\r\ndy = foo\r\n\"\"\"\r\n[states]\r\nx = 1.0\r\ny = 0.0\r\n");
  EXPECT_THAT(message, StartsWith("m.toml:4:6: error: 'foo' is undeclared"));
  EXPECT_THAT(message, HasSubstr(" 4 | dy = foo\n   |      ^"));
}

TEST(model_errors, ColumnsCountCharactersNotBytes) {
  std::string message = error_of(model_text("dx = y # \xCF\x83\ndy = 2 * \xCF\x83\n"));
  EXPECT_THAT(message, StartsWith("m.toml:4:10: error: unexpected character '\xCF\x83'"));
}

}  // namespace
}  // namespace cubie::models::testing
