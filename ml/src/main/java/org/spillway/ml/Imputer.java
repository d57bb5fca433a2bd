package org.spillway.ml;

import static org.spillway.frame.Functions.count;
import static org.spillway.frame.Functions.mean;
import static org.spillway.frame.Functions.median;
import static org.spillway.frame.Functions.udf;

import java.util.ArrayList;
import java.util.List;
import org.spillway.frame.AggregateExpr;
import org.spillway.frame.DataFrame;
import org.spillway.frame.Expr;
import org.spillway.frame.Row;

/**
 * Fills missing values (null, and NaN in float columns) of numeric columns, as Spark's
 * {@code Imputer}: with the column's mean (default), its exact median ({@code strategy("median")},
 * computed out of core like the frame's {@code median} aggregate), or a constant
 * ({@code strategy("constant")} with {@code fillValue(v)}). The fitted {@link ImputerModel} replaces
 * each input column (or writes {@code outputCols}) with a float64 column, lazily.
 *
 * <p>Cost of {@link #fit}: one parallel pass over the input columns (none for a constant).
 */
public final class Imputer implements Estimator<ImputerModel> {
    private List<String> inputCols = List.of();
    private List<String> outputCols;
    private String strategy = "mean";
    private double fillValue = Double.NaN;

    /** An imputer with no columns yet. */
    public Imputer() {
    }

    /** The columns to fill. */
    public Imputer inputCols(String... cols) {
        this.inputCols = List.of(cols);
        return this;
    }

    /** Where to write the filled values (one per input); default: replace the inputs. */
    public Imputer outputCols(String... cols) {
        this.outputCols = List.of(cols);
        return this;
    }

    /** {@code "mean"} (default), {@code "median"} or {@code "constant"}. */
    public Imputer strategy(String s) {
        if (!List.of("mean", "median", "constant").contains(s)) {
            throw new MlException("Parameter strategy = " + s + " is invalid: it must be \"mean\", \"median\" or \"constant\"");
        }
        this.strategy = s;
        return this;
    }

    /** The value for {@code strategy("constant")}. */
    public Imputer fillValue(double v) {
        if (!Double.isFinite(v)) {
            throw new MlException("Parameter fillValue = " + v + " is invalid: it must be finite");
        }
        this.fillValue = v;
        return this;
    }

    @Override
    public ImputerModel fit(DataFrame frame) {
        if (inputCols.isEmpty()) {
            throw new MlException("Imputer: no inputCols(...) given");
        }
        List<String> outs = outputCols == null ? inputCols : outputCols;
        if (outs.size() != inputCols.size()) {
            throw new MlException("Imputer: " + inputCols.size() + " inputCols but " + outs.size() + " outputCols");
        }
        double[] fills = new double[inputCols.size()];
        if (strategy.equals("constant")) {
            if (Double.isNaN(fillValue)) {
                throw new MlException("Imputer: strategy(\"constant\") needs fillValue(...)");
            }
            for (String c : inputCols) {
                new FillMissing(c, fillValue).resultType(frame.schema()); // checks the column
            }
            java.util.Arrays.fill(fills, fillValue);
        } else {
            List<Expr> present = new ArrayList<>();
            List<AggregateExpr> aggs = new ArrayList<>();
            for (int c = 0; c < inputCols.size(); c++) {
                present.add(udf(new FillMissing(inputCols.get(c), Double.NaN)).as("x" + c));
                aggs.add((strategy.equals("mean") ? mean("x" + c) : median("x" + c)).as("v" + c));
                aggs.add(count("x" + c).as("n" + c));
            }
            Row r = frame.select(present.toArray(Expr[]::new)).agg(aggs.toArray(AggregateExpr[]::new)).rows().getFirst();
            for (int c = 0; c < inputCols.size(); c++) {
                if (((Number) r.get("n" + c)).longValue() == 0) {
                    throw new MlException("Imputer: column '" + inputCols.get(c) + "' has no value to compute its " + strategy
                            + " from; use strategy(\"constant\")");
                }
                fills[c] = ((Number) r.get("v" + c)).doubleValue();
            }
        }
        return new ImputerModel(inputCols, outs, fills, strategy);
    }

    @Override
    public String toString() {
        return "Imputer(" + strategy + ")" + inputCols;
    }
}
