package org.spillway.frame;

import org.spillway.frame.expr.CaseWhen;
import org.spillway.frame.expr.ColumnRef;
import org.spillway.frame.expr.Literal;

/**
 * Static factories for expressions, meant for {@code import static org.spillway.frame.Functions.*}
 * ({@code ./spillway shell} does this for you).
 */
public final class Functions {
    private Functions() {
    }

    /** A reference to the column named {@code name}. */
    public static Expr col(String name) {
        return new ColumnRef(name);
    }

    /**
     * A literal: a number, String, Boolean, LocalDate, Instant or null. An {@code Expr} is returned
     * unchanged, so every method taking an operand accepts both.
     */
    public static Expr lit(Object value) {
        return value instanceof Expr e ? e : new Literal(value);
    }

    /** Starts {@code when(cond).then(value).otherwise(value)}, Polars style. */
    public static CaseWhen.Pending when(Expr condition) {
        return new CaseWhen.Pending(java.util.List.of(), condition, null);
    }

    /** Starts {@code when(cond, value).when(...).otherwise(value)}; rows matching no branch get the otherwise value (null if none). */
    public static CaseWhen when(Expr condition, Object value) {
        return new CaseWhen(java.util.List.of(new CaseWhen.Branch(condition, lit(value))), null);
    }
}
