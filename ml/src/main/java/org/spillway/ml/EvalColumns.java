package org.spillway.ml;

import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.spillway.frame.DataFrame;
import org.spillway.spill.DataType;
import org.spillway.spill.vector.BoolVector;
import org.spillway.spill.vector.ColumnVector;
import org.spillway.spill.vector.DoubleVector;
import org.spillway.spill.vector.IntVector;
import org.spillway.spill.vector.LongVector;
import org.spillway.spill.vector.StringVector;

/** Column checks and chunk-local reads shared by the evaluators. */
final class EvalColumns {
    /** Label types: numbers and booleans (false = 0, true = 1). */
    static final Set<DataType> LABEL_TYPES = Set.of(DataType.INT32, DataType.INT64, DataType.FLOAT64, DataType.BOOL);
    /** Score, prediction and weight types. */
    static final Set<DataType> NUMERIC = Set.of(DataType.INT32, DataType.INT64, DataType.FLOAT64);

    private static final ValueLayout.OfDouble DOUBLE = ValueLayout.JAVA_DOUBLE;

    private EvalColumns() {
    }

    /**
     * Checks that {@code frame} has the column {@code name} (playing {@code role}, set with
     * {@code setter}) of one of the {@code allowed} types.
     */
    static void require(String evaluator, DataFrame frame, String role, String name, String setter, Set<DataType> allowed) {
        List<String> cols = frame.columns();
        if (!cols.contains(name)) {
            throw new MlException(evaluator + ": the " + role + " column '" + name + "' is not in the frame, whose columns are "
                    + cols + "; name the right one with " + setter + "(...)");
        }
        DataType t = frame.type(name);
        if (!allowed.contains(t)) {
            List<String> names = new ArrayList<>();
            for (DataType a : List.of(DataType.INT32, DataType.INT64, DataType.FLOAT64, DataType.BOOL)) {
                if (allowed.contains(a)) {
                    names.add(a.displayName());
                }
            }
            throw new MlException(evaluator + ": the " + role + " column '" + name + "' is " + t + ", but it must be one of "
                    + names + "; cast it first, e.g. withColumn(\"" + name + "\", col(\"" + name + "\").cast(DataType.FLOAT64))");
        }
    }

    /** The distinct names, in order, for a {@code select}. */
    static String[] distinct(String... names) {
        Set<String> out = new LinkedHashSet<>();
        for (String n : names) {
            if (n != null) {
                out.add(n);
            }
        }
        return out.toArray(String[]::new);
    }

    /**
     * The values of a numeric or boolean vector as a chunk-local heap array (booleans as 0 and 1;
     * the value of a null row is unspecified: check {@link ColumnVector#isNull} first).
     */
    static double[] values(ColumnVector v) {
        int n = v.size();
        switch (v) {
            case DoubleVector d -> {
                return d.data().asSlice(0, 8L * n).toArray(DOUBLE);
            }
            case IntVector x -> {
                double[] out = new double[n];
                for (int i = 0; i < n; i++) {
                    out[i] = x.get(i);
                }
                return out;
            }
            case LongVector x -> {
                double[] out = new double[n];
                for (int i = 0; i < n; i++) {
                    out[i] = x.get(i);
                }
                return out;
            }
            case BoolVector x -> {
                double[] out = new double[n];
                for (int i = 0; i < n; i++) {
                    out[i] = x.get(i) ? 1 : 0;
                }
                return out;
            }
            case StringVector s -> throw new IllegalStateException("a string column reached a numeric read: " + s.type());
        }
    }

    /** A value for an error message: integers without a fraction. */
    static String format(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        return Double.toString(v);
    }

    /** A count with thousands separators. */
    static String count(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }
}
