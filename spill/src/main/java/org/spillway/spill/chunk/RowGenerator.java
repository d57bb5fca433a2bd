package org.spillway.spill.chunk;

import java.util.List;
import org.spillway.spill.Schema;
import org.spillway.spill.vector.VectorBuilder;

/**
 * A deterministic source of rows that can produce any block of its rows on demand, so a frame can be
 * filled from it block by block, in parallel, without going through a file (see
 * {@code Spillway.generate} in the frame module; the generators of the datasets module implement it).
 *
 * <p>Contract: the values of row {@code i} depend only on {@code i} and the generator's own settings
 * (its seed among them), never on which blocks were filled before, in which order or on which
 * thread. Filling {@code [0, 100)} in one call or as {@code [50, 100)} then {@code [0, 50)} gives
 * the same rows. Implementations are immutable and {@link #fill} may be called concurrently from
 * several threads, each with its own builders.
 */
public interface RowGenerator {
    /** The columns every row has, in the order of the builders passed to {@link #fill}. */
    Schema schema();

    /** The number of rows, {@code >= 0}; rows are numbered {@code 0 .. rows() - 1}. */
    long rows();

    /**
     * Appends rows {@code [fromRow, fromRow + count)} to {@code builders}: exactly {@code count}
     * values to each, one builder per column of {@link #schema()} in schema order, each of the
     * column's type (as {@link VectorBuilder#forType} makes them). Appends to what the builders
     * already hold; it does not reset them. Costs heap only (the builders' scratch).
     *
     * @param fromRow  the first row, {@code 0 <= fromRow <= rows() - count}
     * @param count    the number of rows, {@code >= 0}
     * @param builders one builder per column
     * @throws IndexOutOfBoundsException if the range lies outside {@code [0, rows())}
     * @throws IllegalArgumentException  if the builders do not match the schema (count or types)
     */
    void fill(long fromRow, int count, List<VectorBuilder> builders);

    /**
     * Checks the arguments of {@link #fill} against {@code g}'s row count and schema, with messages
     * that say what was passed and what was expected; for implementations.
     *
     * @throws IndexOutOfBoundsException if the range lies outside {@code [0, g.rows())}
     * @throws IllegalArgumentException  if the builders do not match the schema (count or types)
     */
    static void checkFill(RowGenerator g, long fromRow, int count, List<VectorBuilder> builders) {
        long rows = g.rows();
        if (fromRow < 0 || count < 0 || fromRow > rows - count) {
            throw new IndexOutOfBoundsException("rows [" + fromRow + ", " + fromRow + " + " + count + ") are outside [0, "
                    + rows + ") of " + g);
        }
        Schema s = g.schema();
        if (builders.size() != s.size()) {
            throw new IllegalArgumentException(builders.size() + " builders were given for the " + s.size() + " columns "
                    + s.names() + " of " + g + ": pass one builder per column, in schema order");
        }
        for (int i = 0; i < s.size(); i++) {
            if (builders.get(i).type() != s.type(i)) {
                throw new IllegalArgumentException("The builder for column '" + s.field(i).name() + "' builds "
                        + builders.get(i).type() + " but the column is " + s.type(i)
                        + ": make the builders with VectorBuilder.forType(schema.type(i), rows)");
            }
        }
    }
}
