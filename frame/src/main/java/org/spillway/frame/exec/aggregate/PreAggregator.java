package org.spillway.frame.exec.aggregate;

import java.util.Map;
import org.spillway.frame.Expr;
import org.spillway.frame.exec.hash.GroupTable;
import org.spillway.frame.exec.hash.KeyBatch;
import org.spillway.frame.exec.pipeline.ChunkOps;
import org.spillway.frame.udf.HeapColumn;
import org.spillway.spill.chunk.Chunk;

/**
 * Phase 1 of a hash aggregate: takes one input chunk into a worker ({@link AggregateWorker}). A
 * chunk goes to the first path that takes it: the worker's direct states ({@link DirectStates});
 * pass-through ({@link PassThrough}) once the worker's table has stopped paying; else the worker's
 * table, whose group ids come from a key path ({@link SingleKeyPaths}, {@link CompositeKeys}, or a
 * {@link KeyBatch} hashed row by row), in slices when one chunk's table would pass the worker's
 * share. The table's reservation is grown before each chunk ({@link #reserve}); when it cannot be,
 * the table is flushed to the partitions ({@link PartitionSpiller}).
 */
final class PreAggregator extends AggregateSpec {
    /**
     * Pre-aggregation that does not pay: a worker's table whose keys are hashed row by row and that
     * holds at least this many groups (about as many as stay in the CPU caches) is flushed to the
     * partitions when it has seen fewer than {@link #PREAGG_MIN_ROWS_PER_GROUP} rows per group since
     * its last flush: its keys hardly repeat, and a growing table would only miss the caches. (A
     * table whose groups repeat, such as 1e5 groups each seen 100 times, keeps growing.) Tables
     * keyed by dictionary codes or direct int indexes are not bounded: the bound made them slower
     * (figures of both in bench/README.md).
     */
    static final int PREAGG_GROUPS = 1 << 16;
    static final double PREAGG_MIN_ROWS_PER_GROUP = 1.25;
    /**
     * After such a flush the worker stops pre-aggregating (as DuckDB's and Polars' streaming group
     * bys abandon a table that does not reduce): each later chunk of at least this many rows goes
     * straight to the partitions, one partial row per input row, its keys copied from the chunk's
     * vectors by partition order and hashed without interning. The merge of each partition then
     * aggregates them once instead of twice. (Only without holistic aggregates, and when every key
     * is a column; smaller chunks, which would make tiny partition chunks, still use the table.)
     */
    static final int PASS_THROUGH_MIN_ROWS = 1 << 15;
    /** A table flushed because the budget is full also stops pre-aggregation if it held this many groups that hardly repeat. */
    static final int PASS_THROUGH_MIN_GROUPS = 1 << 12;

    private final DirectStates directStates;
    private final PassThrough passThrough;
    private final PartitionSpiller spiller;
    private final HolisticValuePartitions values;

    PreAggregator(AggregateSpec spec, DirectStates directStates, PassThrough passThrough, PartitionSpiller spiller,
                  HolisticValuePartitions values) {
        super(spec);
        this.directStates = directStates;
        this.passThrough = passThrough;
        this.spiller = spiller;
        this.values = values;
    }

    void update(AggregateWorker w, Chunk chunk, long pos0) {
        int n = chunk.rows();
        long epoch = consumer.revokeEpoch();
        if (epoch != w.revokeSeen) { // a safe point: the budget asked this operator to spill
            w.revokeSeen = epoch;
            if (w.table.size() > 0 || w.passThroughPending) {
                spiller.revoke(w);
            }
        }
        if (canDirectStates && directStates.update(w, chunk, pos0)) {
            return;
        }
        w.usedTable = true;
        if (w.passThrough && n >= PASS_THROUGH_MIN_ROWS && passThrough.reserve(w, n)) {
            passThrough.scatter(w, chunk, pos0);
            return;
        }
        int slice = sliceRows(n);
        if (slice >= n) {
            updateRows(w, chunk, pos0);
            return;
        }
        // one chunk's table and scratch alone would pass the worker's share: take it in slices
        for (int from = 0; from < n; from += slice) {
            int to = Math.min(n, from + slice);
            try (Chunk part = ChunkOps.slice(chunk, from, to, ctx.budget(), "group by slice")) {
                updateRows(w, part, pos0 + from);
            }
        }
    }

    /** Rows per slice such that an empty table and the scratch for one slice fit the worker's share (at least 1,024). */
    private int sliceRows(int n) {
        int rows = n;
        while (rows > 1024 && emptyProjected(rows) > workerShare) {
            rows = (rows + 1) / 2;
        }
        return rows;
    }

    private void updateRows(AggregateWorker w, Chunk chunk, long pos0) {
        int n = chunk.rows();
        w.rowStates = AggregateWorker.EMPTY_STATES; // the table path's reservation does not cover passThrough's per-row states
        reserve(w, n);
        if (w.gids.length < n) {
            w.gids = new int[n];
        }
        w.hashedKeys = false;
        if ((keys.size() == 1 && keyColumns[0] != null && SingleKeyPaths.singleKey(w, chunk.column(keyColumns[0]), n))
                || (keys.size() > 1 && compositeKey(w, chunk, n))) {
            Map<Expr, HeapColumn> inputs = updateStates(w, chunk, n, pos0);
            if (raw != null) {
                values.write(w, chunk, inputs);
            }
            return;
        }
        w.hashedKeys = true;
        KeyBatch batch = w.batch;
        batch.reset(keys.size(), n);
        for (int k = 0; k < keys.size(); k++) {
            if (keyColumns[k] != null) {
                batch.add(k, chunk.column(keyColumns[k]), w.pool);
            } else {
                batch.add(k, eval(keys.get(k), chunk), w.pool);
            }
        }
        batch.finish();
        if (w.gids.length < n) {
            w.gids = new int[n];
        }
        int[] gids = w.gids;
        GroupTable t = w.table;
        for (int i = 0; i < n; i++) {
            gids[i] = t.findOrInsert(batch, i);
        }
        Map<Expr, HeapColumn> inputs = updateStates(w, chunk, n, pos0);
        if (raw != null) {
            values.write(w, chunk, inputs);
        }
    }

    /**
     * Group ids for several key columns, all plain column references without nulls, by direct
     * index over their few value combinations ({@link CompositeKeys}); false if the chunk does not
     * qualify.
     */
    private boolean compositeKey(AggregateWorker w, Chunk chunk, int n) {
        int nk = keys.size();
        if (nk > w.compositeCols.length) {
            return false;
        }
        for (int k = 0; k < nk; k++) {
            if (keyColumns[k] == null) {
                return false;
            }
            w.compositeCols[k] = chunk.column(keyColumns[k]);
        }
        return w.composite.groupIds(w.compositeCols, nk, n, w.table, w.pool, w.gids);
    }

    /** Makes sure the worker's reservation covers its table after {@code rows} more rows; flushes if not. */
    private void reserve(AggregateWorker w, int rows) {
        // the table's keys hardly repeat (judged once it holds enough groups to tell)
        boolean noReduction = w.hashedKeys && w.table.size() >= PASS_THROUGH_MIN_GROUPS
                && w.rowsSinceFlush < PREAGG_MIN_ROWS_PER_GROUP * w.table.size();
        if (noReduction && w.table.size() >= PREAGG_GROUPS) {
            spiller.flush(w, 0); // a cache-sized table whose keys hardly repeat: hand the groups on to the partitions
            w.passThrough = canPassThrough;
        }
        long need = projected(w, rows);
        if (need <= w.res.bytes()) {
            w.rowsSinceFlush += rows;
            return;
        }
        if (need <= workerShare) {
            if (w.res.growOrRevoke(need - w.res.bytes())) {
                w.rowsSinceFlush += rows;
                return;
            }
            if (w.table.size() == 0) {
                w.res.grow(need - w.res.bytes()); // nothing of its own to spill: others are asked, or it fails
                w.rowsSinceFlush += rows;
                return;
            }
            spiller.revoke(w); // the budget is short: spill the table
        } else {
            spiller.flush(w, 0); // the table is as large as its share lets it be
        }
        w.passThrough |= noReduction && canPassThrough;
        w.rowsSinceFlush = rows;
        long fresh = projected(w, rows);
        if (fresh > w.res.bytes()) {
            w.res.grow(fresh - w.res.bytes());
        } else {
            w.res.shrink(w.res.bytes() - fresh); // the flushed table's memory is free for others
        }
    }

    long projected(AggregateWorker w, int rows) {
        return w.table.projectedBytes(w.table.size() + (long) rows) + w.pool.bytes() + scratchBytes(rows)
                + (raw == null ? 0 : w.rawBuffered * rawRowBytes());
    }
}
