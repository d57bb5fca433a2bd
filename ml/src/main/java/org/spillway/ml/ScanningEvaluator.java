package org.spillway.ml;

import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.spillway.frame.DataFrame;
import org.spillway.spill.DataType;

/**
 * An evaluator that checks and sums the rows of a frame in one parallel pass: what the binary,
 * multiclass and regression evaluators share, namely the label, weight and metric parameters, the
 * column checks, the row problems of the label's and the weight's kind and the checks after the pass
 * (no rows, weights adding up to nothing), so that the three word them alike.
 *
 * @param <R> the metrics it returns
 * @param <E> the evaluator's own type, for fluent setters
 */
abstract class ScanningEvaluator<R extends Metrics, E extends ScanningEvaluator<R, E>> implements Evaluator<R> {
    private static final String DROP_NULLS = "drop those rows first, e.g. filter(col(\"%s\").isNotNull())";

    private final String name;
    private final List<String> metrics;
    private String labelCol = "label";
    private String weightCol;
    private String metricName;

    /**
     * @param name          the evaluator's name, which starts its messages
     * @param metrics       the metric names {@link #metricName(String)} accepts
     * @param defaultMetric the metric {@link #metric} returns unless set
     */
    ScanningEvaluator(String name, List<String> metrics, String defaultMetric) {
        this.name = name;
        this.metrics = metrics;
        this.metricName = defaultMetric;
    }

    @SuppressWarnings("unchecked")
    private E self() {
        return (E) this;
    }

    /** The label column (default {@code label}; what it must hold is in the class description). */
    public E labelCol(String name) {
        this.labelCol = Objects.requireNonNull(name, "labelCol");
        return self();
    }

    /** A column of non-negative row weights (default none: every row weighs 1); null clears it. */
    public E weightCol(String name) {
        this.weightCol = name;
        return self();
    }

    /** The metric {@link #metric} returns: one of the class's {@code METRICS}. */
    public E metricName(String name) {
        if (!metrics.contains(name)) {
            throw new MlException(this.name + ": unknown metric '" + name + "'; use one of " + metrics);
        }
        this.metricName = name;
        return self();
    }

    /** The label column. */
    public String labelCol() {
        return labelCol;
    }

    /** The weight column, or null. */
    public String weightCol() {
        return weightCol;
    }

    @Override
    public String metricName() {
        return metricName;
    }

    /** The evaluator's name, which starts its messages. */
    final String name() {
        return name;
    }

    /** Checks that {@code frame} has the column {@code col}, set with {@code setter}(...), of one of the {@code allowed} types. */
    final void require(DataFrame frame, String role, String col, String setter, Set<DataType> allowed) {
        EvalColumns.require(name, frame, role, col, setter, allowed);
    }

    /** Checks the label column, of one of the {@code allowed} types. */
    final void requireLabel(DataFrame frame, Set<DataType> allowed) {
        require(frame, "label", labelCol, "labelCol", allowed);
    }

    /** Checks the weight column, if set. */
    final void requireWeight(DataFrame frame) {
        if (weightCol != null) {
            require(frame, "weight", weightCol, "weightCol", EvalColumns.NUMERIC);
        }
    }

    /** The problem of nulls in {@code column} (none: "", as for an unset column whose kind never occurs). */
    static RowProblems.Kind nullKind(String column) {
        String c = column == null ? "" : column;
        return new RowProblems.Kind(c, "not be null", "are null", DROP_NULLS.formatted(c), false);
    }

    /** The problems of the weight column: nulls, then weights that are not finite and non-negative. */
    final List<RowProblems.Kind> weightKinds() {
        return List.of(nullKind(weightCol),
                new RowProblems.Kind(weightCol == null ? "" : weightCol, "hold finite, non-negative weights", "do not",
                        "fix or drop those rows", true));
    }

    /**
     * After the pass: throws for the first invalid rows (in {@code kinds} order), an empty frame or
     * weights that add up to nothing, which no metric can be computed from.
     */
    final void checkPass(RowProblems problems, List<RowProblems.Kind> kinds, long rows, double weight) {
        problems.throwIfAny(name, kinds, rows);
        if (rows == 0) {
            throw new MlException(name + ": the frame has no rows; evaluate predictions on a non-empty test set");
        }
        if (!(weight > 0)) {
            throw new MlException(name + ": the weights in column '" + weightCol + "' add up to " + weight + " over "
                    + EvalColumns.count(rows) + " rows; at least one weight must be positive");
        }
    }
}
