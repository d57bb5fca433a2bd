package org.spillway.frame;

import java.util.ArrayList;
import java.util.List;
import org.spillway.frame.Expr.ColumnRef;

/**
 * The keys of a join, built with {@link Functions#on(String...)} or {@link Functions#on(Expr, Expr)}.
 *
 * <ul>
 *   <li>{@code on("id1", "id2")} joins on columns named alike on both sides (SQL's {@code USING}): the
 *       result holds each key column once, in the left side's position (for a right or full join, the
 *       value of whichever side has the row), followed by the right side's other columns.</li>
 *   <li>{@code on(col("a"), col("b")).and(col("c"), col("d"))} pairs a left column with a right column
 *       (SQL's {@code ON a = b AND c = d}): the result holds every column of both sides.</li>
 * </ul>
 *
 * <p>In both forms a right column whose name is already in the result gets a suffix ({@code _right}
 * unless given to {@link DataFrame#join(DataFrame, JoinOn, JoinType, String)}). Key columns are
 * compared by value: integers of either width with each other, strings by their UTF-8 bytes, other
 * types only with the same type. Immutable.
 */
public final class JoinOn {
    private final List<String> left;
    private final List<String> right;
    private final boolean using;

    private JoinOn(List<String> left, List<String> right, boolean using) {
        this.left = List.copyOf(left);
        this.right = List.copyOf(right);
        this.using = using;
    }

    static JoinOn using(String... columns) {
        if (columns.length == 0) {
            throw new SpillwayException("on() needs at least one key column; for a Cartesian product use crossJoin(other)");
        }
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (String c : columns) {
            if (!seen.add(c)) {
                throw new SpillwayException("Join key '" + c + "' is named twice in on(...)");
            }
        }
        return new JoinOn(List.of(columns), List.of(columns), true);
    }

    static JoinOn pair(Expr left, Expr right) {
        return new JoinOn(List.of(name(left, "left")), List.of(name(right, "right")), false);
    }

    private static String name(Expr e, String side) {
        if (e instanceof ColumnRef c) {
            return c.column();
        }
        throw new SpillwayException("Join keys must be columns, but the " + side + " key is " + e
                + "; add it as a column first, e.g. withColumn(\"k\", " + e + ")");
    }

    /** These keys and the pair {@code left = right}. Not for {@code on(String...)} keys. */
    public JoinOn and(Expr leftKey, Expr rightKey) {
        if (using) {
            throw new SpillwayException("Cannot add a pair of keys to on(" + String.join(", ", left)
                    + "); write on(col(\"a\"), col(\"b\")).and(...) with every pair instead");
        }
        List<String> l = new ArrayList<>(left);
        List<String> r = new ArrayList<>(right);
        l.add(name(leftKey, "left"));
        r.add(name(rightKey, "right"));
        return new JoinOn(l, r, false);
    }

    /** The left key columns. */
    public List<String> leftKeys() {
        return left;
    }

    /** The right key columns, paired with {@link #leftKeys()}. */
    public List<String> rightKeys() {
        return right;
    }

    /** True for {@code on("a", "b")}: same names on both sides, each key column kept once. */
    public boolean isUsing() {
        return using;
    }

    @Override
    public String toString() {
        if (using) {
            return "on(" + String.join(", ", left) + ")";
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < left.size(); i++) {
            sb.append(i == 0 ? "" : " AND ").append(left.get(i)).append(" = ").append(right.get(i));
        }
        return sb.toString();
    }
}
