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
 * types only with the same type.
 *
 * <p><b>An extra condition.</b> {@link #and(Expr)} adds a condition that is not an equality of keys,
 * as in SQL's {@code ON l.sku = r.sku AND l.ts >= r.valid_from}:
 * <pre>{@code
 * orders.join(prices, on("sku").and(col("ts").geq(col("valid_from"))), JoinType.LEFT)
 * }</pre>
 * The condition is part of the match, for every join type: a pair of rows matches when its keys are
 * equal and the condition is true (not false, not null). So an inner join keeps the matching pairs;
 * a left join keeps a left row whose every key match fails the condition once, with nulls for the
 * right columns (exactly {@code LEFT JOIN ... ON k = k AND cond} in SQL, not a filter after the
 * join); right and full joins likewise; a semi join keeps the left rows with at least one matching
 * pair, an anti join those with none.
 *
 * <p><b>Column names in the condition.</b> The condition sees one joined pair of rows, its columns
 * named as the output of an inner join on the same keys names them: every left column by its name,
 * every right column by its name, or with the suffix ({@code _right} by default) when a left column
 * has that name; a key of {@code on("k")} once, as {@code k} (it is equal on both sides of a pair).
 * So in {@code l.join(r, on("id").and(col("v").lt(col("v_right"))))} {@code v} is the left row's and
 * {@code v_right} the right row's. Semi and anti joins name them the same way, though their output
 * holds the left columns only. A name that is neither is an error naming the columns the condition
 * can read. An equality of a left and a right column in the condition is used as a join key.
 * Immutable.
 */
public final class JoinOn {
    private final List<String> left;
    private final List<String> right;
    private final boolean using;
    private final Expr condition;

    private JoinOn(List<String> left, List<String> right, boolean using, Expr condition) {
        this.left = List.copyOf(left);
        this.right = List.copyOf(right);
        this.using = using;
        this.condition = condition;
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
        return new JoinOn(List.of(columns), List.of(columns), true, null);
    }

    static JoinOn pair(Expr left, Expr right) {
        return new JoinOn(List.of(name(left, "left")), List.of(name(right, "right")), false, null);
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
        return new JoinOn(l, r, false, condition);
    }

    /**
     * These keys and an extra condition on each pair of rows that matches them, for any form of keys:
     * {@code on("sku").and(col("ts").geq(col("valid_from")))}. Called again, the conditions are
     * joined by {@code AND}. See the class comment for what the condition means for each join type
     * and how it names the columns of the two sides.
     */
    public JoinOn and(Expr condition) {
        java.util.Objects.requireNonNull(condition, "condition");
        return new JoinOn(left, right, using, this.condition == null ? condition : this.condition.and(condition));
    }

    /** The extra condition of {@link #and(Expr)}, or null. */
    public Expr condition() {
        return condition;
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
            return "on(" + String.join(", ", left) + ")" + (condition == null ? "" : " AND " + condition);
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < left.size(); i++) {
            sb.append(i == 0 ? "" : " AND ").append(left.get(i)).append(" = ").append(right.get(i));
        }
        if (condition != null) {
            sb.append(" AND ").append(condition);
        }
        return sb.toString();
    }
}
