package org.spillway.frame.expr;

import java.time.Instant;
import java.time.LocalDate;
import java.util.Set;
import org.spillway.frame.Expr;
import org.spillway.frame.SpillwayException;
import org.spillway.spill.DataType;
import org.spillway.spill.Schema;
import org.spillway.spill.chunk.Chunk;

/** Converts a value to another type; a value that cannot convert is an error naming it. */
public final class CastExpr extends Expr {
    private final Expr child;
    private final DataType target;

    /** {@code CAST(child AS target)}. */
    public CastExpr(Expr child, DataType target) {
        this.child = child;
        this.target = java.util.Objects.requireNonNull(target, "target type is null");
    }

    @Override
    public DataType type(Schema schema) {
        DataType from = child.type(schema);
        boolean ok = from == target || target == DataType.STRING || from == DataType.STRING
                || (from.isNumeric() && target.isNumeric())
                || (from == DataType.BOOL && target.isNumeric()) || (from.isNumeric() && target == DataType.BOOL)
                || (from == DataType.DATE && target == DataType.TIMESTAMP) || (from == DataType.TIMESTAMP && target == DataType.DATE);
        if (!ok) {
            throw new SpillwayException("Cannot cast " + child + " from " + from + " to " + target);
        }
        return target;
    }

    @Override
    public Values eval(Chunk chunk) {
        Values v = child.eval(chunk);
        if (v.type == target) {
            return v;
        }
        int n = chunk.rows();
        Values out = new Values(target, n);
        out.nulls = v.nulls == null ? null : v.nulls.clone();
        for (int i = 0; i < n; i++) {
            if (v.isNull(i)) {
                continue;
            }
            try {
                convert(v, i, out);
            } catch (RuntimeException e) {
                if (EvalMask.ignored(i)) {
                    out.setNull(i); // a CASE branch not taken for this row
                    continue;
                }
                if (e instanceof SpillwayException se) {
                    throw se;
                }
                throw new SpillwayException("Cannot cast " + render(v, i) + " (" + child + ") to " + target
                        + ": " + e.getMessage() + ". Filter such rows out first, or keep the column as " + v.type);
            }
        }
        return out;
    }

    private void convert(Values v, int i, Values out) {
        switch (target) {
            case STRING -> out.strings[i] = render(v, i);
            case FLOAT64 -> out.doubles[i] = switch (v.type) {
                case STRING -> Double.parseDouble(v.strings[i].trim());
                case BOOL -> v.bools[i] ? 1 : 0;
                default -> v.asDouble(i);
            };
            case INT32, INT64 -> {
                long x = switch (v.type) {
                    case STRING -> Long.parseLong(v.strings[i].trim());
                    case BOOL -> v.bools[i] ? 1 : 0;
                    case FLOAT64 -> {
                        double d = v.doubles[i];
                        if (Double.isNaN(d) || d >= 0x1p63 || d < -0x1p63) {
                            throw new ArithmeticException("out of range");
                        }
                        yield (long) d;
                    }
                    default -> v.longs[i];
                };
                if (target == DataType.INT32 && (x < Integer.MIN_VALUE || x > Integer.MAX_VALUE)) {
                    throw new ArithmeticException("out of int32 range");
                }
                out.longs[i] = x;
            }
            case BOOL -> out.bools[i] = switch (v.type) {
                case STRING -> parseBool(v.strings[i]);
                case FLOAT64 -> v.doubles[i] != 0;
                default -> v.longs[i] != 0;
            };
            case DATE -> out.longs[i] = switch (v.type) {
                case STRING -> LocalDate.parse(v.strings[i].trim()).toEpochDay();
                case TIMESTAMP -> Math.floorDiv(v.longs[i], 86_400_000_000L);
                default -> throw new IllegalStateException();
            };
            case TIMESTAMP -> out.longs[i] = switch (v.type) {
                case STRING -> Literals.toLong(Literals.parseTimestamp(v.strings[i]), DataType.TIMESTAMP);
                case DATE -> v.longs[i] * 86_400_000_000L;
                default -> throw new IllegalStateException();
            };
        }
    }

    private static boolean parseBool(String s) {
        String t = s.trim();
        if (t.equalsIgnoreCase("true")) {
            return true;
        }
        if (t.equalsIgnoreCase("false")) {
            return false;
        }
        throw new IllegalArgumentException("not true or false");
    }

    /** Renders row i as text (the same text writeCsv uses). */
    static String render(Values v, int i) {
        return switch (v.type) {
            case STRING -> v.strings[i];
            case BOOL -> Boolean.toString(v.bools[i]);
            case FLOAT64 -> Double.toString(v.doubles[i]);
            case DATE -> LocalDate.ofEpochDay(v.longs[i]).toString();
            case TIMESTAMP -> Instant.ofEpochSecond(Math.floorDiv(v.longs[i], 1_000_000L),
                    Math.floorMod(v.longs[i], 1_000_000L) * 1000).toString();
            default -> Long.toString(v.longs[i]);
        };
    }

    @Override
    public void collectColumns(Set<String> out) {
        child.collectColumns(out);
    }

    @Override
    public String name() {
        return child.name();
    }

    @Override
    public String toString() {
        return "CAST(" + child + " AS " + target + ")";
    }
}
