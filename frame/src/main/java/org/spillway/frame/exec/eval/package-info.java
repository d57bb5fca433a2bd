/**
 * Physical expressions: the logical {@link org.spillway.frame.Expr} tree compiled, for one input
 * schema, into evaluators ({@link org.spillway.frame.exec.eval.PhysicalExpr}) that compute a
 * column of a chunk on the heap ({@link org.spillway.frame.udf.HeapColumn}).
 *
 * <pre>
 *   Expr (logical, pure data) ──ExprCompiler.compile(expr, schema)──► PhysicalExpr
 *      types resolved once, literals converted once              eval(chunk) ─► HeapColumn (one chunk's rows)
 * </pre>
 *
 * <p>Operators compile their expressions when they are built (filter predicates, projections,
 * group keys and aggregate inputs) and evaluate per chunk, from every worker at once: evaluators are
 * immutable. Intermediate columns live on the heap for one chunk; only an operator's output is
 * copied off-heap, into a chunk reserved from the budget. A {@code CASE} evaluates a branch only
 * for the rows it applies to ({@link org.spillway.frame.exec.eval.EvalMask}), so an error in a row no
 * branch needs gives null, as in SQL. A user-defined function
 * ({@link org.spillway.frame.udf.VectorFunction}) is called as it is.
 */
package org.spillway.frame.exec.eval;
