package org.spillway.ml.linear;

import java.util.List;
import java.util.Set;
import org.spillway.frame.ColumnNotFoundException;
import org.spillway.frame.Expr;
import org.spillway.frame.Functions;
import org.spillway.frame.udf.HeapColumn;
import org.spillway.frame.udf.VectorFunction;
import org.spillway.spill.DataType;
import org.spillway.spill.Schema;
import org.spillway.spill.chunk.Chunk;
import org.spillway.spill.vector.ColumnVector;

/** Frame expressions that turn margins into probabilities and class predictions. */
public final class ScoreExprs {
    private ScoreExprs() {
    }

    /** The logistic function of a float64 column: {@code 1 / (1 + e^-m)}. */
    public static Expr sigmoid(String column) {
        return Functions.udf(new Over(List.of(column), "sigmoid") {
            @Override
            void compute(double[][] in, int n, double[] out) {
                for (int i = 0; i < n; i++) {
                    double m = in[0][i];
                    out[i] = m >= 0 ? 1 / (1 + Math.exp(-m)) : Math.exp(m) / (1 + Math.exp(m));
                }
            }
        });
    }

    /** The softmax probability of class {@code k} given one margin column per class. */
    public static Expr softmax(List<String> margins, int k) {
        return Functions.udf(new Over(margins, "softmax[" + k + "]") {
            @Override
            void compute(double[][] in, int n, double[] out) {
                for (int i = 0; i < n; i++) {
                    double max = Double.NEGATIVE_INFINITY;
                    for (double[] c : in) {
                        max = Math.max(max, c[i]);
                    }
                    double z = 0;
                    for (double[] c : in) {
                        z += Math.exp(c[i] - max);
                    }
                    out[i] = Math.exp(in[k][i] - max) / z;
                }
            }
        });
    }

    /** The index (as float64) of the largest of the columns, the first on ties. */
    public static Expr argmax(List<String> columns) {
        return Functions.udf(new Over(columns, "argmax") {
            @Override
            void compute(double[][] in, int n, double[] out) {
                for (int i = 0; i < n; i++) {
                    int best = 0;
                    for (int c = 1; c < in.length; c++) {
                        if (in[c][i] > in[best][i]) {
                            best = c;
                        }
                    }
                    out[i] = best;
                }
            }
        });
    }

    /** 1.0 where the column is above {@code threshold}, else 0.0. */
    public static Expr above(String column, double threshold) {
        return Functions.udf(new Over(List.of(column), "above " + threshold) {
            @Override
            void compute(double[][] in, int n, double[] out) {
                for (int i = 0; i < n; i++) {
                    out[i] = in[0][i] > threshold ? 1 : 0;
                }
            }
        });
    }

    /** A float64 function of float64 columns, null where any input is null. */
    private abstract static class Over implements VectorFunction {
        private final List<String> columns;
        private final String name;

        Over(List<String> columns, String name) {
            this.columns = List.copyOf(columns);
            this.name = name;
        }

        abstract void compute(double[][] in, int n, double[] out);

        @Override
        public DataType resultType(Schema schema) {
            for (String c : columns) {
                int i = schema.indexOf(c);
                if (i < 0) {
                    throw new ColumnNotFoundException(c, schema.names());
                }
                if (schema.type(i) != DataType.FLOAT64) {
                    throw new IllegalArgumentException("column '" + c + "' must be float64 for " + name + ", not " + schema.type(i));
                }
            }
            return DataType.FLOAT64;
        }

        @Override
        public HeapColumn apply(Chunk chunk) {
            int n = chunk.rows();
            double[][] in = new double[columns.size()][n];
            HeapColumn out = new HeapColumn(DataType.FLOAT64, n);
            for (int c = 0; c < in.length; c++) {
                ColumnVector v = chunk.column(columns.get(c));
                DesignBlock.readDoubles(v, in[c], n);
                if (v.hasNulls()) {
                    for (int i = 0; i < n; i++) {
                        if (v.isNull(i)) {
                            out.setNull(i);
                        }
                    }
                }
            }
            compute(in, n, out.doubles);
            return out;
        }

        @Override
        public Set<String> inputColumns() {
            return new java.util.LinkedHashSet<>(columns);
        }

        @Override
        public String toString() {
            return name + "(" + String.join(", ", columns) + ")";
        }
    }
}
