package org.spillway.ml;

import static org.spillway.frame.Functions.count;
import static org.spillway.frame.Functions.mean;
import static org.spillway.frame.Functions.std;

import java.util.ArrayList;
import java.util.List;
import org.spillway.frame.AggregateExpr;
import org.spillway.frame.DataFrame;
import org.spillway.frame.Row;
import org.spillway.spill.DataType;

/**
 * Scales numeric columns to unit standard deviation (and, with {@code withMean(true)}, zero mean),
 * as Spark's {@code StandardScaler}: {@code (x - mean) / std} with the sample standard deviation;
 * the defaults are {@code withStd(true)}, {@code withMean(false)}. The fitted
 * {@link StandardScalerModel} replaces each input column (or writes {@code outputCols}) with a
 * float64 column, lazily; nulls stay null.
 *
 * <p>Cost of {@link #fit}: one parallel pass (an aggregate of every input column at once). A column
 * with no spread cannot be scaled and is an error naming it.
 */
public final class StandardScaler implements Estimator<StandardScalerModel> {
    private List<String> inputCols = List.of();
    private List<String> outputCols;
    private boolean withMean;
    private boolean withStd = true;

    /** A scaler with no columns yet. */
    public StandardScaler() {
    }

    /** The columns to scale. */
    public StandardScaler inputCols(String... cols) {
        this.inputCols = List.of(cols);
        return this;
    }

    /** Where to write the scaled values (one per input); default: replace the inputs. */
    public StandardScaler outputCols(String... cols) {
        this.outputCols = List.of(cols);
        return this;
    }

    /** Whether to subtract the mean; default false. */
    public StandardScaler withMean(boolean m) {
        this.withMean = m;
        return this;
    }

    /** Whether to divide by the standard deviation; default true. */
    public StandardScaler withStd(boolean s) {
        this.withStd = s;
        return this;
    }

    @Override
    public StandardScalerModel fit(DataFrame frame) {
        if (inputCols.isEmpty()) {
            throw new MlException("StandardScaler: no inputCols(...) given");
        }
        List<String> outs = outputCols == null ? inputCols : outputCols;
        if (outs.size() != inputCols.size()) {
            throw new MlException("StandardScaler: " + inputCols.size() + " inputCols but " + outs.size() + " outputCols");
        }
        List<AggregateExpr> aggs = new ArrayList<>();
        for (int c = 0; c < inputCols.size(); c++) {
            String in = inputCols.get(c);
            DataType t = frame.type(in);
            if (t != DataType.INT32 && t != DataType.INT64 && t != DataType.FLOAT64 && t != DataType.BOOL) {
                throw new MlException("StandardScaler: column '" + in + "' is " + t + ", not numeric");
            }
            Object input = t == DataType.BOOL ? org.spillway.frame.Functions.col(in).cast(DataType.INT32) : in;
            aggs.add(mean(input).as("m" + c));
            aggs.add(std(input).as("s" + c));
            aggs.add(count(input).as("n" + c));
        }
        Row r = frame.agg(aggs.toArray(AggregateExpr[]::new)).rows().getFirst();
        double[] means = new double[inputCols.size()];
        double[] stds = new double[inputCols.size()];
        for (int c = 0; c < inputCols.size(); c++) {
            long n = ((Number) r.get("n" + c)).longValue();
            if (n == 0) {
                throw new MlException("StandardScaler: column '" + inputCols.get(c) + "' has no non-null value");
            }
            means[c] = ((Number) r.get("m" + c)).doubleValue();
            Object s = r.get("s" + c);
            stds[c] = s == null ? 0 : ((Number) s).doubleValue();
            if (withStd && !(stds[c] > 0)) {
                throw new MlException("StandardScaler: column '" + inputCols.get(c) + "' is constant (standard deviation "
                        + stds[c] + " over " + n + " values), so it cannot be scaled; leave it out or set withStd(false)");
            }
        }
        return new StandardScalerModel(inputCols, outs, means, stds, withMean, withStd);
    }

    @Override
    public String toString() {
        return "StandardScaler" + inputCols;
    }
}
