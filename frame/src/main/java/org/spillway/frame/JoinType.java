package org.spillway.frame;

/**
 * The kinds of {@link DataFrame#join join}, with SQL semantics. A key that is null in any of its
 * columns never matches (not even another null key). With a condition ({@link JoinOn#and(Expr)},
 * {@link DataFrame#join(DataFrame, Expr, JoinType)}) a pair of rows matches only where it is true,
 * and "a match" below means such a pair, as in SQL's {@code ON}.
 */
public enum JoinType {
    /** The matching pairs of rows only. */
    INNER,
    /** Every left row: its matches, or once with nulls in the right columns if it has none. */
    LEFT,
    /** Every right row: its matches, or once with nulls in the left columns if it has none. */
    RIGHT,
    /** Every row of both sides: matching pairs, then each unmatched row of either side with nulls. */
    FULL,
    /** The left rows that have at least one match, once each, with the left columns only. */
    SEMI,
    /** The left rows that have no match (including rows with a null key), with the left columns only. */
    ANTI,
    /** Every pair of rows (the Cartesian product); takes no keys. See {@link DataFrame#crossJoin}. */
    CROSS;

    /**
     * Parses a name as Spark and Polars spell them: {@code inner}, {@code left}, {@code left_outer},
     * {@code full_outer}, {@code outer}, {@code left_semi}, {@code left_anti}, {@code semi}, {@code anti},
     * {@code cross}, ...
     */
    public static JoinType parse(String name) {
        String n = name.trim().toLowerCase(java.util.Locale.ROOT).replace("_", "").replace(" ", "");
        return switch (n) {
            case "inner" -> INNER;
            case "left", "leftouter" -> LEFT;
            case "right", "rightouter" -> RIGHT;
            case "full", "outer", "fullouter" -> FULL;
            case "semi", "leftsemi" -> SEMI;
            case "anti", "leftanti" -> ANTI;
            case "cross" -> CROSS;
            default -> throw new SpillwayException("Unknown join type '" + name + "'; use one of inner, left, right, full, semi, anti, cross");
        };
    }
}
