package org.spillway.bench;

import java.util.List;
import java.util.function.LongUnaryOperator;
import org.spillway.datasets.GroupByData;
import org.spillway.spill.DataType;
import org.spillway.spill.Field;
import org.spillway.spill.Schema;
import org.spillway.spill.chunk.RowGenerator;
import org.spillway.spill.vector.DoubleVectorBuilder;
import org.spillway.spill.vector.IntVectorBuilder;
import org.spillway.spill.vector.LongVectorBuilder;
import org.spillway.spill.vector.StringVectorBuilder;
import org.spillway.spill.vector.VectorBuilder;

/**
 * Rows {@code [offset, offset + rows)} of a db-benchmark groupby table ({@code id1..id6, v1..v3}, as
 * {@link GroupByData#fill} gives them) with a unique int64 key {@code id} in front, so that
 * {@code sw.generate(...)} fills a frame of them without a CSV file. The key of row {@code r} is
 * {@code key.applyAsLong(r)}: the row number for a table, a chosen key for a set of updates.
 * Tables without nulls only ({@code nas = 0}).
 */
final class G1Rows implements RowGenerator {
    /** The columns: {@code id} (int64), then those of {@link GroupByData#columnNames()}. */
    static final Schema SCHEMA = Schema.of(new Field("id", DataType.INT64), new Field("id1", DataType.STRING),
            new Field("id2", DataType.STRING), new Field("id3", DataType.STRING), new Field("id4", DataType.INT32),
            new Field("id5", DataType.INT32), new Field("id6", DataType.INT32), new Field("v1", DataType.INT32),
            new Field("v2", DataType.INT32), new Field("v3", DataType.FLOAT64));

    private final GroupByData data;
    private final long offset;
    private final long rows;
    private final LongUnaryOperator key;
    private final ThreadLocal<GroupByData.Batch> batches = new ThreadLocal<>();

    G1Rows(GroupByData data, long offset, long rows, LongUnaryOperator key) {
        if (data.nas() != 0) {
            throw new IllegalArgumentException("G1Rows writes no nulls; the table " + data + " has nas = " + data.nas());
        }
        if (offset < 0 || rows < 0 || offset > data.rows() - rows) {
            throw new IllegalArgumentException("rows [" + offset + ", " + offset + " + " + rows + ") are outside " + data);
        }
        this.data = data;
        this.offset = offset;
        this.rows = rows;
        this.key = key;
    }

    /** Rows {@code [offset, offset + rows)} of {@code data} keyed by their row number. */
    static G1Rows slice(GroupByData data, long offset, long rows) {
        return new G1Rows(data, offset, rows, r -> r);
    }

    @Override
    public Schema schema() {
        return SCHEMA;
    }

    @Override
    public long rows() {
        return rows;
    }

    @Override
    public void fill(long fromRow, int count, List<VectorBuilder> builders) {
        RowGenerator.checkFill(this, fromRow, count, builders);
        GroupByData.Batch b = batches.get();
        if (b == null || b.capacity() < count) {
            b = new GroupByData.Batch(count);
            batches.set(b);
        }
        data.fill(offset + fromRow, count, b);
        LongVectorBuilder id = (LongVectorBuilder) builders.get(0);
        StringVectorBuilder id1 = (StringVectorBuilder) builders.get(1);
        StringVectorBuilder id2 = (StringVectorBuilder) builders.get(2);
        StringVectorBuilder id3 = (StringVectorBuilder) builders.get(3);
        IntVectorBuilder id4 = (IntVectorBuilder) builders.get(4);
        IntVectorBuilder id5 = (IntVectorBuilder) builders.get(5);
        IntVectorBuilder id6 = (IntVectorBuilder) builders.get(6);
        IntVectorBuilder v1 = (IntVectorBuilder) builders.get(7);
        IntVectorBuilder v2 = (IntVectorBuilder) builders.get(8);
        DoubleVectorBuilder v3 = (DoubleVectorBuilder) builders.get(9);
        for (int i = 0; i < count; i++) {
            id.append(key.applyAsLong(offset + fromRow + i));
            id1.append(b.id1[i]);
            id2.append(b.id2[i]);
            id3.append(b.id3[i]);
            id4.append(b.id4[i]);
            id5.append(b.id5[i]);
            id6.append(b.id6[i]);
            v1.append(b.v1[i]);
            v2.append(b.v2[i]);
            v3.append(b.v3[i]);
        }
    }

    @Override
    public String toString() {
        return "G1Rows(" + data.tableName() + " rows " + offset + " + " + rows + ")";
    }
}
