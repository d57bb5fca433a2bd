package org.spillway.frame;

import java.util.Objects;

/**
 * An ordering on an expression: ascending or descending, with nulls first or last (last by
 * default, for both directions, as in DuckDB). Built with {@link Functions#asc} and
 * {@link Functions#desc}; used by {@link DataFrame#sort(SortOrder...)} and {@link GroupedData#topK}.
 */
public final class SortOrder {
    private final Expr expr;
    private final boolean ascending;
    private final boolean nullsFirst;

    SortOrder(Expr expr, boolean ascending, boolean nullsFirst) {
        this.expr = Objects.requireNonNull(expr, "expr");
        this.ascending = ascending;
        this.nullsFirst = nullsFirst;
    }

    /** The ordered expression. */
    public Expr expr() {
        return expr;
    }

    /** True for ascending order. */
    public boolean ascending() {
        return ascending;
    }

    /** True if nulls sort before every value. */
    public boolean isNullsFirst() {
        return nullsFirst;
    }

    /** The same order with nulls first. */
    public SortOrder nullsFirst() {
        return new SortOrder(expr, ascending, true);
    }

    /** The same order with nulls last. */
    public SortOrder nullsLast() {
        return new SortOrder(expr, ascending, false);
    }

    @Override
    public String toString() {
        return expr + (ascending ? " ASC" : " DESC") + (nullsFirst ? " NULLS FIRST" : " NULLS LAST");
    }
}
