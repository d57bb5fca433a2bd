package org.spillway.ml;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.spillway.frame.DataFrame;
import org.spillway.frame.Spillway;
import org.spillway.ml.tune.Dimension;
import org.spillway.ml.tune.TrialRecord;
import org.spillway.spill.DataType;
import org.spillway.spill.Field;
import org.spillway.spill.Schema;

/**
 * What a {@link Tuner} run found: every trial with its parameters, status, last metric and the
 * metric after each iteration, and the best trial with its model.
 */
public final class TuneResults {
    /**
     * One trial.
     *
     * @param id         its number, from 0 in sampling order
     * @param params     its parameters
     * @param status     {@code TERMINATED} (ran to maxT or its learner's end), {@code STOPPED} (stopped
     *                   early by the scheduler) or {@code ERROR}
     * @param metric     the validation metric it last reported (NaN for an error)
     * @param iterations the iterations (epochs) it ran, as reported
     * @param history    the validation metric after each iteration
     * @param error      the error message, for status ERROR
     */
    public record Trial(int id, ParamMap params, String status, double metric, int iterations, List<Double> history, String error) {
        /** Freezes the history. */
        public Trial {
            history = List.copyOf(history);
        }
    }

    /**
     * The best trial.
     *
     * @param trial  the trial
     * @param model  its model: the one at its last reported iteration (for a pipeline, the whole
     *               fitted pipeline), or null if it could not be kept (a restored run whose model file
     *               is missing)
     */
    public record Best(Trial trial, Model model) {
        /** The best trial's parameters. */
        public ParamMap params() {
            return trial.params();
        }

        /** Its validation metric. */
        public double metric() {
            return trial.metric();
        }
    }

    private final String metricName;
    private final boolean largerIsBetter;
    private final List<Trial> trials;
    private final List<Dimension> dims;
    private final Best best;
    private final Spillway session;
    private final long epochs;

    TuneResults(String metricName, boolean largerIsBetter, List<TrialRecord> records, List<Dimension> dims, Model bestModel,
                Spillway session) {
        this.metricName = metricName;
        this.largerIsBetter = largerIsBetter;
        this.dims = List.copyOf(dims);
        this.session = session;
        List<Trial> list = new ArrayList<>();
        Trial b = null;
        long total = 0;
        for (TrialRecord r : records) {
            Trial t = new Trial(r.id(), new ParamMap(r.params()), r.status().name(), r.metric(), r.iterations(), r.history(), r.error());
            list.add(t);
            total += r.iterations();
            if (r.status() != TrialRecord.Status.ERROR && !Double.isNaN(r.metric())
                    && (b == null || (largerIsBetter ? t.metric() > b.metric() : t.metric() < b.metric()))) {
                b = t;
            }
        }
        this.trials = List.copyOf(list);
        this.epochs = total;
        this.best = b == null ? null : new Best(b, bestModel);
    }

    /** The metric's name. */
    public String metricName() {
        return metricName;
    }

    /** Whether a larger metric is better. */
    public boolean largerIsBetter() {
        return largerIsBetter;
    }

    /** Every trial, in trial order. */
    public List<Trial> trials() {
        return trials;
    }

    /** The iterations (epochs) all trials ran together: the work the search did. */
    public long totalIterations() {
        return epochs;
    }

    /** The best trial (the best last-reported metric; ties go to the lower trial number). */
    public Best best() {
        if (best == null) {
            throw new MlException("No trial gave a " + metricName + ": " + trials.stream().filter(t -> t.error() != null)
                    .map(t -> "trial " + t.id() + ": " + t.error()).findFirst().orElse("every metric was NaN"));
        }
        return best;
    }

    /**
     * One row per trial: {@code trial} (int), one column per parameter (double, bigint or string, by
     * its values), {@code metric} (named by the evaluator's metric), {@code iterations}, {@code status}.
     */
    public DataFrame table() {
        List<Field> fields = new ArrayList<>();
        fields.add(new Field("trial", DataType.INT32));
        List<DataType> types = new ArrayList<>();
        for (Dimension d : dims) {
            DataType t = typeOf(d);
            types.add(t);
            fields.add(new Field(d.name(), t));
        }
        fields.add(new Field(metricName, DataType.FLOAT64));
        fields.add(new Field("iterations", DataType.INT32));
        fields.add(new Field("status", DataType.STRING));
        List<Object[]> rows = new ArrayList<>();
        for (Trial t : trials) {
            Object[] row = new Object[fields.size()];
            int c = 0;
            row[c++] = t.id();
            for (int i = 0; i < dims.size(); i++) {
                Object v = t.params().asMap().get(dims.get(i).name());
                DataType ty = types.get(i);
                row[c++] = v == null ? null : ty.equals(DataType.FLOAT64) ? (Object) ((Number) v).doubleValue()
                        : ty.equals(DataType.INT64) ? (Object) ((Number) v).longValue() : String.valueOf(v);
            }
            row[c++] = Double.isNaN(t.metric()) ? null : t.metric();
            row[c++] = t.iterations();
            row[c] = t.status();
            rows.add(row);
        }
        return session.createDataFrame(new Schema(fields), rows);
    }

    private static DataType typeOf(Dimension d) {
        switch (d.kind()) {
            case UNIFORM, LOGUNIFORM, QUNIFORM -> {
                return DataType.FLOAT64;
            }
            case RANDINT -> {
                return DataType.INT64;
            }
            default -> {
                boolean ints = d.values().stream().allMatch(v -> v instanceof Integer || v instanceof Long || v instanceof Short
                        || v instanceof Byte);
                boolean nums = d.values().stream().allMatch(v -> v instanceof Number);
                return ints ? DataType.INT64 : nums ? DataType.FLOAT64 : DataType.STRING;
            }
        }
    }

    /** One line per trial, the best marked. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        for (Trial t : trials) {
            sb.append(String.format(Locale.ROOT, "%s trial %d %s: %s = %.6f after %d iterations, %s%n",
                    best != null && best.trial().id() == t.id() ? "*" : " ", t.id(), t.params(), metricName, t.metric(), t.iterations(),
                    t.status()));
        }
        return sb.append(largerIsBetter ? "(larger is better; * marks the best)" : "(smaller is better; * marks the best)").toString();
    }
}
