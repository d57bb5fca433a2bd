package org.spillway.spill.vector;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneOffset;
import org.spillway.spill.DataType;

/**
 * int64 values ({@link DataType#INT64}, {@link DataType#TIMESTAMP} and {@link DataType#TIMESTAMP_NTZ} as microseconds
 * since the epoch, {@link DataType#TIME} as microseconds since midnight).
 */
public final class LongVector extends FixedWidthVector {
    private static final ValueLayout.OfLong LAYOUT = ValueLayout.JAVA_LONG;
    private final long min;
    private final long max;

    /** Wraps segments already filled; {@code min}/{@code max} are over the non-null values. */
    public LongVector(DataType type, int size, MemorySegment data, MemorySegment validity, int nullCount, long min, long max) {
        super(type, size, data, validity, nullCount);
        if (!type.isInt64Stored()) {
            throw new IllegalArgumentException("LongVector cannot hold " + type);
        }
        this.min = min;
        this.max = max;
    }

    /** The value at row {@code i} (unspecified when null). */
    public long get(int i) {
        return data.getAtIndex(LAYOUT, i);
    }

    /** Smallest non-null value (Long.MAX_VALUE when all null). */
    public long min() {
        return min;
    }

    /** Largest non-null value (Long.MIN_VALUE when all null). */
    public long max() {
        return max;
    }

    @Override
    public Object getObject(int i) {
        if (isNull(i)) {
            return null;
        }
        long micros = get(i);
        return switch (type().kind()) {
            case TIMESTAMP -> Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1000L);
            case TIMESTAMP_NTZ -> LocalDateTime.ofEpochSecond(Math.floorDiv(micros, 1_000_000L),
                    (int) Math.floorMod(micros, 1_000_000L) * 1000, ZoneOffset.UTC);
            case TIME -> LocalTime.ofNanoOfDay(micros * 1000L);
            case DECIMAL -> DecimalValues.of(micros, type().scale());
            default -> micros;
        };
    }
}
