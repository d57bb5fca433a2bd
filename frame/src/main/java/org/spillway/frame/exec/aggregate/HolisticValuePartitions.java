package org.spillway.frame.exec.aggregate;

import static org.spillway.frame.exec.hash.PartitionLayout.PARTITIONS;
import static org.spillway.frame.exec.hash.PartitionLayout.partition;

import java.util.Map;
import org.spillway.frame.Expr;
import org.spillway.frame.exec.hash.GroupTable;
import org.spillway.frame.exec.pipeline.ChunkOps;
import org.spillway.frame.Expr.ColumnRef;
import org.spillway.frame.udf.HeapColumn;
import org.spillway.spill.DataType;
import org.spillway.spill.chunk.Chunk;
import org.spillway.spill.vector.BoolVectorBuilder;
import org.spillway.spill.vector.ColumnVector;
import org.spillway.spill.vector.DoubleVectorBuilder;
import org.spillway.spill.vector.IntVectorBuilder;
import org.spillway.spill.vector.LongVectorBuilder;
import org.spillway.spill.vector.StringVectorBuilder;
import org.spillway.spill.vector.VectorBuilder;

/**
 * Phase 1 of the holistic aggregates (median, quantile, countDistinct, top-k), which keep every
 * value: each chunk's keys and values are appended, partitioned like the partial states, to the
 * worker's value buffers ({@link AggregateWorker#rawBuffers}), which become value chunks of the
 * partitions once they hold {@link AggregateSpec#rawChunkRows} rows
 * ({@link PartitionSpiller#flushRaw}). Phase 2 evaluates them in {@link HolisticAggregates}.
 */
final class HolisticValuePartitions extends AggregateSpec {
    private final PartitionSpiller spiller;

    HolisticValuePartitions(AggregateSpec spec, PartitionSpiller spiller) {
        super(spec);
        this.spiller = spiller;
    }

    /**
     * Appends the chunk's keys and holistic inputs, radix-partitioned by group hash, to the
     * partitions' raw buffers. A key or input that is a column of the chunk (of the stored type) is
     * written by one {@link VectorBuilder#scatter} that reads the vector in order; the rest
     * (expressions) row by row, in row order. (Gathering each partition's rows in turn read every
     * column once per partition at random, a cache miss per row and column; figures in
     * bench/README.md.)
     */
    void write(AggregateWorker w, Chunk chunk, Map<Expr, HeapColumn> inputs) {
        int n = chunk.rows();
        if (w.part.length < n) {
            w.part = new int[n];
        }
        int[] part = w.part;
        int[] counts = new int[PARTITIONS];
        GroupTable t = w.table;
        int[] gids = w.gids;
        for (int i = 0; i < n; i++) {
            int p = partition(t.hash(gids[i]), 0);
            part[i] = p;
            counts[p]++;
        }
        // Holistic inputs: a column whose type is the stored type is copied as is (no heap values).
        ColumnVector[] holisticVectors = new ColumnVector[aggs.size()];
        boolean rowWise = false;
        for (int j = 0; j < aggs.size(); j++) {
            if (rawCol[j] < 0) {
                continue;
            }
            Expr e = aggs.get(j).input();
            if (e instanceof ColumnRef c && chunk.column(c.column()).type() == raw.type(rawCol[j])) {
                holisticVectors[j] = chunk.column(c.column());
            } else {
                inputs.computeIfAbsent(e, x -> eval(x, chunk));
                rowWise = true;
            }
        }
        HeapColumn[] keyValues = new HeapColumn[keys.size()];
        ColumnVector[] keyVectors = new ColumnVector[keys.size()];
        for (int k = 0; k < keys.size(); k++) {
            if (keyColumns[k] == null) {
                keyValues[k] = eval(keys.get(k), chunk);
                rowWise = true;
            } else {
                keyVectors[k] = chunk.column(keyColumns[k]);
            }
        }
        if (w.rawBuffers == null) {
            w.rawBuffers = new VectorBuilder[PARTITIONS][];
        }
        VectorBuilder[][] buffers = w.rawBuffers;
        for (int p = 0; p < PARTITIONS; p++) {
            if (counts[p] > 0 && buffers[p] == null) {
                buffers[p] = ChunkOps.builders(raw, 256).toArray(VectorBuilder[]::new);
            }
        }
        VectorBuilder[] outs = new VectorBuilder[PARTITIONS]; // one column's buffers, by partition
        for (int k = 0; k < keys.size(); k++) {
            if (keyVectors[k] != null) {
                VectorBuilder.scatter(keyVectors[k], n, part, counts, column(buffers, k, outs));
            }
        }
        for (int j = 0; j < aggs.size(); j++) {
            if (rawCol[j] >= 0 && holisticVectors[j] != null) {
                VectorBuilder.scatter(holisticVectors[j], n, part, counts, column(buffers, rawCol[j], outs));
            }
        }
        if (rowWise) {
            for (int i = 0; i < n; i++) {
                VectorBuilder[] b = buffers[part[i]];
                for (int k = 0; k < keys.size(); k++) {
                    if (keyVectors[k] == null) {
                        appendValue(b[k], keyValues[k], i);
                    }
                }
                for (int j = 0; j < aggs.size(); j++) {
                    if (rawCol[j] < 0 || holisticVectors[j] != null) {
                        continue; // not holistic, or scattered above
                    }
                    VectorBuilder vb = b[rawCol[j]];
                    HeapColumn v = inputs.get(aggs.get(j).input());
                    if (vb instanceof DoubleVectorBuilder db && v.type != DataType.FLOAT64) {
                        if (v.isNull(i)) {
                            db.appendNull();
                        } else {
                            db.append(v.asDouble(i));
                        }
                    } else {
                        appendValue(vb, v, i);
                    }
                }
            }
        }
        w.rawBuffered += n;
        for (int p = 0; p < PARTITIONS; p++) {
            if (counts[p] > 0 && buffers[p][0].size() >= rawChunkRows) {
                spiller.flushRaw(w, p);
            }
        }
    }

    /** Column {@code c} of each partition's raw buffers, into {@code outs} (null for a partition without buffers). */
    private static VectorBuilder[] column(VectorBuilder[][] buffers, int c, VectorBuilder[] outs) {
        for (int p = 0; p < PARTITIONS; p++) {
            outs[p] = buffers[p] == null ? null : buffers[p][c];
        }
        return outs;
    }

    private static void appendValue(VectorBuilder b, HeapColumn v, int i) {
        if (v.isNull(i)) {
            b.appendNull();
            return;
        }
        switch (b) {
            case IntVectorBuilder x -> x.append((int) v.longs[i]);
            case LongVectorBuilder x -> x.append(v.longs[i]);
            case DoubleVectorBuilder x -> x.append(v.doubles[i]);
            case BoolVectorBuilder x -> x.append(v.bools[i]);
            case StringVectorBuilder x -> x.append(v.strings[i]);
        }
    }
}
