package org.spillway.frame.print;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.List;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.Locale;
import org.spillway.frame.Literals;
import org.spillway.spill.DataType;
import org.spillway.spill.Schema;

/**
 * Renders rows as a box-drawn table in the style of Polars: a header with column names and types,
 * numbers right-aligned, nulls as {@code null}, long strings cut with an ellipsis, timestamp_ntz and
 * time values as DuckDB prints them ({@code 2024-01-02 03:04:05.5}), binary values as lower-case hex
 * ({@code 0a1bff}), and a footer
 * with the row and column counts.
 */
public final class TablePrinter {
    /** Longest cell, in characters, before it is cut. */
    public static final int MAX_CELL = 32;

    private TablePrinter() {
    }

    /**
     * The table of {@code rows} (values in {@code schema} order). {@code more} says there are rows
     * beyond the ones given (the footer then says the table shows the first ones only).
     */
    public static String render(Schema schema, List<Object[]> rows, boolean more) {
        int m = schema.size();
        List<String[]> cells = new ArrayList<>(rows.size());
        int[] width = new int[m];
        String[] names = new String[m];
        String[] types = new String[m];
        for (int j = 0; j < m; j++) {
            names[j] = cut(schema.field(j).name());
            types[j] = schema.type(j).displayName();
            width[j] = Math.max(names[j].length(), types[j].length());
        }
        for (Object[] r : rows) {
            String[] c = new String[m];
            for (int j = 0; j < m; j++) {
                c[j] = cut(format(r[j]));
                width[j] = Math.max(width[j], c[j].length());
            }
            cells.add(c);
        }
        StringBuilder sb = new StringBuilder();
        line(sb, width, '┌', '┬', '┐', '─');
        row(sb, width, names, null);
        row(sb, width, types, null);
        line(sb, width, '╞', '╪', '╡', '═');
        for (String[] c : cells) {
            row(sb, width, c, schema);
        }
        line(sb, width, '└', '┴', '┘', '─');
        sb.append(String.format(Locale.ROOT, more ? "showing the first %,d rows; %d columns%n" : "%,d rows x %d columns%n",
                rows.size(), m));
        return sb.toString();
    }

    /** A value as shown in a table. */
    public static String format(Object v) {
        if (v == null) {
            return "null";
        }
        if (v instanceof Double d) {
            if (d.isNaN() || d.isInfinite()) {
                return d.toString();
            }
            double a = Math.abs(d);
            if (a != 0 && (a < 1e-4 || a >= 1e15)) {
                return String.format(Locale.ROOT, "%.6e", d);
            }
            String s = new BigDecimal(d).round(new MathContext(10)).stripTrailingZeros().toPlainString();
            return s.contains(".") ? s : s + ".0";
        }
        switch (v) {
            case byte[] b -> {
                return Literals.hex(b); // binary: lower-case hex without a prefix, as in CSV
            }
            case LocalDateTime t -> {
                return Literals.formatTimestampNtz(Literals.toLong(t, DataType.TIMESTAMP_NTZ));
            }
            case LocalTime t -> {
                return Literals.formatTime(t.toNanoOfDay() / 1000);
            }
            case BigDecimal d -> {
                return d.toPlainString(); // a decimal at its scale: 12.50
            }
            default -> {
            }
        }
        if (v instanceof String s) {
            return s.replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t");
        }
        return v.toString();
    }

    private static String cut(String s) {
        return s.length() <= MAX_CELL ? s : s.substring(0, MAX_CELL - 1) + "…";
    }

    private static void line(StringBuilder sb, int[] width, char left, char mid, char right, char fill) {
        sb.append(left);
        for (int j = 0; j < width.length; j++) {
            if (j > 0) {
                sb.append(mid);
            }
            sb.append(String.valueOf(fill).repeat(width[j] + 2));
        }
        if (width.length == 0) {
            sb.append(fill).append(fill);
        }
        sb.append(right).append('\n');
    }

    private static void row(StringBuilder sb, int[] width, String[] c, Schema schema) {
        sb.append('│');
        for (int j = 0; j < width.length; j++) {
            if (j > 0) {
                sb.append('┆');
            }
            boolean right = schema != null && (schema.type(j).isNumeric());
            String pad = " ".repeat(width[j] - c[j].length());
            sb.append(' ').append(right ? pad + c[j] : c[j] + pad).append(' ');
        }
        if (width.length == 0) {
            sb.append("  ");
        }
        sb.append("│\n");
    }

    static boolean isNumeric(DataType t) {
        return t.isNumeric();
    }
}
