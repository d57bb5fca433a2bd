package org.spillway.spill;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.spillway.spill.chunk.Chunk;
import org.spillway.spill.memory.MemoryBudget;
import org.spillway.spill.vector.VectorBuilder;

/** Deterministic test chunks covering every type, nulls, plain and dictionary strings. */
public final class TestChunks {
    /** Every type; {@code plain} has distinct strings, {@code dict} few. */
    public static final Schema SCHEMA = Schema.of(
            new Field("i32", DataType.INT32),
            new Field("i64", DataType.INT64),
            new Field("f64", DataType.FLOAT64),
            new Field("flag", DataType.BOOL),
            new Field("day", DataType.DATE),
            new Field("ts", DataType.TIMESTAMP),
            new Field("plain", DataType.STRING),
            new Field("dict", DataType.STRING));

    private TestChunks() {
    }

    /** The value of column {@code col}, row {@code row} of chunk {@code seed}, as getObject returns it. */
    public static Object value(int seed, int col, int row) {
        long x = (seed * 1_000_003L + row) * 0x9E3779B97F4A7C15L;
        boolean isNull = switch (col) {
            case 0 -> row % 7 == 3;
            case 2 -> row % 11 == 5;
            case 3 -> row % 5 == 1;
            case 6 -> row % 13 == 0;
            case 7 -> row % 9 == 2;
            default -> false; // i64, day, ts: no nulls (no validity bitmap)
        };
        if (isNull) {
            return null;
        }
        return switch (col) {
            case 0 -> (int) (x >>> 35) - (1 << 27);
            case 1 -> x;
            case 2 -> row % 17 == 4 ? Double.NaN : (x >>> 11) * 0x1.0p-53 * 1000 - 500;
            case 3 -> (x & 1) == 0;
            case 4 -> LocalDate.ofEpochDay((x >>> 40) % 40_000 - 10_000);
            case 5 -> Instant.ofEpochSecond((x >>> 30) % 4_000_000_000L - 1_000_000_000L, ((x >>> 4) % 1_000_000) * 1000);
            case 6 -> row % 10 == 0 ? "" : "s" + seed + "-" + row + (row % 3 == 0 ? "-\u00e9\u20ac\uD83D\uDE00" : "");
            case 7 -> switch (row % 4) {
                case 0 -> "";
                case 1 -> "apple";
                case 2 -> "b\u00e4r";
                default -> "cherry-" + seed % 3;
            };
            default -> throw new IllegalArgumentException("column " + col);
        };
    }

    /** Builds chunk {@code seed} with {@code rows} rows, reserved from {@code budget}. */
    public static Chunk build(MemoryBudget budget, int seed, int rows) {
        List<VectorBuilder> builders = new ArrayList<>();
        for (int c = 0; c < SCHEMA.size(); c++) {
            VectorBuilder b = VectorBuilder.forType(SCHEMA.type(c), rows);
            for (int r = 0; r < rows; r++) {
                b.appendObject(value(seed, c, r));
            }
            builders.add(b);
        }
        return Chunk.build(SCHEMA, builders, budget, "test chunk " + seed);
    }

    /** Checks every value of {@code chunk} against chunk {@code seed}. */
    public static void verify(Chunk chunk, int seed, int rows) {
        assertEquals(rows, chunk.rows());
        for (int c = 0; c < SCHEMA.size(); c++) {
            for (int r = 0; r < rows; r++) {
                Object expected = value(seed, c, r);
                Object actual = chunk.column(c).getObject(r);
                if (!java.util.Objects.equals(expected, actual)) {
                    assertEquals(expected, actual, "chunk " + seed + " column " + SCHEMA.field(c).name() + " row " + r);
                }
            }
        }
    }
}
