package org.spillway.frame.testkit;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.function.Executable;
import org.spillway.frame.DataFrame;
import org.spillway.frame.Expr;
import org.spillway.frame.Spillway;
import org.spillway.frame.SpillwayException;
import org.spillway.spill.DataType;
import org.spillway.spill.Field;
import org.spillway.spill.Schema;

/**
 * Checks of column functions against DuckDB over one table held by both engines: {@code table} in DuckDB (with a key
 * {@code k} giving the row order) and the frame {@code frame} gives in Spillway, row for row.
 *
 * @param sw    the session
 * @param table the DuckDB table (ordered by {@code k})
 * @param frame the same rows as a Spillway frame, in {@code k} order
 */
public record FunctionOracle(Spillway sw, String table, Supplier<DataFrame> frame) {
    /** Asserts that {@code ours} gives, row by row, what DuckDB's {@code sql} gives over the same rows. */
    public void same(String sql, Expr ours) {
        List<List<Object>> expected = DuckOracle.query("SELECT " + sql + " FROM " + table + " ORDER BY k");
        List<List<Object>> actual = DuckOracle.rows(frame.get().select(ours.as("r")));
        try {
            DuckOracle.assertSameOrderedRows(expected, actual);
        } catch (AssertionError e) {
            throw new AssertionError(ours + " vs DuckDB's " + sql + ": " + e.getMessage(), e);
        }
    }

    /** The values of {@code e} over a one-column frame (column {@code x} of {@code type}) of {@code values}. */
    public List<Object> eval(DataType type, Expr e, Object... values) {
        List<Object[]> rows = new ArrayList<>();
        for (Object v : values) {
            rows.add(new Object[] {v});
        }
        return sw.createDataFrame(Schema.of(new Field("x", type)), rows).select(e.as("r")).column("r");
    }

    /** The type of {@code e} over the frame. */
    public DataType typeOf(Expr e) {
        return frame.get().select(e.as("r")).type("r");
    }

    /** Asserts that {@code call} throws a {@link SpillwayException} whose message holds every fragment; returns it. */
    public static SpillwayException error(Executable call, String... fragments) {
        SpillwayException e = assertThrows(SpillwayException.class, call);
        for (String s : fragments) {
            assertTrue(e.getMessage().contains(s), () -> "message should mention '" + s + "': " + e.getMessage());
        }
        return e;
    }
}
