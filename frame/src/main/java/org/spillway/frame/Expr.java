package org.spillway.frame;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.spillway.frame.udf.VectorFunction;
import org.spillway.spill.DataType;
import org.spillway.spill.Schema;

/**
 * A column expression: a column reference, a literal, or an operation on expressions. Immutable
 * and pure data (a tree of records, compared by value): it says <i>what</i> to compute; the
 * executor compiles it against a schema into an evaluator ({@code org.spillway.frame.exec.eval}),
 * as DataFusion keeps its logical {@code Expr} apart from its {@code PhysicalExpr}. Build them with
 * {@link Functions} ({@code col}, {@code lit}, {@code when}, {@code udf}) and these methods, named
 * as in Spark's Java API. Every operand may be an {@code Expr} or a plain Java value
 * ({@code col("x").gt(2)} equals {@code col("x").gt(lit(2))}).
 *
 * <p>Types are checked when the expression is added to a frame; errors name the column and the
 * types. Nulls follow SQL: an operation on null is null, {@code and}/{@code or} use three-valued
 * logic, and a filter keeps only rows where the predicate is true.
 */
public sealed interface Expr
        permits Expr.ColumnRef, Expr.Literal, Expr.BinaryExpr, Expr.UnaryExpr, Expr.CastExpr, Expr.Alias,
        Expr.StringFunction, Expr.CaseWhen, Expr.WithMetadata, Expr.UdfCall, Expr.FunctionCall, Expr.WindowExpr {

    /**
     * The result type against {@code schema}.
     *
     * @throws SpillwayException when a column is missing or the types do not fit
     */
    default DataType type(Schema schema) {
        return ExprTypes.type(this, schema);
    }

    /** The output column name when none is given with {@link #as}: the column name, or the expression text. */
    default String name() {
        return toString();
    }

    /**
     * The metadata of the output column against {@code schema} (see {@link org.spillway.spill.Field#metadata()}):
     * a column reference keeps its column's, an alias its child's, {@link #withMetadata} sets it, a UDF gives its function's;
     * every other expression gives none.
     */
    default Map<String, String> metadata(Schema schema) {
        return ExprTypes.metadata(this, schema);
    }

    /** The expressions this one is computed from, in order (none for a column or a literal). */
    List<Expr> children();

    /** Adds the names of the columns this expression reads. */
    default void collectColumns(Set<String> out) {
        switch (this) {
            case ColumnRef c -> out.add(c.column());
            case UdfCall u -> out.addAll(u.function().inputColumns());
            default -> children().forEach(c -> c.collectColumns(out));
        }
    }

    /** The names of the columns this expression reads. */
    default Set<String> columns() {
        Set<String> out = new LinkedHashSet<>();
        collectColumns(out);
        return out;
    }

    /** True for literal expressions; used by the optimizer. */
    default boolean isLiteral() {
        return this instanceof Literal;
    }

    // ---- arithmetic -------------------------------------------------------------------------

    /** {@code this + other}. Integers add exactly (overflow is an error); int32 + int32 is int64. */
    default Expr plus(Object other) {
        return new BinaryExpr(BinaryExpr.Op.PLUS, this, Functions.lit(other));
    }

    /** {@code this - other}. */
    default Expr minus(Object other) {
        return new BinaryExpr(BinaryExpr.Op.MINUS, this, Functions.lit(other));
    }

    /** {@code this * other}. */
    default Expr multiply(Object other) {
        return new BinaryExpr(BinaryExpr.Op.MULTIPLY, this, Functions.lit(other));
    }

    /** {@code this / other}, always float64 (as Spark's {@code divide}); division by zero gives null. */
    default Expr divide(Object other) {
        return new BinaryExpr(BinaryExpr.Op.DIVIDE, this, Functions.lit(other));
    }

    /** {@code this % other} (sign of the dividend, as Java and SQL); by zero gives null. */
    default Expr mod(Object other) {
        return new BinaryExpr(BinaryExpr.Op.MOD, this, Functions.lit(other));
    }

    // ---- comparison -------------------------------------------------------------------------

    /** {@code this > other}. */
    default Expr gt(Object other) {
        return new BinaryExpr(BinaryExpr.Op.GT, this, Functions.lit(other));
    }

    /** {@code this >= other}. */
    default Expr geq(Object other) {
        return new BinaryExpr(BinaryExpr.Op.GEQ, this, Functions.lit(other));
    }

    /** {@code this < other}. */
    default Expr lt(Object other) {
        return new BinaryExpr(BinaryExpr.Op.LT, this, Functions.lit(other));
    }

    /** {@code this <= other}. */
    default Expr leq(Object other) {
        return new BinaryExpr(BinaryExpr.Op.LEQ, this, Functions.lit(other));
    }

    /** {@code this = other} (null if either side is null; use {@link #isNull()} to test for null). */
    default Expr eq(Object other) {
        return new BinaryExpr(BinaryExpr.Op.EQ, this, Functions.lit(other));
    }

    /** {@code this <> other}. */
    default Expr neq(Object other) {
        return new BinaryExpr(BinaryExpr.Op.NEQ, this, Functions.lit(other));
    }

    // ---- logic ------------------------------------------------------------------------------

    /** Three-valued {@code this AND other}. */
    default Expr and(Object other) {
        return new BinaryExpr(BinaryExpr.Op.AND, this, Functions.lit(other));
    }

    /** Three-valued {@code this OR other}. */
    default Expr or(Object other) {
        return new BinaryExpr(BinaryExpr.Op.OR, this, Functions.lit(other));
    }

    /** {@code NOT this} (null stays null). */
    default Expr not() {
        return new UnaryExpr(UnaryExpr.Op.NOT, this);
    }

    /** True where this is null. */
    default Expr isNull() {
        return new UnaryExpr(UnaryExpr.Op.IS_NULL, this);
    }

    /** True where this is not null. */
    default Expr isNotNull() {
        return new UnaryExpr(UnaryExpr.Op.IS_NOT_NULL, this);
    }

    /**
     * True where this float64 is NaN, false for other numbers (integers are never NaN), null where it is null
     * (Spark's {@code isNaN}, DuckDB's {@code isnan}).
     */
    default Expr isNaN() {
        return new UnaryExpr(UnaryExpr.Op.IS_NAN, this);
    }

    /** {@code -this}. */
    default Expr negate() {
        return new UnaryExpr(UnaryExpr.Op.NEGATE, this);
    }

    // ---- types and names --------------------------------------------------------------------

    /**
     * Converts to {@code type}. Numbers convert to each other (float to integer truncates toward
     * zero; out of range is an error), anything converts to string, strings parse to numbers,
     * bools, dates and timestamps (an unparsable string is an error naming the value).
     */
    default Expr cast(DataType type) {
        return new CastExpr(this, type);
    }

    /** Names the result column (Spark's {@code as}/{@code alias}). */
    default Expr as(String name) {
        return new Alias(this, name);
    }

    /** Same as {@link #as}. */
    default Expr alias(String name) {
        return as(name);
    }

    /** The same values, with {@code metadata} as the output column's metadata (replacing what it had). */
    default Expr withMetadata(Map<String, String> metadata) {
        return new WithMetadata(this, Map.copyOf(metadata));
    }

    // ---- strings ----------------------------------------------------------------------------

    /** Length in characters (Unicode code points), int32. */
    default Expr length() {
        return new StringFunction(StringFunction.Fn.LENGTH, this, null, 0, 0);
    }

    /** Lower case (locale-independent). */
    default Expr lower() {
        return new StringFunction(StringFunction.Fn.LOWER, this, null, 0, 0);
    }

    /** Upper case (locale-independent). */
    default Expr upper() {
        return new StringFunction(StringFunction.Fn.UPPER, this, null, 0, 0);
    }

    /** Leading and trailing white space removed. */
    default Expr trim() {
        return new StringFunction(StringFunction.Fn.TRIM, this, null, 0, 0);
    }

    /** True where the string contains {@code text}. */
    default Expr contains(String text) {
        return new StringFunction(StringFunction.Fn.CONTAINS, this, text, 0, 0);
    }

    /** True where the string starts with {@code prefix}. */
    default Expr startsWith(String prefix) {
        return new StringFunction(StringFunction.Fn.STARTS_WITH, this, prefix, 0, 0);
    }

    /** True where the string ends with {@code suffix}. */
    default Expr endsWith(String suffix) {
        return new StringFunction(StringFunction.Fn.ENDS_WITH, this, suffix, 0, 0);
    }

    /**
     * The substring of {@code len} characters starting at 1-based position {@code pos}, as in
     * Spark and SQL; a negative {@code pos} counts from the end and 0 means 1 (as in Spark); the
     * part of the window outside the string is dropped.
     */
    default Expr substring(int pos, int len) {
        return new StringFunction(StringFunction.Fn.SUBSTRING, this, null, pos, len);
    }

    /**
     * SQL {@code LIKE}: true where the whole string matches {@code pattern}, in which {@code %} stands for any
     * characters, {@code _} for one character (code point) and {@code \\} escapes {@code %}, {@code _} or itself (as
     * Spark; a backslash before another character, or at the end, is an error naming the pattern). Case-sensitive.
     */
    default Expr like(String pattern) {
        return new FunctionCall(FunctionCall.Fn.LIKE, List.of(this, Functions.lit(pattern)));
    }

    /**
     * True where the Java regular expression {@code regex} matches somewhere in the string ({@code Matcher.find},
     * as Spark's {@code rlike}; anchor it with {@code ^...$} to match the whole string). An invalid expression is a
     * {@link SpillwayException} naming it, thrown here.
     */
    default Expr rlike(String regex) {
        return new FunctionCall(FunctionCall.Fn.RLIKE, List.of(this, Functions.lit(regex)));
    }

    /**
     * SQL {@code IN}: true where this equals one of {@code values} (plain Java values or expressions, compared as
     * {@link #eq}); null where this is null, or where nothing matches and a value is null; false otherwise (also for
     * an empty list). NaN matches nothing, as with {@link #eq}. A single {@code Collection} argument stands for its
     * elements ({@link #isInCollection}).
     */
    default Expr isin(Object... values) {
        if (values.length == 1 && values[0] instanceof java.util.Collection<?> c) {
            values = c.toArray();
        }
        List<Expr> args = new ArrayList<>(values.length + 1);
        args.add(this);
        for (Object v : values) {
            args.add(Functions.lit(v));
        }
        return new FunctionCall(FunctionCall.Fn.IN, args);
    }

    /** {@link #isin} of the values of a collection (Spark's {@code isInCollection}). */
    default Expr isInCollection(java.util.Collection<?> values) {
        return isin(values.toArray());
    }

    /**
     * {@code lower <= this AND this <= upper} (SQL {@code BETWEEN}, both ends inclusive, as Spark), with the null and
     * type rules of {@link #geq} and {@link #leq}.
     */
    default Expr between(Object lower, Object upper) {
        return new FunctionCall(FunctionCall.Fn.BETWEEN, List.of(this, Functions.lit(lower), Functions.lit(upper)));
    }

    // ---- the nodes --------------------------------------------------------------------------

    /** A reference to a column by name. */
    record ColumnRef(String column) implements Expr {
        /** References {@code column}. */
        public ColumnRef {
            Objects.requireNonNull(column, "column name is null");
        }

        @Override
        public String name() {
            return column;
        }

        @Override
        public List<Expr> children() {
            return List.of();
        }

        @Override
        public String toString() {
            return column;
        }
    }

    /**
     * A constant. A null literal takes its type from where it is used (string when alone).
     *
     * @param value the Java value (Integer, Long, Double, Boolean, String, LocalDate, Instant, LocalDateTime, LocalTime or byte[]; or null)
     * @param literalType its type, or null for a null literal
     */
    record Literal(Object value, DataType literalType) implements Expr {
        /** Checks that the type is the value's: evaluators rely on it. */
        public Literal {
            if (value instanceof Float || value instanceof Short || value instanceof Byte
                    || !Objects.equals(literalType, Literals.typeOf(value))) {
                throw new IllegalArgumentException("literal " + value + " cannot have type " + literalType
                        + ": use new Literal(value) or Functions.lit(value)");
            }
        }

        /** A literal of a Java value (number, String, Boolean, LocalDate, Instant, LocalDateTime, LocalTime, byte[], or null). */
        public Literal(Object value) {
            this(value instanceof Float f ? (Object) f.doubleValue()
                    : value instanceof Short || value instanceof Byte ? (Object) ((Number) value).intValue() : value,
                    Literals.typeOf(value));
        }

        @Override
        public List<Expr> children() {
            return List.of();
        }

        @Override
        public String toString() {
            return switch (value) {
                case String s -> "'" + s.replace("'", "''") + "'";
                case byte[] b -> "X'" + Literals.hex(b) + "'";
                case java.time.LocalTime t -> "TIME '" + Literals.formatTime(t.toNanoOfDay() / 1000) + "'";
                case null, default -> String.valueOf(value);
            };
        }

        /** Equal literals: binary values by content. */
        @Override
        public boolean equals(Object o) {
            return o instanceof Literal l && literalType == l.literalType
                    && (value instanceof byte[] b && l.value instanceof byte[] c ? Arrays.equals(b, c) : Objects.equals(value, l.value));
        }

        @Override
        public int hashCode() {
            return Objects.hashCode(literalType) * 31 + (value instanceof byte[] b ? Arrays.hashCode(b) : Objects.hashCode(value));
        }
    }

    /** Arithmetic, comparison and boolean logic on two operands, with SQL null semantics. */
    record BinaryExpr(Op op, Expr left, Expr right) implements Expr {
        /** The operators. */
        public enum Op {
            PLUS("+"), MINUS("-"), MULTIPLY("*"), DIVIDE("/"), MOD("%"),
            GT(">"), GEQ(">="), LT("<"), LEQ("<="), EQ("="), NEQ("<>"),
            AND("AND"), OR("OR");

            private final String symbol;

            Op(String symbol) {
                this.symbol = symbol;
            }

            /** True for {@code + - * / %}. */
            public boolean isArithmetic() {
                return ordinal() <= MOD.ordinal();
            }

            /** True for {@code > >= < <= = <>}. */
            public boolean isComparison() {
                return ordinal() >= GT.ordinal() && ordinal() <= NEQ.ordinal();
            }

            /** The operator as written in expressions. */
            public String symbol() {
                return symbol;
            }
        }

        @Override
        public List<Expr> children() {
            return List.of(left, right);
        }

        @Override
        public String toString() {
            return "(" + left + " " + op.symbol + " " + right + ")";
        }
    }

    /** NOT, IS NULL, IS NOT NULL and negation. */
    record UnaryExpr(Op op, Expr child) implements Expr {
        /** The operators. */
        public enum Op { NOT, IS_NULL, IS_NOT_NULL, NEGATE, IS_NAN }

        @Override
        public List<Expr> children() {
            return List.of(child);
        }

        @Override
        public String toString() {
            return switch (op) {
                case NOT -> "(NOT " + child + ")";
                case IS_NULL -> "(" + child + " IS NULL)";
                case IS_NOT_NULL -> "(" + child + " IS NOT NULL)";
                case NEGATE -> "(-" + child + ")";
                case IS_NAN -> "isnan(" + child + ")";
            };
        }
    }

    /** Converts a value to another type; a value that cannot convert is an error naming it. */
    record CastExpr(Expr child, DataType target) implements Expr {
        /** {@code CAST(child AS target)}. */
        public CastExpr {
            Objects.requireNonNull(target, "target type is null");
        }

        @Override
        public String name() {
            return child.name();
        }

        @Override
        public List<Expr> children() {
            return List.of(child);
        }

        @Override
        public String toString() {
            return "CAST(" + child + " AS " + target + ")";
        }
    }

    /** Gives an expression an output name. */
    record Alias(Expr child, String name) implements Expr {
        /** Names {@code child} as {@code name}. */
        public Alias {
            Objects.requireNonNull(name, "alias is null");
        }

        @Override
        public List<Expr> children() {
            return List.of(child);
        }

        @Override
        public String toString() {
            return child + " AS " + name;
        }
    }

    /** An expression's values unchanged, with other column metadata (see {@link #withMetadata}). */
    record WithMetadata(Expr child, Map<String, String> fieldMetadata) implements Expr {
        @Override
        public String name() {
            return child.name();
        }

        @Override
        public List<Expr> children() {
            return List.of(child);
        }

        @Override
        public String toString() {
            return child.toString();
        }
    }

    /**
     * String functions: length, lower, upper, trim, contains, startsWith, endsWith, substring.
     *
     * @param fn the function
     * @param child the string operand
     * @param arg the text of contains/startsWith/endsWith, else null
     * @param pos substring's 1-based start
     * @param len substring's length
     */
    record StringFunction(Fn fn, Expr child, String arg, int pos, int len) implements Expr {
        /** The functions. */
        public enum Fn { LENGTH, LOWER, UPPER, TRIM, CONTAINS, STARTS_WITH, ENDS_WITH, SUBSTRING }

        /** Checks the arguments. */
        public StringFunction {
            if ((fn == Fn.CONTAINS || fn == Fn.STARTS_WITH || fn == Fn.ENDS_WITH) && arg == null) {
                throw new SpillwayException(fn.name().toLowerCase(Locale.ROOT) + " needs a non-null string argument");
            }
            if (fn == Fn.SUBSTRING && len < 0) {
                throw new SpillwayException("substring length must be >= 0, got " + len);
            }
        }

        @Override
        public List<Expr> children() {
            return List.of(child);
        }

        @Override
        public String toString() {
            String f = fn.name().toLowerCase(Locale.ROOT);
            return switch (fn) {
                case CONTAINS, STARTS_WITH, ENDS_WITH -> f + "(" + child + ", '" + arg + "')";
                case SUBSTRING -> "substring(" + child + ", " + pos + ", " + len + ")";
                default -> f + "(" + child + ")";
            };
        }
    }

    /**
     * {@code CASE WHEN c1 THEN v1 WHEN c2 THEN v2 ... ELSE otherwise END}: the first branch whose
     * condition is true gives the value; no match gives {@code otherwise} (null when not set). Written
     * {@code when(c1, v1).when(c2, v2).otherwise(v)} (Spark) or {@code when(c1).then(v1).otherwise(v)} (Polars).
     *
     * @param branches the branches in order
     * @param otherwise the value of rows no branch matched, or null (then null)
     */
    record CaseWhen(List<Branch> branches, Expr otherwise) implements Expr {
        /** One {@code WHEN condition THEN value}. */
        public record Branch(Expr condition, Expr value) {
        }

        /** Branches in order and the else value (may be null). */
        public CaseWhen {
            branches = List.copyOf(branches);
        }

        /** Adds a branch. */
        public CaseWhen when(Expr condition, Object value) {
            List<Branch> b = new ArrayList<>(branches);
            b.add(new Branch(condition, Functions.lit(value)));
            return new CaseWhen(b, otherwise);
        }

        /** Starts a branch to be completed with {@link Pending#then}. */
        public Pending when(Expr condition) {
            return new Pending(branches, condition, otherwise);
        }

        /** Sets the value of rows no branch matched. */
        public CaseWhen otherwise(Object value) {
            return new CaseWhen(branches, Functions.lit(value));
        }

        /**
         * A {@code when(condition)} waiting for its {@code then(value)}.
         *
         * @param branches the complete branches before it
         * @param condition its condition
         * @param otherwise the else value so far
         */
        public record Pending(List<Branch> branches, Expr condition, Expr otherwise) {
            /** Completes the branch. */
            public CaseWhen then(Object value) {
                List<Branch> b = new ArrayList<>(branches);
                b.add(new Branch(condition, Functions.lit(value)));
                return new CaseWhen(b, otherwise);
            }
        }

        @Override
        public List<Expr> children() {
            List<Expr> out = new ArrayList<>();
            for (Branch b : branches) {
                out.add(b.condition());
                out.add(b.value());
            }
            if (otherwise != null) {
                out.add(otherwise);
            }
            return out;
        }

        @Override
        public String toString() {
            StringBuilder sb = new StringBuilder("CASE");
            for (Branch b : branches) {
                sb.append(" WHEN ").append(b.condition()).append(" THEN ").append(b.value());
            }
            if (otherwise != null) {
                sb.append(" ELSE ").append(otherwise);
            }
            return sb.append(" END").toString();
        }
    }

    /**
     * A call of a built-in scalar function ({@link Fn}) on argument expressions: the functions of {@link Functions}
     * such as {@code coalesce}, {@code regexpExtract} or {@code round}, and {@link #isin}, {@link #between},
     * {@link #like}, {@link #rlike}. Some arguments are constants (a pattern, a scale, a pad length: see {@link Fn});
     * they are literals here, checked when the call is built (an invalid regular expression is an error naming it).
     *
     * @param fn the function
     * @param args its arguments in order
     */
    record FunctionCall(Fn fn, List<Expr> args) implements Expr {
        /**
         * The functions, with how many arguments each takes and which must be literals. Their semantics are those of
         * the {@link Functions} and {@link Expr} methods that build them.
         */
        public enum Fn {
            /** {@code coalesce(x, ...)}: the first non-null argument. */
            COALESCE(1, -1),
            /** {@code x IN (v, ...)}. */
            IN(1, -1),
            /** {@code x BETWEEN lower AND upper}. */
            BETWEEN(3, 3),
            /** {@code x LIKE 'pattern'}. */
            LIKE(2, 2, 1),
            /** {@code x RLIKE 'regex'}. */
            RLIKE(2, 2, 1),
            /** {@code regexp_extract(x, 'regex', group)}. */
            REGEXP_EXTRACT(3, 3, 1, 2),
            /** {@code regexp_replace(x, 'regex', 'replacement')}. */
            REGEXP_REPLACE(3, 3, 1, 2),
            /** {@code concat(x, ...)}. */
            CONCAT(1, -1),
            /** {@code concat_ws('sep', x, ...)}. */
            CONCAT_WS(1, -1, 0),
            /** {@code split_part(x, 'delimiter', n)}. */
            SPLIT_PART(3, 3, 1, 2),
            /** {@code replace(x, 'search', 'replacement')}. */
            REPLACE(3, 3, 1, 2),
            /** {@code ltrim(x)}. */
            LTRIM(1, 1),
            /** {@code rtrim(x)}. */
            RTRIM(1, 1),
            /** {@code lpad(x, len, 'pad')}. */
            LPAD(3, 3, 1, 2),
            /** {@code rpad(x, len, 'pad')}. */
            RPAD(3, 3, 1, 2),
            /** {@code abs(x)}. */
            ABS(1, 1),
            /** {@code round(x, scale)}. */
            ROUND(2, 2, 1),
            /** {@code floor(x)}. */
            FLOOR(1, 1),
            /** {@code ceil(x)}. */
            CEIL(1, 1),
            /** {@code sqrt(x)}. */
            SQRT(1, 1),
            /** {@code log(x)}, the natural logarithm. */
            LOG(1, 1),
            /** {@code log10(x)}. */
            LOG10(1, 1),
            /** {@code exp(x)}. */
            EXP(1, 1),
            /** {@code pow(x, y)}. */
            POW(2, 2),
            /** {@code greatest(x, y, ...)}. */
            GREATEST(2, -1),
            /** {@code least(x, y, ...)}. */
            LEAST(2, -1),
            /** {@code year(x)} of a date, timestamp (UTC) or timestamp_ntz. */
            YEAR(1, 1),
            /** {@code month(x)}, 1 to 12. */
            MONTH(1, 1),
            /** {@code dayofmonth(x)}, 1 to 31. */
            DAYOFMONTH(1, 1),
            /** {@code dayofweek(x)}: 1 = Sunday ... 7 = Saturday (Spark's numbering). */
            DAYOFWEEK(1, 1),
            /** {@code dayofyear(x)}, 1 to 366. */
            DAYOFYEAR(1, 1),
            /** {@code hour(x)} of a timestamp (UTC), timestamp_ntz or time. */
            HOUR(1, 1),
            /** {@code minute(x)}. */
            MINUTE(1, 1),
            /** {@code second(x)}, the whole seconds. */
            SECOND(1, 1),
            /** {@code date_trunc('unit', x)}. */
            DATE_TRUNC(2, 2, 0),
            /** {@code date_add(x, days)}. */
            DATE_ADD(2, 2),
            /** {@code date_sub(x, days)}. */
            DATE_SUB(2, 2),
            /** {@code datediff(end, start)} in days. */
            DATEDIFF(2, 2),
            /** {@code to_date(x)} or {@code to_date(x, 'pattern')}. */
            TO_DATE(1, 2, 1),
            /** {@code to_timestamp(x)} or {@code to_timestamp(x, 'pattern')}. */
            TO_TIMESTAMP(1, 2, 1),
            /** {@code unix_timestamp(x)}: whole seconds since 1970-01-01T00:00Z. */
            UNIX_TIMESTAMP(1, 1),
            /** {@code from_unixtime(seconds)} as a timestamp (Spark's {@code timestamp_seconds}). */
            FROM_UNIXTIME(1, 1),
            /** {@code from_utc_timestamp(x, 'zone')}: the wall clock (timestamp_ntz) of an instant in a zone. */
            FROM_UTC_TIMESTAMP(2, 2, 1),
            /** {@code to_utc_timestamp(x, 'zone')}: the instant of a wall clock (timestamp_ntz) in a zone. */
            TO_UTC_TIMESTAMP(2, 2, 1),
            /** {@code current_date()}: its one argument is the date, fixed when the expression was built. */
            CURRENT_DATE(1, 1, 0),
            /** {@code current_timestamp()}: its one argument is the instant, fixed when the expression was built. */
            CURRENT_TIMESTAMP(1, 1, 0);

            private final int minArgs;
            private final int maxArgs;
            private final int[] literalArgs;

            Fn(int minArgs, int maxArgs, int... literalArgs) {
                this.minArgs = minArgs;
                this.maxArgs = maxArgs;
                this.literalArgs = literalArgs;
            }

            /** The fewest arguments. */
            public int minArgs() {
                return minArgs;
            }

            /** The most arguments, or -1 for any number. */
            public int maxArgs() {
                return maxArgs;
            }

            /** True if argument {@code i} (0-based) must be a non-null literal. */
            public boolean isLiteralArg(int i) {
                for (int j : literalArgs) {
                    if (j == i) {
                        return true;
                    }
                }
                return false;
            }

            /** The SQL name, e.g. {@code regexp_extract}. */
            public String sqlName() {
                return name().toLowerCase(Locale.ROOT);
            }
        }

        /** Checks the number of arguments and the constant ones (see {@link FunctionArgs}). */
        public FunctionCall {
            Objects.requireNonNull(fn, "function is null");
            args = List.copyOf(args);
            FunctionArgs.check(fn, args);
        }

        @Override
        public List<Expr> children() {
            return args;
        }

        @Override
        public String toString() {
            return switch (fn) {
                case IN -> "(" + args.getFirst() + " IN (" + join(args.subList(1, args.size())) + "))";
                case BETWEEN -> "(" + args.get(0) + " BETWEEN " + args.get(1) + " AND " + args.get(2) + ")";
                case LIKE, RLIKE -> "(" + args.get(0) + " " + fn.name() + " " + args.get(1) + ")";
                case CURRENT_DATE, CURRENT_TIMESTAMP -> fn.sqlName() + "()";
                default -> fn.sqlName() + "(" + join(args) + ")";
            };
        }

        private static String join(List<Expr> list) {
            StringBuilder sb = new StringBuilder();
            for (Expr e : list) {
                sb.append(sb.isEmpty() ? "" : ", ").append(e);
            }
            return sb.toString();
        }
    }

    /** A call of a vectorised user-defined function (see {@link VectorFunction}, {@link Functions#udf}). */
    record UdfCall(VectorFunction function) implements Expr {
        /** Calls {@code function}. */
        public UdfCall {
            Objects.requireNonNull(function, "function is null");
        }

        @Override
        public List<Expr> children() {
            return List.of();
        }

        @Override
        public String toString() {
            return function.toString();
        }
    }

    /**
     * A window function over a window ({@code rowNumber().over(w)}, {@code sum("x").over(w)}): see {@link Window}. It
     * may stand in {@code select} and {@code withColumn}, alone or inside an expression; elsewhere (a filter, a
     * grouping key) it is an error: compute it with {@code withColumn} first.
     *
     * @param function the function
     * @param window the window
     */
    record WindowExpr(WindowFunction function, WindowSpec window) implements Expr {
        /** Checks both are given. */
        public WindowExpr {
            Objects.requireNonNull(function, "function");
            Objects.requireNonNull(window, "window");
        }

        /** The inputs of the function (the partition and order columns are not listed: see {@link #collectColumns}). */
        @Override
        public List<Expr> children() {
            AggregateExpr a = function.aggregate();
            if (a != null) {
                List<Expr> out = new ArrayList<>();
                if (a.input() != null) {
                    out.add(a.input());
                }
                return out;
            }
            return function.input() == null ? List.of() : List.of(function.input());
        }

        @Override
        public void collectColumns(Set<String> out) {
            out.addAll(function.columns());
            out.addAll(window.partitionKeys());
            for (SortOrder o : window.orderKeys()) {
                o.expr().collectColumns(out);
            }
        }

        @Override
        public String name() {
            AggregateExpr a = function.aggregate();
            return a != null && !a.name().equals(a.toString()) ? a.name() : toString();
        }

        @Override
        public String toString() {
            return function + " OVER (" + window + ")";
        }
    }
}
