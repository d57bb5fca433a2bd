package org.spillway.frame.exec.pipeline;

import org.spillway.frame.plan.LogicalPlan;
import org.spillway.frame.plan.StoredFrame;

/**
 * Runs an already optimized sub-plan for an operator that needs one (a join collects its build
 * side and streams its probe side through sub-plans). The executor implements it and hands itself
 * to such operators, so operators never depend on the executor itself.
 */
public interface PlanRunner {
    /** Materialises {@code optimized} into stored chunks. */
    StoredFrame collectPlan(LogicalPlan optimized);

    /** Runs {@code optimized} into {@code terminal} and returns the terminal's result; {@code task} names the work in progress reports. */
    <R> R runPlan(LogicalPlan optimized, Terminal<?, R> terminal, String task);
}
