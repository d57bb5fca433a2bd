package org.spillway.ml.tune;

import java.util.List;
import java.util.Map;

/**
 * A finished trial.
 *
 * @param id         the trial's number, from 0 in sampling order
 * @param params     its parameters
 * @param status     how it ended
 * @param metric     the metric it last reported (NaN if none)
 * @param iterations the iterations it reported
 * @param history    the metric after each reported iteration
 * @param error      the error's message for status ERROR, else null
 */
public record TrialRecord(int id, Map<String, Object> params, Status status, double metric, int iterations, List<Double> history,
                          String error) {
    /** How a trial ended. */
    public enum Status {
        /** Ran to the end: the scheduler's maxT or the learner's own end (convergence, maxIter). */
        TERMINATED,
        /** Stopped early by the scheduler. */
        STOPPED,
        /** Failed with an exception (the run went on). */
        ERROR
    }

    /** Freezes the collections. */
    public TrialRecord {
        params = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(params));
        history = List.copyOf(history);
    }
}
