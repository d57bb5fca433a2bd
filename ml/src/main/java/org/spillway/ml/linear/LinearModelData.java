package org.spillway.ml.linear;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.spillway.frame.Expr;
import org.spillway.frame.udf.HeapColumn;
import org.spillway.frame.udf.VectorFunction;
import org.spillway.ml.MlException;
import org.spillway.ml.FeatureLayout;
import org.spillway.spill.DataType;
import org.spillway.spill.Schema;
import org.spillway.spill.chunk.Chunk;
import org.spillway.spill.vector.ColumnVector;
import org.spillway.spill.vector.IntVector;

/**
 * The learned part of a linear model: the feature layout, and per margin (one, or one per class)
 * the coefficients on the features' own scale and an intercept. Computes margins for a chunk (as a
 * frame expression, {@link #marginExpr}) or for one row ({@link #margin(Map, int)}).
 */
public final class LinearModelData {
    private final FeatureLayout layout;
    private final double[][] coefficients;
    private final double[] intercepts;

    /** Wraps a fitted layout, coefficients (K x D) and intercepts (K). */
    public LinearModelData(FeatureLayout layout, double[][] coefficients, double[] intercepts) {
        if (coefficients.length != intercepts.length || coefficients.length == 0) {
            throw new IllegalArgumentException("need one intercept per margin");
        }
        for (double[] c : coefficients) {
            if (c.length != layout.dimension()) {
                throw new IllegalArgumentException("coefficient rows must have " + layout.dimension() + " entries");
            }
        }
        this.layout = layout;
        this.coefficients = deepCopy(coefficients);
        this.intercepts = intercepts.clone();
    }

    private static double[][] deepCopy(double[][] a) {
        double[][] out = new double[a.length][];
        for (int i = 0; i < a.length; i++) {
            out[i] = a[i].clone();
        }
        return out;
    }

    /** The feature layout. */
    public FeatureLayout layout() {
        return layout;
    }

    /** The number of margins. */
    public int margins() {
        return intercepts.length;
    }

    /** A copy of the coefficients, margin by margin. */
    public double[][] coefficients() {
        return deepCopy(coefficients);
    }

    /** A copy of the intercepts. */
    public double[] intercepts() {
        return intercepts.clone();
    }

    /** The margin {@code k} of one row given by column name (numeric values; slot codes for encoded columns). */
    public double margin(Map<String, ?> row, int k) {
        double m = intercepts[k];
        double[] beta = coefficients[k];
        for (FeatureLayout.Block b : layout.blocks()) {
            Object v = row.get(b.column());
            if (v == null) {
                throw new MlException(row.containsKey(b.column()) ? "Feature '" + b.column() + "' is null"
                        : "The row has no feature '" + b.column() + "' (it has " + row.keySet() + ")");
            }
            double x;
            if (v instanceof Number num) {
                x = num.doubleValue();
            } else if (v instanceof Boolean bool) {
                x = bool ? 1 : 0;
            } else {
                throw new MlException("Feature '" + b.column() + "' must be a number, not " + v.getClass().getSimpleName()
                        + " '" + v + "' (encode categories with the fitted encoder first)");
            }
            if (b.isValue()) {
                m += beta[b.offset()] * x;
            } else {
                int code = (int) x;
                if (code != x || code < -1 || code >= b.size()) {
                    throw new MlException("Encoded feature '" + b.column() + "' must be a slot in [-1, " + b.size() + "), not " + v);
                }
                if (code >= 0) {
                    m += beta[b.offset() + code];
                }
            }
        }
        return m;
    }

    /** The positions in {@code layout} of the columns the blocks read, block by block ({@link #margin(Object[], int[], int)}). */
    public int[] positions(org.spillway.ml.RowLayout layout, String owner) {
        List<FeatureLayout.Block> blocks = layout().blocks();
        int[] at = new int[blocks.size()];
        for (int i = 0; i < at.length; i++) {
            at[i] = layout.read(blocks.get(i).column(), owner);
        }
        return at;
    }

    /** Whether a feature of {@code row} (at {@code positions}, from {@link #positions}) is null. */
    public boolean anyNull(Object[] row, int[] positions) {
        for (int p : positions) {
            if (row[p] == null) {
                return true;
            }
        }
        return false;
    }

    /**
     * Margin {@code k} of a row held as an array, its features at {@code positions} (none null): the same sums in the
     * same order as {@link #marginExpr}, so the same value; a slot code outside the block adds nothing, as there.
     */
    public double margin(Object[] row, int[] positions, int k) {
        double m = intercepts[k];
        double[] beta = coefficients[k];
        List<FeatureLayout.Block> blocks = layout.blocks();
        for (int i = 0; i < positions.length; i++) {
            FeatureLayout.Block b = blocks.get(i);
            Object v = row[positions[i]];
            if (b.isValue()) {
                double x;
                if (v instanceof Number num) {
                    x = num.doubleValue();
                } else if (v instanceof Boolean bool) {
                    x = bool ? 1 : 0;
                } else {
                    throw new MlException("Feature '" + b.column() + "' must be a number, not " + v.getClass().getSimpleName()
                            + " '" + v + "'");
                }
                m += beta[b.offset()] * x;
            } else {
                if (!(v instanceof Number num)) {
                    throw new MlException("Encoded feature '" + b.column() + "' must be an int slot code, not " + v.getClass().getSimpleName()
                            + " '" + v + "' (encode categories with the fitted encoder first)");
                }
                int code = num.intValue();
                if (code >= 0 && code < b.size()) {
                    m += beta[b.offset() + code];
                }
            }
        }
        return m;
    }

    /** An expression computing margin {@code k} for each row (null where a feature is null). */
    public Expr marginExpr(int k, String modelName) {
        return org.spillway.frame.Functions.udf(new MarginFunction(this, k, modelName));
    }

    /** Writes the layout, coefficients and intercepts into {@code out}. */
    public void writeJson(ObjectNode out) {
        layout.writeJson(out.putObject("features"));
        ArrayNode cs = out.putArray("coefficients");
        for (double[] row : coefficients) {
            ArrayNode r = cs.addArray();
            for (double v : row) {
                r.add(v);
            }
        }
        ArrayNode is = out.putArray("intercepts");
        for (double v : intercepts) {
            is.add(v);
        }
    }

    /** Reads what {@link #writeJson} wrote. */
    public static LinearModelData readJson(JsonNode in) {
        FeatureLayout layout = FeatureLayout.readJson(required(in, "features"));
        JsonNode cs = required(in, "coefficients");
        JsonNode is = required(in, "intercepts");
        if (!cs.isArray() || !is.isArray() || cs.size() != is.size() || cs.isEmpty()) {
            throw new MlException("\"coefficients\" and \"intercepts\" must be arrays with one entry per margin");
        }
        double[][] c = new double[cs.size()][];
        double[] b = new double[is.size()];
        for (int k = 0; k < c.length; k++) {
            JsonNode row = cs.get(k);
            if (row.size() != layout.dimension()) {
                throw new MlException("coefficient row " + k + " has " + row.size() + " entries, but the layout has "
                        + layout.dimension() + " features");
            }
            c[k] = new double[row.size()];
            for (int j = 0; j < c[k].length; j++) {
                c[k][j] = number(row.get(j), "coefficients");
            }
            b[k] = number(is.get(k), "intercepts");
        }
        return new LinearModelData(layout, c, b);
    }

    static JsonNode required(JsonNode in, String field) {
        JsonNode n = in.get(field);
        if (n == null || n.isNull()) {
            throw new MlException("the field \"" + field + "\" is missing");
        }
        return n;
    }

    static double number(JsonNode n, String field) {
        if (n == null || !n.isNumber()) {
            throw new MlException("\"" + field + "\" holds a non-number: " + n);
        }
        return n.asDouble();
    }

    /** Margin {@code k} of each row, read straight from the chunk's vectors. */
    private static final class MarginFunction implements VectorFunction {
        private final LinearModelData m;
        private final int k;
        private final String model;

        MarginFunction(LinearModelData m, int k, String model) {
            this.m = m;
            this.k = k;
            this.model = model;
        }

        @Override
        public DataType resultType(Schema schema) {
            m.layout.check(schema);
            return DataType.FLOAT64;
        }

        @Override
        public HeapColumn apply(Chunk chunk) {
            int n = chunk.rows();
            HeapColumn out = new HeapColumn(DataType.FLOAT64, n);
            double[] r = out.doubles;
            java.util.Arrays.fill(r, m.intercepts[k]);
            double[] beta = m.coefficients[k];
            double[] x = new double[n];
            for (FeatureLayout.Block b : m.layout.blocks()) {
                ColumnVector v = chunk.column(b.column());
                if (b.isValue()) {
                    DesignBlock.readDoubles(v, x, n);
                    double c = beta[b.offset()];
                    for (int i = 0; i < n; i++) {
                        r[i] += c * x[i];
                    }
                } else {
                    IntVector iv = (IntVector) v;
                    int off = b.offset();
                    int size = b.size();
                    for (int i = 0; i < n; i++) {
                        int code = iv.get(i);
                        if (code >= 0 && code < size) {
                            r[i] += beta[off + code];
                        }
                    }
                }
                if (v.hasNulls()) {
                    for (int i = 0; i < n; i++) {
                        if (v.isNull(i)) {
                            out.setNull(i);
                        }
                    }
                }
            }
            return out;
        }

        @Override
        public Set<String> inputColumns() {
            return new java.util.LinkedHashSet<>(m.layout.columns());
        }

        @Override
        public String toString() {
            return model + ".margin" + (m.margins() > 1 ? "[" + k + "]" : "") + "(" + String.join(", ", m.layout.columns()) + ")";
        }
    }
}
