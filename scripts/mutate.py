"""Mutation testing: plant one small bug at a time and check that some test fails.

    python scripts/mutate.py                 # every area, two mutants at a time
    python scripts/mutate.py --area parser   # one area
    python scripts/mutate.py --list          # only list the mutants
    python scripts/mutate.py --limit 40      # a quick sample (spread over the areas)
    python scripts/mutate.py --survivors artifacts/mutation.json   # re-run the survivors
    python scripts/mutate.py --update artifacts/mutation.json      # the same, and merge them
                                                                   # into that run's table

A *mutant* is the package with one deliberate change of the kind a tired contributor
might make: ``+`` for ``-``, ``*`` for ``/``, ``<`` for ``<=``, a sign dropped, a
number nudged, ``and`` for ``or``, a rewrite that returns nothing, an op moved out
of a set. For each mutant the fast tests run (``-x``: the first failure ends the
run). If some test fails the mutant is *killed*; if all pass it *survived*, which
means no test would notice that bug. The script prints a table of killed/total per
area and lists the survivors with their file, line and change.

The mutants are made from the syntax tree (``ast``) of selected parts of the
package: the op table's rules and numpy kernels, the simplification rewrites,
reverse mode, the reference evaluator, the plan compiler and its passes, the
parser's refusals and the derivative checks. Strings (messages) are never mutated.
Each worker runs in its own copy of the repository, so the work tree is never
touched. Hypothesis runs without shrinking (``GRADLAB_HYPOTHESIS=mutation``), since
a mutation run only needs to know *whether* a test fails.
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# area -> (file, which top-level definitions to mutate: None means all of them)
AREAS: dict[str, list[tuple[str, set[str] | None]]] = {
    "gradient rules": [("gradlab/core/ops.py", None), ("gradlab/core/array_ops.py", None)],
    "simplification": [("gradlab/core/simplify.py", None)],
    "reverse mode": [("gradlab/core/autodiff.py", None), ("gradlab/core/evaluate.py", None)],
    "forward mode": [("gradlab/core/forward.py", None)],
    "control flow": [("gradlab/core/control_flow.py", None)],
    "plan optimiser": [("gradlab/compile/optimize.py", None),
                       ("gradlab/compile/plan.py", {"_merge", "_spec_sum_to_like",
                                                    "_spec_broadcast_like", "_spec_reshape",
                                                    "_spec_same_shape", "_SPECIALIZE", "Plan",
                                                    "_generate", "_frozen"})],
    "parser": [("gradlab/show/expr.py", {"_Reader", "_prepare", "_syntax_tree", "_depth",
                                         "read_formula", "_check_variable", "_family", "parse",
                                         "_REFUSED", "_OPERATORS"})],
    "checks": [("gradlab/show/check.py", None)],
}

TESTS = ["tests/test_op_gradients.py", "tests/test_simplify.py", "tests/test_shapes.py",
         "tests/test_reference_evaluator.py", "tests/test_plan_optimizer.py",
         "tests/test_plan_size.py", "tests/test_session.py", "tests/test_functional.py",
         "tests/test_mutation_guards.py",
         "tests/test_sympy_oracle.py", "tests/test_expr.py",
         "tests/test_show.py", "tests/test_train.py", "tests/test_hardening.py",
         "tests/test_numpy_functions.py", "tests/test_forward_mode.py", "tests/test_control_flow.py",
         "tests/test_solutions.py", "tests/test_lesson09.py", "tests/test_lesson10.py",
         "tests/test_lesson11.py", "tests/test_lesson12.py", "tests/test_lesson13.py"]
FIRST = {  # the tests most likely to catch a bug in an area run first
    "gradient rules": "tests/test_op_gradients.py tests/test_numpy_functions.py",
    "forward mode": "tests/test_forward_mode.py tests/test_numpy_functions.py",
    "control flow": "tests/test_control_flow.py",
    "simplification": "tests/test_simplify.py",
    "parser": "tests/test_expr.py", "checks": "tests/test_show.py",
    "plan optimiser": "tests/test_plan_optimizer.py",
}

DISPLAY = {"__repr__", "_names", "_arg_text", "_step_name"}  # plan listings: not computing

EQUIVALENT = [  # (file, text of the line, original, replacement, why no result can change)
    ("gradlab/core/ops.py", "if len(x.shape) >= 2:", "len(x.shape) >= 2", "(len(x.shape) > 2)",
     "_at_least_2d_shape never sees a known 2-D shape: the rewrite returns such x itself"),
    ("gradlab/core/ops.py", "if len(x.shape) >= 2:", "2", "(3)", "the same line, the same reason"),
    ("gradlab/core/array_ops.py", "hit = where(equal(x, broadcast_like(full, x)), 1.0, 0.0)", "1.0",
     "(2.0)", "a max's partials are hit / sum(hit): marking the hits 2 instead of 1 cancels out"),
    ("gradlab/core/array_ops.py", "shape_inputs=(1, 2))", "1", "(2)",
     "ConcatPart's a joining the dtype promotion: a's dtype was promoted into the join's output, "
     "and g has the output's dtype (the same reason as SumToLike's below)"),
    ("gradlab/core/array_ops.py", "shape_inputs=(1, 2))", "2", "(3)",
     "ConcatPart's b joining the dtype promotion: the same reason as a's just above"),
    ("gradlab/core/array_ops.py", "(inputs[2].shape, inputs[2].skey), shape_inputs=(2,),", "2", "(3)",
     "GatherAdd's and PutAlong's like (read for its shape) joining the dtype promotion: like is "
     "the gathered or sorted input, whose dtype was promoted into the output that g is the "
     "gradient of, so g's dtype already holds it"),
    ("gradlab/core/array_ops.py", "shape_inputs=(0,), dtype=np.dtype(np.int32))", "0", "(1)",
     "Shape has a fixed dtype and does not broadcast, so its shape inputs only decide whether a "
     "Python number is folded as a float, and np.shape of a number is () either way"),
    ("gradlab/core/simplify.py", '_COUNTS = {"Sum", "Prod", "Cumsum"}', '{"Sum", "Prod", "Cumsum"}',
     "({'Sum', 'Prod', 'Cumsum', 'Sin'})",
     "the counting rule is asked only of ops that keep integers; Sin is not one of them, so "
     "its integer data was made float64 before"),
    ("gradlab/core/ops.py", "shape_inputs=(2,),  # a is read for its shape", "2", "(3)",
     "SumToLike's a (the input whose shape the gradient takes) joining the dtype promotion: a's "
     "dtype was promoted into the op's output, and g has the output's dtype, so it never widens"),
    ("gradlab/core/ops.py", "None if t.skey is t else t.skey", "t.skey is t", "(t.skey is not t)",
     "a renamed copy has t's shape: keying it by t is as true as keying it by itself, and the "
     "other way round it only forgets a shape equality the simplifier could have used"),
    ("gradlab/core/ops.py", "a2 = (1,) + a if len(a) == 1", "1", "(2)",
     "the axis put before a vector in _matmul_shape is removed again, whatever its size"),
    ("gradlab/core/ops.py", "b2 = b + (1,) if len(b) == 1", "1", "(2)",
     "the axis put after a vector in _matmul_shape is removed again, whatever its size"),
    ("gradlab/core/ops.py", 'defop("Assign"', "False", "(True)",
     "Assign is never folded: its first input is a Variable, never a constant"),
    ("gradlab/core/ops.py", 'defop("Group"', "False", "(True)",
     "group() builds its node directly, never through apply, so it is never folded"),
    ("gradlab/core/ops.py", 'defop("Assign", _assign, (None, None), shape=_like(0)', "0", "(1)",
     "the Assign row's shape rule is never used: Variable.assign builds its node directly"),
    ("gradlab/core/ops.py", "shape=_like(1), shape_inputs=(1,),", "1", "(2)",
     "ReshapeLike(g, like): g already has like's dtype (the engine broadcasts g to the "
     "output first), so like taking part in dtype promotion changes nothing"),
    ("gradlab/compile/optimize.py", '_EVEN = {"Cos", "Cosh", "Square", "Abs"}',
     '{"Cos", "Cosh", "Square", "Abs"}', "({'Cos', 'Cosh', 'Square', 'Abs', 'Sin'})",
     "Sin among the even functions too: _ODD is asked first, so Sin stays odd (moving it out "
     "of _ODD is caught by test_every_op_at_minus_u_and_2u)"),
    ("gradlab/core/ops.py", "return np.sum(value, axis=axes, keepdims=True).reshape(shape)",
     "True", "(False)", "the reshape to the target shape puts the summed axes back either way"),
    ("gradlab/core/simplify.py", "if _is(b, -1):", "-1", "(1)",
     "x * -1 is still -x: x * 1 returned earlier, and the numbers-first rule turns x * -1 "
     "into -1 * x, which the rule for a = -1 makes -x"),
    ("gradlab/show/expr.py", 'if node is not None and hasattr(node, "col_offset"):',
     'node is not None and hasattr(node, "col_offset")',
     "(node is not None or hasattr(node, 'col_offset'))",
     "every caller of fail() passes an expression node or None, and expression nodes have "
     "a column"),
    ("gradlab/show/expr.py", "start = self.columns[min(node.col_offset, len(self.columns) - 1)]",
     "len(self.columns) - 1", "(len(self.columns) + 1)",
     "a defensive clamp that never binds: every node the parser refuses starts inside the text"),
    ("gradlab/show/expr.py", "end = self.columns[min(end_offset, len(self.columns) - 1)]",
     "len(self.columns) - 1", "(len(self.columns) + 1)",
     "the same clamp for the end: a node ends at most at the end of the text, the last column"),
    ("gradlab/show/expr.py", 'end_offset = getattr(node, "end_col_offset", None) or node.col_offset + 1',
     "node.col_offset + 1", "(node.col_offset - 1)",
     "the fallback is never used: expression nodes always have an end column (Python >= 3.8)"),
    ("gradlab/show/expr.py", 'end_offset = getattr(node, "end_col_offset", None) or node.col_offset + 1',
     "1", "(2)", "the same unused fallback"),
    ("gradlab/show/expr.py", "start = self.columns[min(node.col_offset, len(self.columns) - 1)]",
     "1", "(2)", "a node starts at most at the last character, which is len(columns) - 2"),
    ("gradlab/show/expr.py", "position = columns[min(max(offset, 0), len(columns) - 1)]",
     "len(columns) - 1", "(len(columns) + 1)",
     "a clamp that never binds: Python's syntax-error offset is at most the last character "
     "(checked on 188,000 random formulas), which is len(columns) - 2"),
    ("gradlab/show/expr.py", "columns[:] = columns[shift:] + [columns[-1]] * shift", "-1", "(1)",
     "the padding after the shifted columns is never read: ast's columns stop at the end of "
     "the stripped text, which the shifted list already covers"),
    ("gradlab/show/expr.py", "columns[:] = columns[shift:] + [columns[-1]] * shift", "1", "(2)",
     "the same unread padding"),
    ("gradlab/show/expr.py", "offset = (err.offset or 1) - 1", "1", "(2)",
     "Python always gives a syntax error's offset, so the fallback 1 is never used"),
    ("gradlab/show/expr.py", "deepest, stack = 0, [(node, 1)]", "0", "(1)",
     "the depth of any formula is at least 1, so starting the maximum at 1 changes nothing"),
    ("gradlab/compile/optimize.py", "if factor == -1.0:", "-1.0", "(1.0)",
     "a factor -1 is then applied as a multiplication by -1.0, which gives the same bits as Neg"),
    ("gradlab/compile/optimize.py", "depth + 1)", "depth + 1", "(depth - 1)",
     "how deep the distributive law nests: a limit on compile work, not on values"),
    ("gradlab/compile/optimize.py", "depth + 1)", "1", "(2)", "the same limit, reached sooner"),
    ("gradlab/compile/optimize.py", "dtype = arrays[0] if arrays and arrays[0] is not None",
     "arrays[0] is not None", "(arrays[0] is None)",
     "Python-number constants left as Python floats: numpy 2 gives the same dtype and bits"),
    ("gradlab/compile/optimize.py", "REUSE_MIN_SIZE = 1 << 14", "1", "(2)",
     "the array size from which plans reuse buffers: memory and speed, not values"),
    ("gradlab/compile/optimize.py", "peak = 0", "0", "(1)",
     "peak_large_arrays only chooses between two plans that compute the same values"),
    ("gradlab/compile/optimize.py", "if step.key is None or not (isinstance(step.key, tuple)",
     "step.key is None or not (isinstance(step.key, tuple) and step.key[0] is OPS.get(name))",
     "(step.key is None and (not (isinstance(step.key, tuple) and step.key[0] is OPS.get(name))))",
     "only specialised bookkeeping steps have other keys, and the algebra passes those through"),
    ("gradlab/compile/optimize.py", "if step.key is None or not (isinstance(step.key, tuple)",
     "isinstance(step.key, tuple) and step.key[0] is OPS.get(name)",
     "(isinstance(step.key, tuple) or step.key[0] is OPS.get(name))",
     "keys are tuples or None, so this only stops telling specialised bookkeeping steps from "
     "plain ones, and the algebra passes bookkeeping ops through either way"),
    ("gradlab/compile/optimize.py", "while len(items) <=", "len(items) <= FACTOR_MAX_TERMS",
     "(len(items) < FACTOR_MAX_TERMS)",
     "where the distributive law stops being tried: a speed limit, not a value"),
    ("gradlab/compile/optimize.py", "accumulated, carried = None, 1.0", "1.0", "(2.0)",
     "the initial 'carried' in emit_sum, always overwritten by the first group"),
    ("gradlab/compile/plan.py", "peak * 10 < best[0] * 9", "10", "(11)",
     "the 10% memory margin for choosing the plain variant: both variants are correct"),
    ("gradlab/compile/plan.py", "if last_use.get(a, -1) <= i", "-1", "(1)",
     "interpret frees an unused value one step later: memory, not values"),
    ("gradlab/compile/plan.py", "value.copy() if value.base", "value.base is not None",
     "(value.base is None)",
     "_frozen copies a view before freezing it, or freezes the array itself: same values"),
    ("gradlab/compile/optimize.py", "FACTOR_MAX_TERMS = 64", "64", "(65)",
     "the longest sum the distributive law is tried on: compile work, not values"),
    ("gradlab/compile/optimize.py", "FACTOR_MAX_DEPTH = 16", "16", "(17)",
     "how deep the distributive law nests: compile work, not values"),
    ("gradlab/compile/optimize.py", "REUSE_MIN_SIZE = 1 << 14", "14", "(15)",
     "the array size from which plans reuse buffers: memory and speed, not values"),
    ("gradlab/compile/optimize.py", "def emit_sum(self, total: _Sum, target: int, depth: int = 0)",
     "0", "(1)", "the depth the distributive law starts counting from: compile work, not values"),
    ("gradlab/compile/optimize.py", "while len(items) <= FACTOR_MAX_TERMS and depth < FACTOR_MAX_DEPTH",
     "len(items) <= FACTOR_MAX_TERMS and depth < FACTOR_MAX_DEPTH",
     "(len(items) <= FACTOR_MAX_TERMS or depth < FACTOR_MAX_DEPTH)",
     "either limit alone still ends the loop (it also stops when no factor is shared): work only"),
    ("gradlab/compile/optimize.py", "while len(items) <= FACTOR_MAX_TERMS and depth < FACTOR_MAX_DEPTH",
     "depth < FACTOR_MAX_DEPTH", "(depth <= FACTOR_MAX_DEPTH)",
     "one more level of the distributive law: compile work, not values"),
    ("gradlab/compile/optimize.py", "return {s for s, shape in info.shape.items() if math.prod(shape) >= REUSE_MIN_SIZE}",
     "math.prod(shape) >= REUSE_MIN_SIZE", "(math.prod(shape) > REUSE_MIN_SIZE)",
     "whether an array of exactly the threshold size counts as large: memory, not values"),
    ("gradlab/compile/optimize.py", "cost[i] -= step.out in big", "step.out in big", "(step.out not in big)",
     "the scheduling cost that orders steps to keep fewer large arrays alive: memory, not values"),
    ("gradlab/compile/optimize.py", "alive -= {a for a in step.args if last_use[a] == i and a not in keep}",
     "last_use[a] == i", "(last_use[a] != i)",
     "peak_large_arrays only chooses between two plans that compute the same values"),
    ("gradlab/compile/optimize.py", "alive -= {a for a in step.args if last_use[a] == i and a not in keep}",
     "a not in keep", "(a in keep)",
     "peak_large_arrays only chooses between two plans that compute the same values"),
    ("gradlab/compile/optimize.py", "self.uses = {slot: 1 for slot in keep}", "1", "(2)",
     "a fetched slot counted as used twice only stops it being fused away: speed, not values"),
    ("gradlab/compile/optimize.py", "cost[i] = sum(1 for a in set(step.args) if a in big", "1", "(2)",
     "the scheduling cost that orders steps to keep fewer large arrays alive: memory"),
    ("gradlab/compile/optimize.py", "if i is not None and items[i][1] + c != 0:", "0", "(1)",
     "whether 2a - a is merged into 1*a and a - a left alone, or the other way: equal values"),
    ("gradlab/compile/optimize.py", "self.absorbed(step.out, a_slot, a, fa * fb * cb)", "fa * fb", "(fa / fb)",
     "b is a constant here, and a constant carries no factor (fb is 1)"),
    ("gradlab/compile/optimize.py", "if name == \"Div\" and ca is not None:", "name == \"Div\"", "(name != 'Div')",
     "a product by a constant never reaches this line, and c / u computed plainly is the same"),
    ("gradlab/compile/optimize.py", "if isinstance(value, (int, float)) and not isinstance(value, bool):",
     "not isinstance(value, bool)", "(isinstance(value, bool))",
     "Python-number constants left as Python floats: numpy 2 gives the same dtype and bits"),
    ("gradlab/compile/optimize.py", "shared = next((p for p, n in counts.items() if n > 1), None)", "1", "(2)",
     "a factor shared by two terms is not pulled out, only one shared by three: the same sum"),
    ("gradlab/compile/optimize.py", "terms = sorted(groups[size], key=lambda term: term[1] < 0)", "0", "(1)",
     "which term of a sum is written first: the same sum"),
    ("gradlab/compile/optimize.py", "if m == 1.0 and not total.terms:", "1.0", "(2.0)",
     "a nested sum's term list is copied instead of taken over: speed, not values"),
    ("gradlab/compile/plan.py", "for carry_factors in (True, False):", "False", "(True)",
     "the plain variant is only tried to save memory on large arrays; both give the same values"),
    ("gradlab/compile/plan.py", "if last_use.get(a, -1) <= i", "last_use.get(a, -1) <= i",
     "(last_use.get(a, -1) < i)",
     "interpret keeps a value past its last use (to the end of the run): memory, not values"),
    ("gradlab/compile/plan.py", "if last_use.get(a, -1) <= i", "1", "(2)",
     "a never-used value marked as last used at step -2 instead of -1: freed just the same"),
    ("gradlab/compile/plan.py", "counter = itertools.count(max([*slots, *plan.consts, 0]) + 1)", "1", "(2)",
     "new slots are numbered from one higher: names of slots, not values"),
    ("gradlab/compile/plan.py", "counter = itertools.count(max([*slots, *plan.consts, 0]) + 1)", "0", "(1)",
     "the same numbering, from at least 2 instead of 1 in a plan with no slots yet"),
    ("gradlab/compile/plan.py", "peak * 10 < best[0] * 9", "peak * 10 < best[0] * 9",
     "(peak * 10 <= best[0] * 9)", "the 10% memory margin for choosing the plain variant: "
     "both variants compute the same values (to rounding, which the tests allow the optimiser)"),
    ("gradlab/compile/plan.py", "peak * 10 < best[0] * 9", "peak * 10", "(peak / 10)",
     "the same margin made a 99% one: which of two correct variants runs"),
    ("gradlab/compile/plan.py", "peak * 10 < best[0] * 9", "best[0] * 9", "(best[0] / 9)",
     "the same margin made a 99% one the other way: which of two correct variants runs"),
    ("gradlab/compile/plan.py", "peak * 10 < best[0] * 9", "9", "(10)",
     "the plain variant chosen when it saves any memory at all: both variants are correct"),
    ("gradlab/compile/plan.py", "if not peak:", "not peak", "(peak)",
     "the plain variant is tried for small arrays (and kept only if it saves memory, which "
     "it cannot when none are large) and not for large ones: which correct variant runs"),
    ("gradlab/compile/plan.py", "source.splitlines(True), filename)", "True", "(False)",
     "the plan's source lines kept for tracebacks without their line ends: what a traceback "
     "shows, not what the plan computes"),
    ("gradlab/compile/plan.py", "if key is not None and (key, args) in merged:", "key is not None",
     "(key is None)", "equal keyed steps are then not merged while the plan is built but by the "
     "merge pass every compiled plan goes through (_merge), and an unkeyed step is never stored "
     "to be merged with: only the shape pass computes a duplicate twice, to the same values"),
    ("gradlab/compile/plan.py", "if key is not None:", "key is not None", "(key is None)",
     "keyed steps are then not stored for merging while the plan is built (the merge pass "
     "merges them), and the unkeyed ones stored instead are never looked up: work, not values"),
    ("gradlab/compile/optimize.py", "terms = sorted(groups[size], key=lambda term: term[1] < 0)",
     "term[1] < 0", "(term[1] <= 0)",
     "a coefficient equal to 0 is alone with 0s and -0s in its group, which compare equal and "
     "sort the same under either key (a stable sort keeps their order); in every other group "
     "c < 0 and c <= 0 agree"),
    ("gradlab/compile/optimize.py", "total.constant += sign * factor * self.number(stored)",
     "sign * factor", "(sign / factor)",
     "a constant carries no factor other than a sign (constant steps are folded first; an "
     "assertion that |factor| is 1 held over the optimiser's test files), and sign / ±1 is "
     "sign * ±1"),
    ("gradlab/compile/optimize.py", "if stored in self.offsets and self.carried.get(stored, 1.0) < 0:",
     "self.carried.get(stored, 1.0) < 0", "(self.carried.get(stored, 1.0) <= 0)",
     "a sum's carried factor is the coefficient of one of its terms, never 0: coefficients "
     "are products of the non-zero constants the simplifier left, and it folds constant "
     "products first (an assertion that no coefficient is 0 held over the optimiser's tests)"),
    ("gradlab/compile/optimize.py", "if stored in self.offsets and self.carried.get(stored, 1.0) < 0:",
     "1.0", "(2.0)", "the default is only compared with 0, and 2.0 is no more below 0 than 1.0"),
    ("gradlab/compile/optimize.py", "return self.uses.get(slot, 0) == 1", "0", "(1)",
     "every slot asked about is the input of a step, which run() counted, so the default is "
     "never used (an assertion held over the optimiser's test files)"),
    ("gradlab/show/check.py", "np.where(bad, np.nan_to_num(ratio, nan=np.inf), -1.0)", "-1.0", "(1.0)",
     "a failing point's ratio is above 1 (or inf), so points marked 1.0 never win the argmax"),
    ("gradlab/core/control_flow.py", "MAX_ITERATIONS = 100_000", "100_000", "(100001)",
     "where a runaway loop is stopped: a safety limit, not a value of any loop within it"),
    ("gradlab/core/control_flow.py", "MAX_PASSES = 200_000", "200_000", "(200001)",
     "the same kind of safety limit, for all loop passes of one run"),
    ("gradlab/core/simplify.py", 'weak = [t.attrs["value"] * 0 for t', "0", "(1)",
     "numpy 2 promotes a Python number by its kind, not its value (a value out of an "
     "integer dtype's range is an error either way: here while building, else when run)"),
    ("gradlab/core/simplify.py", "abs(number) <= 2**53:", "2", "(3)",
     "constant() itself keeps a Python int only up to 2**53 and makes a larger one a float, "
     "so a larger bound here gives the same float"),
    ("gradlab/core/simplify.py", "abs(number) <= 2**53:", "53", "(54)", "the same reason"),
    ("gradlab/core/control_flow.py", "return zeros_like(inputs[i - 1])", "1", "(2)",
     "a branch's integer input has a zero gradient: zeros of another input's shape are "
     "broadcast to the same zeros, and nothing upstream of an integer moves a float"),
    ("gradlab/core/control_flow.py", "int(np.prod(x.shape)) <= SMALL_INPUT",
     "int(np.prod(x.shape)) <= SMALL_INPUT", "(int(np.prod(x.shape)) < SMALL_INPUT)",
     "which of two correct gradient constructions a 16-element input gets"),
    ("gradlab/core/control_flow.py", "SMALL_INPUT = 16", "16", "(17)",
     "which of two correct gradient constructions a 17-element input gets"),
    ("gradlab/core/forward.py", "if rules is None or (op.grads is not None and op.grads[i] is not None):",
     "op.grads is not None", "(op.grads is None)",
     "every op with tangent rules has them for exactly the inputs with reverse rules (a test "
     "checks the whole table), so a None tangent rule always has a None reverse rule"),
    ("gradlab/core/control_flow.py", "_passes.count = 0  # a new run", "0", "(1)",
     "the pass budget of a run starts one higher: a safety limit moved by one pass"),
    ("gradlab/core/control_flow.py", "if steps >= MAX_ITERATIONS:", "steps >= MAX_ITERATIONS",
     "(steps > MAX_ITERATIONS)", "a runaway loop is stopped one pass later: a safety limit"),
    ("gradlab/core/control_flow.py", "if _passes.count > MAX_PASSES:", "_passes.count > MAX_PASSES",
     "(_passes.count >= MAX_PASSES)", "a run's loop passes are stopped one pass sooner: a safety "
     "limit"),
    ("gradlab/core/control_flow.py", "return self.skip + 1", "1", "(2)",
     "the length of a rule list for any number of inputs is only compared with another such "
     "list (forward mode's table check); the engine indexes and iterates it"),
    ("gradlab/core/control_flow.py", "shape=_cond_shape, dtype=lambda attrs: attrs[\"true_out\"].dtype, foldable=False",
     "False", "(True)", "a cond whose inputs are all constants, folded while building, computes "
     "the branch its constant condition chooses: the value it has when run"),
    ("gradlab/core/control_flow.py", "self.count = 0", "0", "(1)",
     "the pass budget's count starts one higher: a safety limit moved by one pass"),
    ("gradlab/show/check.py", "way = \"too large\" if abs(yours) > abs(expected)", "abs(yours) > abs(expected)",
     "(abs(yours) >= abs(expected))", "equal sizes at a failing point mean opposite signs, "
     "which the test before it reports"),
    ("gradlab/compile/optimize.py", "self.const(ca * fa / fb)", "ca * fa", "(ca / fa)",
     "a constant numerator carries no factor (fa is 1): constant steps are folded before"),
    ("gradlab/show/check.py", "if expected > 0 or (expected == 0 and yours > 0):", "yours > 0",
     "(yours >= 0)", "at a failing point where the answer is 0, yours is not 0"),
    ("gradlab/show/check.py", 'way = "too far from 0" if abs(yours) > abs(expected)',
     "abs(yours) > abs(expected)", "(abs(yours) >= abs(expected))",
     "equal sizes at a failing point mean opposite signs, which the test before it reports"),
    ("gradlab/show/check.py", "if not error < 1e-6:", "error < 1e-6", "(error <= 1e-06)",
     "a rule whose error is exactly 1e-6 passing or failing: the boundary itself, never hit"),
    ("gradlab/show/check.py", "np.where(bad, np.nan_to_num(ratio, nan=np.inf), -1.0)", "1.0", "(2.0)",
     "passing points marked -2 instead of -1 in the argmax: failing points (ratio > 1) win either way"),
    ("gradlab/show/check.py", "                  n: int = 61) -> DerivativeCheck:", "61", "(62)",
     "check_formula compares two formulas at 61 or 62 points of the range: equally dense"),
    ("gradlab/show/check.py", "1e-6 * np.maximum(1.0, np.abs(points))", "1e-6", "(2e-06)",
     "the central difference's step: 1e-6 and 2e-6 (relative) are equally valid witnesses"),
    ("gradlab/show/check.py", "1e-6 * np.maximum(1.0, np.abs(points))", "1.0", "(2.0)",
     "the same step, relative from |x| = 1 or from |x| = 2 on: equally valid witnesses"),
]


def _equivalent(m: dict) -> bool:
    """Is this mutant (a run's result, as a dict) listed in EQUIVALENT?"""
    return any(m["path"] == path and line in m["context"] and m["original"] == original
               and m["replacement"] == replacement
               for path, line, original, replacement, _ in EQUIVALENT)


def _survivor_line(m: dict) -> str:
    unrun = "" if m["tests"].startswith("tests/") else "  (no test runs this statement)"
    return (f"  survived: {m['path']}:{m['line']}  {m['original'][:60]!r} -> "
            f"{m['replacement'][:60]!r}{unrun}")


_SWAP = {ast.Add: ast.Sub, ast.Sub: ast.Add, ast.Mult: ast.Div, ast.Div: ast.Mult,
         ast.Pow: ast.Mult, ast.FloorDiv: ast.Div, ast.Mod: ast.FloorDiv}
_COMPARE = {ast.Lt: ast.LtE, ast.LtE: ast.Lt, ast.Gt: ast.GtE, ast.GtE: ast.Gt,
            ast.Eq: ast.NotEq, ast.NotEq: ast.Eq, ast.In: ast.NotIn, ast.NotIn: ast.In,
            ast.Is: ast.IsNot, ast.IsNot: ast.Is}


@dataclass
class Mutant:
    area: str
    path: str
    line: int
    start: tuple[int, int]  # (line, column) of the replaced source, 1-based line
    end: tuple[int, int]
    original: str
    replacement: str
    context: str = ""  # the source line
    outcome: str = ""  # killed, survived, equivalent, timeout or error
    statement: tuple[int, int] = (0, 0)  # first and last line of the statement holding it
    tests: str = ""  # the test files that ran ("" before a run)


def _segment(lines: list[str], node: ast.AST) -> str:
    return ast.get_source_segment("".join(lines), node) or ""


def _parents(tree: ast.AST) -> dict[ast.AST, ast.AST]:
    return {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}


def _top_name(node: ast.AST, parents: dict) -> str | None:
    """The name of the top-level definition (def, class or assignment) holding ``node``."""
    while node in parents and not isinstance(parents[node], ast.Module):
        node = parents[node]
    if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
        return node.name
    if isinstance(node, (ast.Assign, ast.AnnAssign)):
        target = node.targets[0] if isinstance(node, ast.Assign) else node.target
        return getattr(target, "id", None)
    if isinstance(node, ast.Expr) and isinstance(node.value, ast.Call):  # defop(...) rows
        return "<call>"
    return None


def _skipped(node: ast.AST, parents: dict) -> bool:
    """Inside a message, an annotation, a docstring or a raise: no numeric meaning."""
    while node in parents:
        parent = parents[node]
        if isinstance(parent, (ast.JoinedStr, ast.Raise)):
            return True
        if isinstance(parent, (ast.arg, ast.AnnAssign)) and node is getattr(parent, "annotation", None):
            return True
        if isinstance(parent, (ast.FunctionDef, ast.AsyncFunctionDef)) and node is parent.returns:
            return True
        node = parent
    return False


def _in_display(node: ast.AST, parents: dict) -> bool:
    while node in parents:
        node = parents[node]
        if isinstance(node, ast.FunctionDef) and node.name in DISPLAY:
            return True
    return False


def _variants(node: ast.AST, lines: list[str]) -> list[str]:
    """The mutated source texts for one node (each wrapped in parentheses)."""
    out = []
    if isinstance(node, ast.BinOp) and type(node.op) in _SWAP:
        out.append(ast.BinOp(node.left, _SWAP[type(node.op)](), node.right))
    elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        out.append(node.operand)  # a dropped sign
    elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
        out.append(node.operand)
    elif isinstance(node, ast.Compare) and len(node.ops) == 1 and type(node.ops[0]) in _COMPARE:
        out.append(ast.Compare(node.left, [_COMPARE[type(node.ops[0])]()], node.comparators))
    elif isinstance(node, ast.BoolOp):
        other = ast.Or() if isinstance(node.op, ast.And) else ast.And()
        out.append(ast.BoolOp(other, node.values))
    elif isinstance(node, ast.Constant) and type(node.value) in (int, float):
        v = node.value
        out.append(ast.Constant(v + 1 if v in (0, -1) or isinstance(v, int) else v * 2))
    elif isinstance(node, ast.Constant) and isinstance(node.value, bool):
        out.append(ast.Constant(not node.value))
    elif isinstance(node, ast.Set) and all(isinstance(e, ast.Constant) and isinstance(e.value, str)
                                           for e in node.elts):
        # an op in the wrong set, such as Sin among the even functions (dropping one would
        # mostly make the optimiser skip a shortcut, which changes no value)
        present = {e.value for e in node.elts}
        extra = next(name for name in ("Sin", "Cos", "Exp", "Log") if name not in present)
        out.append(ast.Set([*node.elts, ast.Constant(extra)]))
    elif isinstance(node, ast.Return) and node.value is not None and not (
            isinstance(node.value, ast.Constant) and node.value.value is None):
        return ["return None"]
    return ["(" + ast.unparse(ast.fix_missing_locations(v)) + ")" for v in out]


def find_mutants(areas: list[str]) -> list[Mutant]:
    mutants = []
    for area in areas:
        for path, wanted in AREAS[area]:
            source = (ROOT / path).read_text()
            lines = source.splitlines(True)
            tree = ast.parse(source)
            parents = _parents(tree)
            docstrings = {id(n.body[0].value) for n in ast.walk(tree)
                          if isinstance(n, (ast.FunctionDef, ast.ClassDef, ast.Module))
                          and n.body and isinstance(n.body[0], ast.Expr)}
            for node in ast.walk(tree):
                if not hasattr(node, "lineno") or id(node) in docstrings or _skipped(node, parents):
                    continue
                if wanted is not None and _top_name(node, parents) not in wanted:
                    continue
                if _in_display(node, parents):
                    continue
                if isinstance(node, ast.Return) and not area == "simplification":
                    continue  # "no rewrite" is a mutation of rewrite rules only
                if isinstance(node, ast.Constant) and isinstance(parents.get(node), ast.keyword) \
                        and parents[node].arg in ("name", "stacklevel"):
                    continue
                original = _segment(lines, node)
                holder = node
                while not isinstance(holder, ast.stmt) and holder in parents:
                    holder = parents[holder]
                for replacement in _variants(node, lines):
                    mutants.append(Mutant(area, path, node.lineno,
                                          (node.lineno, node.col_offset),
                                          (node.end_lineno, node.end_col_offset),
                                          original, replacement, lines[node.lineno - 1].strip(),
                                          statement=(holder.lineno, holder.end_lineno)))
    return mutants


def _apply(source: str, mutant: Mutant) -> str:
    lines = source.splitlines(True)
    (l1, c1), (l2, c2) = mutant.start, mutant.end
    before = "".join(lines[: l1 - 1]) + lines[l1 - 1][:c1]
    after = lines[l2 - 1][c2:] + "".join(lines[l2:])
    return before + mutant.replacement + after


def _worker_copy(index: int) -> Path:
    # one folder per run and worker: two runs at once never share a copy
    target = Path(tempfile.mkdtemp(prefix=f"gradlab-mutate-{os.getpid()}-{index}-"))
    shutil.rmtree(target)
    shutil.copytree(ROOT, target, ignore=shutil.ignore_patterns(
        ".git", "artifacts", "__pycache__", ".hypothesis", "*.egg-info", "build", "dist"))
    return target


# pytest's plugins that these tests do not use: nbval alone takes 3 s to import (nbformat's
# JSON-schema checker), and each mutant pays every second of start-up again
QUIET = ["-o", "addopts=", "-p", "no:cacheprovider", "-p", "no:randomly", "-p", "no:nbval",
         "-p", "no:anyio", "-p", "no:benchmark", "-p", "no:xdist"]
ALL = "*"  # the marker for lines run at import or collection time: every test file depends on them


def _test_file(context: str) -> str:
    """The test file of a coverage context such as ``test_simplify.test_rewrites|run``."""
    parts = context.split("|")[0].split(".")
    for part in parts:
        if f"tests/{part}.py" in TESTS:
            return f"tests/{part}.py"
    return ALL


def coverage_map(copy: Path, paths: set[str]) -> dict[str, dict[int, set[str]]]:
    """For each mutated file: line -> the test files that run it (one traced run of the tests).

    A mutant can only change the outcome of a test that runs its statement, so each mutant
    runs just those test files: the same verdicts, in much less time. Lines run while modules
    are imported or tests are collected (no test is current then) send their mutants to
    every file.
    """
    import coverage  # a dependency of the mutation run only

    rc = copy / ".coveragerc-mutate"
    rc.write_text("[run]\ndynamic_context = test_function\nsource = gradlab\n")
    env = dict(os.environ, PYTHONPATH=str(copy), GRADLAB_HYPOTHESIS="mutation",
               PYTHONDONTWRITEBYTECODE="1")
    subprocess.run([sys.executable, "-m", "coverage", "run", f"--rcfile={rc}", "-m", "pytest",
                    "-q", *QUIET, "-m", "not slow", *[t for t in TESTS if (copy / t).exists()]],
                   cwd=copy, env=env, capture_output=True, text=True, check=False)
    data = coverage.CoverageData(basename=str(copy / ".coverage"))
    data.read()
    found: dict[str, dict[int, set[str]]] = {}
    for path in paths:
        by_line = data.contexts_by_lineno(str(copy / path))
        found[path] = {line: {_test_file(c) for c in contexts} for line, contexts in by_line.items()}
    (copy / ".coverage").unlink(missing_ok=True)
    rc.unlink()
    return found


def tests_for(mutant: "Mutant", lines: dict[int, set[str]] | None) -> list[str]:
    """The test files to run for a mutant, the likeliest to catch its area first."""
    order = FIRST[mutant.area].split() if mutant.area in FIRST else []
    order += [t for t in TESTS if t not in order]
    if lines is None:
        return order
    first, last = mutant.statement
    wanted = set().union(*(lines.get(n, set()) for n in range(first, last + 1)))
    return order if ALL in wanted else [t for t in order if t in wanted]


def _run_tests(copy: Path, order: list[str], timeout: float) -> str:
    order = [t for t in order if (copy / t).exists()]
    if not order:
        return "survived"  # no test runs this statement, so none can fail
    env = dict(os.environ, PYTHONPATH=str(copy), GRADLAB_HYPOTHESIS="mutation",
               PYTHONDONTWRITEBYTECODE="1")
    command = [sys.executable, "-m", "pytest", "-x", "-q", *QUIET, "-m", "not slow", *order]
    try:
        result = subprocess.run(command, cwd=copy, env=env, capture_output=True, text=True,
                                timeout=timeout)
    except subprocess.TimeoutExpired:
        return "timeout"  # an endless loop is a bug the tests noticed, in a way
    if result.returncode == 0:
        return "survived"
    return "killed" if result.returncode == 1 else f"error {result.returncode}"


def _counts_as_equivalent(m: dict) -> bool:
    """A mutant that survived, or timed out, and is listed in EQUIVALENT. (An equivalent
    mutant runs every test it reaches, and on a loaded machine that can outlast the
    timeout: a timeout of a listed mutant is not a kill.)"""
    return m["outcome"] in ("survived", "timeout") and _equivalent(m)


def _identity(m: dict) -> tuple:
    """What names a mutant across runs (line numbers move when code above it changes)."""
    return m["path"], m["context"], m["original"], m["replacement"]


def print_table(results: list[dict]) -> None:
    """The per-area score table (a Markdown table) of a run's results."""
    print("| area | killed | equivalent | survived | score |\n|---|---|---|---|---|")
    for area in AREAS:
        mine = [m for m in results if m["area"] == area]
        if mine:
            equivalent = sum(m["outcome"] == "equivalent" for m in mine)
            survived = sum(m["outcome"] == "survived" for m in mine)
            killed = len(mine) - equivalent - survived
            score = 100 * killed / max(1, killed + survived)
            print(f"| {area} | {killed} | {equivalent} | {survived} | {score:.1f}% |")
    timeouts = sum(m["outcome"] == "timeout" for m in results)
    print("\nThe score is killed / (killed + survived); equivalent mutants (listed in EQUIVALENT,"
          "\nwith the reason) cannot change any result."
          + (f" {timeouts} of the killed timed out (an endless loop, say)." if timeouts else ""))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--area", action="append", choices=sorted(AREAS), help="only this area")
    parser.add_argument("--list", action="store_true", help="list the mutants, run nothing")
    parser.add_argument("--limit", type=int, default=0, help="run an even sample of N mutants")
    parser.add_argument("--at", action="append", metavar="FILE:LINE",
                        help="only the mutants on this line (e.g. gradlab/core/ops.py:88)")
    parser.add_argument("--path", action="append", help="only the mutants in this file")
    parser.add_argument("--survivors", metavar="JSON",
                        help="only the mutants that survived in an earlier run's JSON file")
    parser.add_argument("--update", metavar="JSON",
                        help="re-run the survivors of an earlier full run and write that run's "
                             "results back with their new outcomes (the table covers the whole run)")
    parser.add_argument("--table", metavar="JSON", nargs="+",
                        help="print the table of saved runs (several files are joined), with the "
                             "equivalent mutants of today's EQUIVALENT list; run nothing")
    parser.add_argument("--jobs", type=int, default=2, help="mutants run at once (default 2)")
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds per mutant")
    parser.add_argument("--json", default="artifacts/mutation.json", help="where to save results")
    parser.add_argument("--all-tests", action="store_true",
                        help="run every test file for every mutant (no coverage-based choice)")
    args = parser.parse_args(argv)
    if args.table:
        joined: dict[tuple, dict] = {}  # a later file's result for the same mutant wins
        for path in args.table:
            for m in json.loads(Path(path).read_text()):
                joined[_identity(m)] = m
        lines = {path: {line.strip() for line in (ROOT / path).read_text().splitlines()}
                 for path in {m["path"] for m in joined.values()}}
        saved = [m for m in joined.values() if m["context"].strip() in lines[m["path"]]]
        if len(saved) < len(joined):
            print(f"({len(joined) - len(saved)} mutants left out: their line is no longer in the code)\n")
        for m in saved:
            if _counts_as_equivalent(m):
                m["outcome"] = "equivalent"
        print_table(saved)
        for m in saved:
            if m["outcome"] == "survived":
                print(_survivor_line(m))
        return 0
    mutants = find_mutants(args.area or list(AREAS))
    if args.at:
        mutants = [m for m in mutants if f"{m.path}:{m.line}" in args.at]
    if args.path:
        mutants = [m for m in mutants if m.path in args.path]
    earlier_run: list[dict] = []
    if args.update:
        args.survivors, args.json = args.update, args.update
        earlier_run = json.loads(Path(args.update).read_text())
    current = {_identity(asdict(m)) for m in mutants}
    if earlier_run:  # code changed since: its old mutants are gone, and new ones must run
        chosen = set(args.area or AREAS)  # other areas' results are kept as they are
        gone = [m for m in earlier_run if m["area"] in chosen and _identity(m) not in current]
        earlier_run = [m for m in earlier_run if m["area"] not in chosen or _identity(m) in current]
        ran = {_identity(m) for m in earlier_run}
        run_areas = {m["area"] for m in earlier_run}
        fresh = [m for m in mutants if _identity(asdict(m)) not in ran and m.area in run_areas]
        print(f"{len(gone)} mutants of the earlier run are gone (their code changed); "
              f"{len(fresh)} new ones run", flush=True)
    if args.survivors:
        earlier = {_identity(m) for m in json.loads(Path(args.survivors).read_text())
                   if m["outcome"] == "survived"}
        if earlier_run:
            earlier |= {_identity(asdict(m)) for m in fresh}
        mutants = [m for m in mutants if _identity(asdict(m)) in earlier]
    if args.limit and args.limit < len(mutants):
        stride = len(mutants) / args.limit
        mutants = [mutants[int(i * stride)] for i in range(args.limit)]
    if args.list:
        for m in mutants:
            print(f"{m.area:15} {m.path}:{m.line}  {m.original[:50]!r} -> {m.replacement[:50]!r}")
        print(f"{len(mutants)} mutants")
        return 0

    copies = [_worker_copy(i) for i in range(args.jobs)]
    free = list(copies)
    baseline = _run_tests(copies[0], TESTS, 600)
    if baseline != "survived":
        print(f"the unmutated tests do not pass in the copy ({baseline}); fix that first")
        return 2
    started = time.perf_counter()
    covered = None if args.all_tests else coverage_map(copies[0], {m.path for m in mutants})
    if covered is not None:
        print(f"coverage map of the tests made in {time.perf_counter() - started:.0f} s", flush=True)

    def run(mutant: Mutant) -> Mutant:
        copy = free.pop()
        target = copy / mutant.path
        original = target.read_text()
        try:
            target.write_text(_apply(original, mutant))
            order = tests_for(mutant, None if covered is None else covered[mutant.path])
            mutant.tests = " ".join(order) if order else "(no test runs this statement)"
            mutant.outcome = _run_tests(copy, order, args.timeout)
        finally:
            target.write_text(original)
            free.append(copy)
        return mutant

    out = ROOT / args.json
    out.parent.mkdir(exist_ok=True)
    done = 0
    with ThreadPoolExecutor(max_workers=args.jobs) as pool:
        for mutant in pool.map(run, mutants):
            done += 1
            if done % 10 == 0 and not earlier_run:  # saved as it goes: a run stopped early
                # keeps its results (an --update writes the merged run at the end only)
                out.write_text(json.dumps([asdict(m) for m in mutants[:done]], indent=1))
            if _counts_as_equivalent(asdict(mutant)):
                mutant.outcome = "equivalent"
            if mutant.outcome == "survived":
                print(_survivor_line(asdict(mutant)), flush=True)
            if done % 25 == 0:
                print(f"[{done}/{len(mutants)} in {time.perf_counter() - started:.0f} s]", flush=True)

    print(f"\n{len(mutants)} mutants in {time.perf_counter() - started:.0f} s\n")
    results = [asdict(m) for m in mutants]
    if earlier_run:  # the whole earlier run, with the survivors' new outcomes
        new = {_identity(m): m for m in results}
        results = [new.get(_identity(m), m) for m in earlier_run] + [
            m for m in results if _identity(m) not in ran]
        still = [m for m in results if m["outcome"] == "survived"]
        print(f"merged into {args.update}: {len(results)} mutants, {len(still)} still surviving\n")
    print_table(results)
    out.write_text(json.dumps(results, indent=1))
    for copy in copies:
        shutil.rmtree(copy, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
