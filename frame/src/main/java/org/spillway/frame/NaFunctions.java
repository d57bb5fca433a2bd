package org.spillway.frame;

import static org.spillway.frame.Functions.col;
import static org.spillway.frame.Functions.lit;
import static org.spillway.frame.Functions.when;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.spillway.spill.DataType;
import org.spillway.spill.Schema;

/**
 * Missing-value helpers of a frame, from {@link DataFrame#na()}, as Spark's {@code DataFrameNaFunctions}:
 * {@code df.na().fill(0)}, {@code df.na().fill("unknown", "city")}, {@code df.na().drop()},
 * {@code df.na().drop("all", "a", "b")}. A value is missing when it is null or, in a float64 column, NaN (as in
 * Spark). Each method returns a new lazy frame with the same columns in the same order.
 *
 * <p>Which columns a fill value applies to: a number fills numeric and decimal columns (converted to the
 * column's type as {@link Expr#cast} converts: 1.5 fills an int column with 1), a string fills string columns, a
 * boolean bool columns, a {@code LocalDate} date columns, and so on for the other Java values of
 * {@link DataType}. Without column names the value fills every column it applies to and leaves the others
 * (Spark's rule); a named column it does not apply to is an error naming the column and its type.
 */
public final class NaFunctions {
    private final DataFrame frame;

    NaFunctions(DataFrame frame) {
        this.frame = frame;
    }

    // ---- fill -------------------------------------------------------------------------------

    /** Replaces missing values with {@code value} in every column of a type it applies to (see the class comment). */
    public DataFrame fill(Object value) {
        Schema s = frame.schema();
        Map<String, Object> fills = new LinkedHashMap<>();
        for (int i = 0; i < s.size(); i++) {
            if (applies(value, s.type(i))) {
                fills.put(s.field(i).name(), value);
            }
        }
        return fill(fills);
    }

    /**
     * Replaces missing values with {@code value} in the named columns.
     *
     * @throws SpillwayException if a column is missing or {@code value} does not apply to its type
     */
    public DataFrame fill(Object value, String... columns) {
        Map<String, Object> fills = new LinkedHashMap<>();
        for (String c : columns) {
            fills.put(c, value);
        }
        return fill(fills);
    }

    /**
     * Replaces missing values column by column: {@code fill(Map.of("city", "unknown", "age", 0))}.
     *
     * @throws SpillwayException if a column is missing, a value is null, or a value does not apply to its column's type
     */
    public DataFrame fill(Map<String, ?> valuesByColumn) {
        Schema s = frame.schema();
        for (var e : valuesByColumn.entrySet()) {
            int i = index(s, e.getKey());
            if (e.getValue() == null) {
                throw new SpillwayException("na().fill: the value for column '" + e.getKey() + "' is null; give a value to fill with");
            }
            if (!applies(e.getValue(), s.type(i))) {
                throw new SpillwayException(String.format(Locale.ROOT, "na().fill: cannot fill column '%s' (%s) with %s %s",
                        e.getKey(), s.type(i), e.getValue().getClass().getSimpleName(), e.getValue()));
            }
        }
        if (valuesByColumn.isEmpty()) {
            return frame;
        }
        List<Expr> out = new ArrayList<>();
        for (int i = 0; i < s.size(); i++) {
            String name = s.field(i).name();
            Object v = valuesByColumn.get(name);
            DataType t = s.type(i);
            out.add(v == null ? col(name) : when(missing(name, t), lit(v).cast(t)).otherwise(col(name)).as(name));
        }
        return frame.select(out.toArray(Expr[]::new));
    }

    // ---- drop -------------------------------------------------------------------------------

    /** Drops the rows with a missing value in any column. */
    public DataFrame drop() {
        return drop("any");
    }

    /**
     * Drops the rows with a missing value in any column ({@code how = "any"}) or missing in every column
     * ({@code "all"}).
     *
     * @throws SpillwayException if {@code how} is neither
     */
    public DataFrame drop(String how) {
        return drop(how, frame.columns().toArray(String[]::new));
    }

    /**
     * Drops the rows with a missing value in any ({@code how = "any"}) or all ({@code "all"}) of the named columns:
     * {@code df.na().drop("any", "a", "b")}.
     *
     * @throws SpillwayException if {@code how} is neither, or a column is missing
     */
    public DataFrame drop(String how, String... columns) {
        boolean any = switch (how == null ? "" : how.toLowerCase(Locale.ROOT)) {
            case "any" -> true;
            case "all" -> false;
            default -> throw new SpillwayException("na().drop: how must be \"any\" or \"all\", not \"" + how
                    + "\"; to consider only some columns, name them after it: drop(\"any\", \"a\", \"b\")");
        };
        return any ? drop(columns.length, columns) : drop(1, columns);
    }

    /** Drops the rows with fewer than {@code minNonMissing} values present in any column. */
    public DataFrame drop(int minNonMissing) {
        return drop(minNonMissing, frame.columns().toArray(String[]::new));
    }

    /**
     * Drops the rows with fewer than {@code minNonMissing} values present among the named columns (Spark's
     * {@code drop(minNonNulls, cols)}).
     *
     * @throws SpillwayException if a column is missing or {@code minNonMissing} is negative
     */
    public DataFrame drop(int minNonMissing, String... columns) {
        if (minNonMissing < 0) {
            throw new SpillwayException("na().drop: the minimum number of present values must be at least 0, not " + minNonMissing);
        }
        Schema s = frame.schema();
        List<Expr> present = new ArrayList<>();
        for (String c : columns) {
            present.add(missing(c, s.type(index(s, c))).not());
        }
        if (minNonMissing == 0) {
            return frame;
        }
        if (minNonMissing > present.size()) {
            return frame.limit(0);
        }
        Expr keep;
        if (minNonMissing == present.size()) {
            keep = present.stream().reduce(Expr::and).orElseThrow();
        } else if (minNonMissing == 1) {
            keep = present.stream().reduce(Expr::or).orElseThrow();
        } else {
            Expr n = present.stream().map(p -> (Expr) when(p, 1).otherwise(0)).reduce(Expr::plus).orElseThrow();
            keep = n.geq(minNonMissing);
        }
        return frame.filter(keep);
    }

    // ---- rules ------------------------------------------------------------------------------

    /** True where the column is null, or NaN for float64 (never null itself). */
    private static Expr missing(String column, DataType t) {
        Expr isNull = col(column).isNull();
        return t == DataType.FLOAT64 ? isNull.or(col(column).isNaN()) : isNull;
    }

    private static int index(Schema s, String column) {
        int i = s.indexOf(column);
        if (i < 0) {
            throw new ColumnNotFoundException(column, s.names());
        }
        return i;
    }

    /** True when {@code value} fills a column of type {@code t}. */
    static boolean applies(Object value, DataType t) {
        DataType.Kind k = t.kind();
        return switch (value) {
            case null -> false;
            case Number n when n instanceof BigDecimal || n instanceof Double || n instanceof Float || n instanceof Long
                    || n instanceof Integer || n instanceof Short || n instanceof Byte ->
                    t.isNumeric() || k == DataType.Kind.DECIMAL || k == DataType.Kind.DECIMAL128;
            case String ignored -> k == DataType.Kind.STRING;
            case Boolean ignored -> k == DataType.Kind.BOOL;
            case java.time.LocalDate ignored -> k == DataType.Kind.DATE;
            case java.time.Instant ignored -> k == DataType.Kind.TIMESTAMP;
            case java.time.LocalDateTime ignored -> k == DataType.Kind.TIMESTAMP_NTZ;
            case java.time.LocalTime ignored -> k == DataType.Kind.TIME;
            case byte[] ignored -> k == DataType.Kind.BINARY;
            default -> false;
        };
    }

    @Override
    public String toString() {
        return "NaFunctions of " + frame.columns();
    }
}
