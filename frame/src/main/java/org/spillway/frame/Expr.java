package org.spillway.frame;

import java.util.LinkedHashSet;
import java.util.Set;
import org.spillway.frame.expr.Alias;
import org.spillway.frame.expr.BinaryExpr;
import org.spillway.frame.expr.BinaryExpr.Op;
import org.spillway.frame.expr.CastExpr;
import org.spillway.frame.expr.Literal;
import org.spillway.frame.expr.StringFunction;
import org.spillway.frame.expr.UnaryExpr;
import org.spillway.frame.expr.Values;
import org.spillway.spill.DataType;
import org.spillway.spill.Schema;
import org.spillway.spill.chunk.Chunk;

/**
 * A column expression: a column reference, a literal, or an operation on expressions. Immutable;
 * every method returns a new expression. Build them with {@link Functions} ({@code col}, {@code lit},
 * {@code when}) and these methods, named as in Spark's Java API. Every operand may be an
 * {@code Expr} or a plain Java value ({@code col("x").gt(2)} equals {@code col("x").gt(lit(2))}).
 *
 * <p>Types are checked when the expression is added to a frame; errors name the column and the
 * types. Nulls follow SQL: an operation on null is null, {@code and}/{@code or} use three-valued
 * logic, and a filter keeps only rows where the predicate is true.
 */
public abstract class Expr {
    /** For subclasses. */
    protected Expr() {
    }

    /**
     * The result type against {@code schema}.
     *
     * @throws SpillwayException when a column is missing or the types do not fit
     */
    public abstract DataType type(Schema schema);

    /** Evaluates over one chunk whose schema the expression was checked against. */
    public abstract Values eval(Chunk chunk);

    /** The output column name when none is given with {@link #as}: the column name, or the expression text. */
    public String name() {
        return toString();
    }

    /**
     * The metadata of the output column against {@code schema} (see {@link org.spillway.spill.Field#metadata()}):
     * a column reference keeps its column's, an alias its child's; every other expression gives none
     * unless it overrides this.
     */
    public java.util.Map<String, String> metadata(Schema schema) {
        return java.util.Map.of();
    }

    /** Adds the names of the columns this expression reads. */
    public abstract void collectColumns(Set<String> out);

    /** The names of the columns this expression reads. */
    public final Set<String> columns() {
        Set<String> out = new LinkedHashSet<>();
        collectColumns(out);
        return out;
    }

    // ---- arithmetic -------------------------------------------------------------------------

    /** {@code this + other}. Integers add exactly (overflow is an error); int32 + int32 is int64. */
    public Expr plus(Object other) {
        return new BinaryExpr(Op.PLUS, this, Functions.lit(other));
    }

    /** {@code this - other}. */
    public Expr minus(Object other) {
        return new BinaryExpr(Op.MINUS, this, Functions.lit(other));
    }

    /** {@code this * other}. */
    public Expr multiply(Object other) {
        return new BinaryExpr(Op.MULTIPLY, this, Functions.lit(other));
    }

    /** {@code this / other}, always float64 (as Spark's {@code divide}); division by zero gives null. */
    public Expr divide(Object other) {
        return new BinaryExpr(Op.DIVIDE, this, Functions.lit(other));
    }

    /** {@code this % other} (sign of the dividend, as Java and SQL); by zero gives null. */
    public Expr mod(Object other) {
        return new BinaryExpr(Op.MOD, this, Functions.lit(other));
    }

    // ---- comparison -------------------------------------------------------------------------

    /** {@code this > other}. */
    public Expr gt(Object other) {
        return new BinaryExpr(Op.GT, this, Functions.lit(other));
    }

    /** {@code this >= other}. */
    public Expr geq(Object other) {
        return new BinaryExpr(Op.GEQ, this, Functions.lit(other));
    }

    /** {@code this < other}. */
    public Expr lt(Object other) {
        return new BinaryExpr(Op.LT, this, Functions.lit(other));
    }

    /** {@code this <= other}. */
    public Expr leq(Object other) {
        return new BinaryExpr(Op.LEQ, this, Functions.lit(other));
    }

    /** {@code this = other} (null if either side is null; use {@link #isNull()} to test for null). */
    public Expr eq(Object other) {
        return new BinaryExpr(Op.EQ, this, Functions.lit(other));
    }

    /** {@code this <> other}. */
    public Expr neq(Object other) {
        return new BinaryExpr(Op.NEQ, this, Functions.lit(other));
    }

    // ---- logic ------------------------------------------------------------------------------

    /** Three-valued {@code this AND other}. */
    public Expr and(Object other) {
        return new BinaryExpr(Op.AND, this, Functions.lit(other));
    }

    /** Three-valued {@code this OR other}. */
    public Expr or(Object other) {
        return new BinaryExpr(Op.OR, this, Functions.lit(other));
    }

    /** {@code NOT this} (null stays null). */
    public Expr not() {
        return new UnaryExpr(UnaryExpr.Op.NOT, this);
    }

    /** True where this is null. */
    public Expr isNull() {
        return new UnaryExpr(UnaryExpr.Op.IS_NULL, this);
    }

    /** True where this is not null. */
    public Expr isNotNull() {
        return new UnaryExpr(UnaryExpr.Op.IS_NOT_NULL, this);
    }

    /** {@code -this}. */
    public Expr negate() {
        return new UnaryExpr(UnaryExpr.Op.NEGATE, this);
    }

    // ---- types and names --------------------------------------------------------------------

    /**
     * Converts to {@code type}. Numbers convert to each other (float to integer truncates toward
     * zero; out of range is an error), anything converts to string, strings parse to numbers,
     * bools, dates and timestamps (an unparsable string is an error naming the value).
     */
    public Expr cast(DataType type) {
        return new CastExpr(this, type);
    }

    /** Names the result column (Spark's {@code as}/{@code alias}). */
    public Expr as(String name) {
        return new Alias(this, name);
    }

    /** Same as {@link #as}. */
    public Expr alias(String name) {
        return as(name);
    }

    // ---- strings ----------------------------------------------------------------------------

    /** Length in characters (Unicode code points), int32. */
    public Expr length() {
        return new StringFunction(StringFunction.Fn.LENGTH, this, null, 0, 0);
    }

    /** Lower case (locale-independent). */
    public Expr lower() {
        return new StringFunction(StringFunction.Fn.LOWER, this, null, 0, 0);
    }

    /** Upper case (locale-independent). */
    public Expr upper() {
        return new StringFunction(StringFunction.Fn.UPPER, this, null, 0, 0);
    }

    /** Leading and trailing white space removed. */
    public Expr trim() {
        return new StringFunction(StringFunction.Fn.TRIM, this, null, 0, 0);
    }

    /** True where the string contains {@code text}. */
    public Expr contains(String text) {
        return new StringFunction(StringFunction.Fn.CONTAINS, this, text, 0, 0);
    }

    /** True where the string starts with {@code prefix}. */
    public Expr startsWith(String prefix) {
        return new StringFunction(StringFunction.Fn.STARTS_WITH, this, prefix, 0, 0);
    }

    /** True where the string ends with {@code suffix}. */
    public Expr endsWith(String suffix) {
        return new StringFunction(StringFunction.Fn.ENDS_WITH, this, suffix, 0, 0);
    }

    /**
     * The substring of {@code len} characters starting at 1-based position {@code pos}, as in
     * Spark and SQL; a negative {@code pos} counts from the end and 0 means 1 (as in Spark); the
     * part of the window outside the string is dropped.
     */
    public Expr substring(int pos, int len) {
        return new StringFunction(StringFunction.Fn.SUBSTRING, this, null, pos, len);
    }

    /** True for literal expressions; used by the optimizer. */
    public boolean isLiteral() {
        return this instanceof Literal;
    }
}
