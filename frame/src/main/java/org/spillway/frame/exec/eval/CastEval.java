package org.spillway.frame.exec.eval;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.time.LocalDate;
import org.spillway.frame.Expr.CastExpr;
import org.spillway.frame.Literals;
import org.spillway.frame.SpillwayException;
import org.spillway.frame.udf.HeapColumn;
import org.spillway.spill.DataType;
import org.spillway.spill.vector.DecimalValues;
import org.spillway.spill.chunk.Chunk;

/** Converts values to another type; a value that cannot convert is an error naming it (or null outside a CASE branch's rows). */
final class CastEval implements PhysicalExpr {
    private final CastExpr expr; // for error messages
    private final DataType target;
    private final PhysicalExpr child;

    CastEval(CastExpr expr, PhysicalExpr child) {
        this.expr = expr;
        this.target = expr.target();
        this.child = child;
    }


    @Override
    public HeapColumn eval(Chunk chunk) {
        HeapColumn v = child.eval(chunk);
        if (v.type == target) {
            return v;
        }
        int n = chunk.rows();
        HeapColumn out = new HeapColumn(target, n);
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
                throw new SpillwayException("Cannot cast " + render(v, i) + " (" + expr.child() + ") to " + target
                        + ": " + e.getMessage() + ". Filter such rows out first, or keep the column as " + v.type);
            }
        }
        return out;
    }

    private void convert(HeapColumn v, int i, HeapColumn out) {
        switch (target.kind()) {
            case DECIMAL, DECIMAL128 -> {
                BigDecimal d = switch (v.type.kind()) {
                    case STRING -> new BigDecimal(v.strings[i].trim());
                    case FLOAT64 -> Literals.toBigDecimal(v.doubles[i]);
                    case BOOL -> v.bools[i] ? BigDecimal.ONE : BigDecimal.ZERO;
                    case DECIMAL, DECIMAL128 -> decimal(v, i);
                    default -> BigDecimal.valueOf(v.longs[i]);
                };
                BigInteger u = DecimalValues.unscaled(d, target); // rounds half-up to the scale; fails beyond the precision
                if (target.kind() == DataType.Kind.DECIMAL) {
                    out.longs[i] = u.longValueExact();
                } else {
                    out.strings[i] = HeapColumn.binaryToHeap(DecimalValues.wideBytes(u));
                }
            }
            case STRING -> out.strings[i] = render(v, i);
            case FLOAT64 -> out.doubles[i] = switch (v.type.kind()) {
                case STRING -> Double.parseDouble(v.strings[i].trim());
                case BOOL -> v.bools[i] ? 1 : 0;
                case DECIMAL, DECIMAL128 -> decimal(v, i).doubleValue();
                default -> v.asDouble(i);
            };
            case INT32, INT64 -> {
                long x = switch (v.type.kind()) {
                    case STRING -> Long.parseLong(v.strings[i].trim());
                    case BOOL -> v.bools[i] ? 1 : 0;
                    case FLOAT64 -> {
                        double d = v.doubles[i];
                        if (Double.isNaN(d) || d >= 0x1p63 || d < -0x1p63) {
                            throw new ArithmeticException("out of range");
                        }
                        yield (long) d;
                    }
                    case DECIMAL, DECIMAL128 -> decimal(v, i).toBigInteger().longValueExact(); // truncates, as Spark
                    default -> v.longs[i];
                };
                if (target == DataType.INT32 && (x < Integer.MIN_VALUE || x > Integer.MAX_VALUE)) {
                    throw new ArithmeticException("out of int32 range");
                }
                out.longs[i] = x;
            }
            case BOOL -> out.bools[i] = switch (v.type.kind()) {
                case STRING -> parseBool(v.strings[i]);
                case FLOAT64 -> v.doubles[i] != 0;
                case DECIMAL, DECIMAL128 -> decimal(v, i).signum() != 0;
                default -> v.longs[i] != 0;
            };
            case DATE -> out.longs[i] = switch (v.type.kind()) {
                case STRING -> LocalDate.parse(v.strings[i].trim()).toEpochDay();
                case TIMESTAMP, TIMESTAMP_NTZ -> Math.floorDiv(v.longs[i], 86_400_000_000L);
                default -> throw new IllegalStateException();
            };
            case TIMESTAMP_NTZ -> out.longs[i] = switch (v.type.kind()) {
                case STRING -> Literals.toLong(Literals.parseTimestampNtz(v.strings[i]), DataType.TIMESTAMP_NTZ);
                case DATE -> v.longs[i] * 86_400_000_000L;
                case TIMESTAMP -> v.longs[i]; // the UTC wall clock
                default -> throw new IllegalStateException();
            };
            case TIME -> out.longs[i] = switch (v.type.kind()) {
                case STRING -> Literals.parseTime(v.strings[i]).toNanoOfDay() / 1000;
                default -> throw new IllegalStateException();
            };
            case BINARY -> out.strings[i] = switch (v.type.kind()) {
                case STRING -> org.spillway.frame.udf.HeapColumn.binaryToHeap(Literals.parseHex(v.strings[i]));
                default -> throw new IllegalStateException();
            };
            case TIMESTAMP -> out.longs[i] = switch (v.type.kind()) {
                case STRING -> Literals.toLong(Literals.parseTimestamp(v.strings[i]), DataType.TIMESTAMP);
                case DATE -> v.longs[i] * 86_400_000_000L;
                case TIMESTAMP_NTZ -> v.longs[i]; // read as a UTC wall clock
                default -> throw new IllegalStateException();
            };
        }
    }

    /** Row i of a decimal column as a BigDecimal. */
    static BigDecimal decimal(HeapColumn v, int i) {
        return v.type.kind() == DataType.Kind.DECIMAL ? BigDecimal.valueOf(v.longs[i], v.type.scale())
                : DecimalValues.ofWide(HeapColumn.heapToBinary(v.strings[i]), v.type.scale());
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
    static String render(HeapColumn v, int i) {
        return switch (v.type.kind()) {
            case STRING -> v.strings[i];
            case BOOL -> Boolean.toString(v.bools[i]);
            case FLOAT64 -> Double.toString(v.doubles[i]);
            case DATE -> LocalDate.ofEpochDay(v.longs[i]).toString();
            case TIMESTAMP -> Instant.ofEpochSecond(Math.floorDiv(v.longs[i], 1_000_000L),
                    Math.floorMod(v.longs[i], 1_000_000L) * 1000).toString();
            case TIMESTAMP_NTZ -> Literals.formatTimestampNtz(v.longs[i]);
            case TIME -> Literals.formatTime(v.longs[i]);
            case BINARY -> Literals.hex(org.spillway.frame.udf.HeapColumn.heapToBinary(v.strings[i]));
            case DECIMAL, DECIMAL128 -> decimal(v, i).toPlainString();
            default -> Long.toString(v.longs[i]);
        };
    }

}
