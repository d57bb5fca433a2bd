/**
 * The executor: turns an optimized {@link org.spillway.frame.plan.LogicalPlan} into pipelines and
 * runs them on the session's {@link org.spillway.parallel.MorselScheduler}.
 *
 * <pre>
 *   LogicalPlan (optimized by the DataFrame)
 *        │ Executor.compile: cut at blocking nodes
 *        ▼
 *   source (exec.scan) ─► operators (exec.pipeline: filter, project) ─► terminal
 *        one worker takes a morsel (a CSV byte range or a stored chunk) from source to terminal,
 *        without materialising between the steps
 *
 *   blocking nodes run their input pipeline into their own terminal, then become a stored source:
 *        Aggregate ─► exec.aggregate.HashAggregate      Sort ─► exec.sort.ExternalSort
 *        Join      ─► exec.join.HashJoin (runs its sub-plans through exec.pipeline.PlanRunner)
 *        Window    ─► ExternalSort by (partition, order), then exec.window.WindowOperator (one pass)
 * </pre>
 *
 * <p>Only this package knows every operator; the operator packages never depend on it (they get a
 * {@code PlanRunner} when they need to run a sub-plan), and it never optimizes a plan itself. The
 * first failure of any worker cancels the query and is the exception the caller sees; every chunk a
 * failed query made is released.
 */
package org.spillway.frame.exec;
