/**
 * The logical plan: what a frame computes, as an immutable tree of
 * {@link org.spillway.frame.plan.LogicalPlan} nodes (scans, filter, project, aggregate, join, as-of join,
 * sort, limit, union, window), the rule-based {@link org.spillway.frame.plan.Optimizer}, and
 * {@link org.spillway.frame.plan.StoredFrame}, the materialised result a scan of collected chunks
 * reads.
 *
 * <pre>
 *   DataFrame method ─► new node (types checked) ─► ... ─► Optimizer.optimize ─► exec.Executor
 * </pre>
 *
 * <p>This package says what, never how: it does not depend on {@code exec}. Optimizing never
 * changes a result (rows, their order, the output columns); it only reads less and computes less.
 */
package org.spillway.frame.plan;
