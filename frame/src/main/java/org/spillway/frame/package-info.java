/**
 * Spillway's public API: the session ({@link org.spillway.frame.Spillway}), the lazy, immutable
 * {@link org.spillway.frame.DataFrame} and the expression language ({@link org.spillway.frame.Expr},
 * {@link org.spillway.frame.Functions}, {@link org.spillway.frame.AggregateExpr},
 * {@link org.spillway.frame.SortOrder}, {@link org.spillway.frame.JoinOn}, and the window functions:
 * {@link org.spillway.frame.Window}, {@link org.spillway.frame.WindowSpec}, {@link org.spillway.frame.WindowFunction}).
 *
 * <pre>
 *   user code ──► DataFrame.filter / groupBy / join / sort ...      (nothing runs: a LogicalPlan grows)
 *                   │  types checked here (ExprTypes), errors name the column
 *                   ▼
 *   collect / count / show / write ──► plan.Optimizer.optimize(plan)
 *                   │
 *                   ▼
 *               exec.Executor ──► pipelines of morsels on the parallel.MorselScheduler
 *                   │               (exec.scan → exec.pipeline → blocking operators:
 *                   │                exec.aggregate, exec.join, exec.sort)
 *                   ▼
 *               plan.StoredFrame: chunks in the spill.chunk.ChunkStore (spill past the budget)
 * </pre>
 *
 * <p>The package has two layers, and the architecture test (bench's {@code ArchitectureTest}) keeps
 * them apart. The <b>vocabulary</b> ({@code Expr} and its nodes, {@code AggregateExpr},
 * {@code SortOrder}, {@code Window}, {@code WindowSpec}, {@code WindowFunction}, {@code JoinType}, {@code JoinOn}, {@code Row}, {@code Literals}, the
 * exceptions) is what user code and the engine share: it depends on {@code spill} and the
 * {@code udf} extension point only. The <b>facade</b> ({@code Spillway}, {@code DataFrame},
 * {@code GroupedData}, {@code Split}) drives the engine's packages ({@code plan}, {@code exec},
 * {@code io}, {@code print}), none of which may use it. Both live here because their names are the
 * API users import; the layering keeps the package free of cycles all the same.
 *
 * <p>Invariants: a frame never changes (every method returns a new frame); nothing is read or
 * computed before an action; a session owns every chunk its frames hold and frees them, and checks
 * for leaks, when it is closed.
 */
package org.spillway.frame;
