package org.spillway.frame.exec.aggregate;

import static org.spillway.frame.exec.hash.PartitionLayout.MAX_LEVEL;
import static org.spillway.frame.exec.hash.PartitionLayout.PARTITIONS;
import static org.spillway.frame.exec.hash.PartitionLayout.partition;
import static org.spillway.frame.exec.aggregate.SingleKeyPaths.internedGroupIds;

import java.util.ArrayList;
import java.util.List;
import org.spillway.frame.AggregateExpr;
import org.spillway.frame.exec.aggregate.function.AggFn;
import org.spillway.frame.exec.hash.GroupTable;
import org.spillway.frame.exec.hash.KeyBatch;
import org.spillway.frame.exec.hash.StringPool;
import org.spillway.frame.exec.pipeline.ChunkOps;
import org.spillway.frame.exec.pipeline.Terminal;
import org.spillway.frame.exec.sort.ExternalSort;
import org.spillway.frame.exec.sort.SortWorker;
import org.spillway.frame.plan.StoredFrame;
import org.spillway.spill.Schema;
import org.spillway.spill.chunk.Chunk;
import org.spillway.spill.chunk.ChunkHandle;
import org.spillway.spill.chunk.PinnedChunk;
import org.spillway.spill.memory.Reservation;
import org.spillway.spill.vector.ColumnVector;
import org.spillway.spill.vector.VectorBuilder;

/**
 * A phase-2 thread's merger (the local of {@link PartitionMergeSink}): merges partitions one at a
 * time. A partition's partial-state chunks are merged into one table; its holistic values are
 * grouped in memory ({@link HolisticAggregates}) or, when they do not fit at the deepest level,
 * sorted out of core ({@link #sortedHolistic}); the groups are then finished into result chunks.
 * A partition whose table or values pass the worker's share is split by the next hash bits
 * ({@link #repartition}) and each part merged alone, recursively, so the number of groups is
 * bounded by disk, not memory. Its table and pool are kept for the next partition when small.
 */
final class PartitionMerger extends AggregateSpec {
    /** Up-front sizes of a merge's table and pool ({@link #mergeSizes}). */
    private record MergeSizes(int groups, int strings, long stringBytes) {
    }

    final Reservation res = consumer.newReservation("group by merge");
    private final MergeSizeHints hints;
    final KeyBatch batch = new KeyBatch();
    final PlainKeys plainKeys = new PlainKeys();
    final CompositeKeys composite = new CompositeKeys();
    final ColumnVector[] compositeCols = new ColumnVector[8];
    VectorBuilder[] out;
    /** The group of each row of the last chunk given to {@link #groupIds}. */
    int[] gids = new int[0];
    /** For a single string key: the group of each string id of the partition's pool (-1: none yet). */
    int[] idGid = new int[0];
    int[] codeGid = new int[0];

    PartitionMerger(AggregateSpec spec, MergeSizeHints hints) {
        super(spec);
        this.hints = hints;
    }

    /**
     * Merges one partition's partial chunks (and evaluates its holistic values) into result
     * chunks added to {@code result}; a partition over the worker's share is split by the hash
     * bits of the next level and each part merged alone.
     */
    void merge(List<ChunkHandle> chunks, List<ChunkHandle> raws, int level, List<ChunkHandle> result) {
        boolean inlinePool = inlineMergePool(chunks, raws);
        long rows = 0;
        for (ChunkHandle ch : chunks) {
            rows += ch.rows();
        }
        MergeSizes sized = mergeSizes(rows, inlinePool);
        GroupTable t = takeTable(sized);
        StringPool pool = takePool(sized, inlinePool);
        java.util.Arrays.fill(idGid, -1); // a new pool: its ids start again at 0
        HolisticAggregates h = null;
        boolean partialsMerged = mergePartials(chunks, t, pool, level);
        boolean fits = partialsMerged;
        if (partialsMerged) {
            hints.learn(rows, t.size(), pool);
            if (raw != null) {
                h = new HolisticAggregates(this);
                fits = groupValues(h, raws, t, pool, level);
            }
        }
        if (!fits) {
            if (level >= MAX_LEVEL && raw != null && partialsMerged) {
                // The groups fit but their values do not, and the hash cannot split them further
                // (one group holds too many values: skew): sort the values out of core instead.
                long kept = t.bytes() + pool.bytes();
                if (kept < res.bytes()) {
                    res.shrink(res.bytes() - kept);
                }
                emit(t, pool, sortedHolistic(t, pool, raws, level), result);
                release();
                return;
            }
            if (level >= MAX_LEVEL) {
                throw res.exceeded(shortBy, " (group by: a partition's groups still did not fit after " + level
                        + " levels of repartitioning)");
            }
            if (budgetShort) {
                consumer.revoked(res.bytes()); // the budget was short: the partition is split and spilled again
            }
            release();
            repartition(chunks, raws, level, result);
            return;
        }
        emit(t, pool, h, result);
        keepForNextPartition();
    }

    /**
     * Merges the partial chunks into {@code t}; false as soon as the table would not fit
     * ({@link #ensure}): the partition is then split, or, at the deepest level, fails.
     */
    private boolean mergePartials(List<ChunkHandle> chunks, GroupTable t, StringPool pool, int level) {
        for (ChunkHandle ch : chunks) {
            try (PinnedChunk p = ch.pin()) {
                Chunk c = p.chunk();
                int n = c.rows();
                long need = t.projectedBytes(t.size() + (long) n) + pool.bytes() + 48L * n + 8L * n * (keys.size() + 3);
                if (!ensure(need, level)) {
                    return false;
                }
                mergeChunk(t, pool, c);
            }
        }
        return true;
    }

    /** Groups the holistic values of the partition's groups, one aggregate at a time; false when they do not fit ({@link #ensure}). */
    private boolean groupValues(HolisticAggregates h, List<ChunkHandle> raws, GroupTable t, StringPool pool, int level) {
        long rawRows = 0;
        for (ChunkHandle ch : raws) {
            rawRows += ch.rows();
        }
        // one holistic aggregate at a time, so only one set of values is in memory
        for (int j = 0; j < aggs.size(); j++) {
            if (rawCol[j] < 0) {
                continue;
            }
            if (rawRows <= Integer.MAX_VALUE - 8) {
                // room for every value at once, instead of doubling the arrays chunk by chunk
                if (!ensure(t.bytes() + pool.projectedBytes(0, 0) + h.bytesAfter(rawRows, j), level)) {
                    return false;
                }
                h.expect(j, (int) rawRows);
            }
            for (ChunkHandle ch : raws) {
                try (PinnedChunk p = ch.pin()) {
                    Chunk c = p.chunk();
                    long need = t.bytes() + pool.projectedBytes(c.rows(), 32L * c.rows()) + h.bytesAfter(c.rows(), j)
                            + 8L * c.rows() * (keys.size() + 3);
                    if (!ensure(need, level)) {
                        return false;
                    }
                    h.add(t, pool, c, j);
                }
            }
            long need = t.bytes() + pool.bytes() + h.bytesAfter(0, j) + 16L * (t.size() + 1) * aggs.size();
            if (!ensure(need, level)) {
                return false;
            }
            h.compute(t.size(), j);
            long kept = t.bytes() + pool.bytes() + 16L * (t.size() + 1) * aggs.size();
            if (kept < res.bytes()) {
                res.shrink(res.bytes() - kept); // the values are gone
            }
        }
        return true;
    }

    /** The table and pool kept from the last partition for the next ({@link #keepForNextPartition}), or null. */
    private GroupTable keptTable;
    private StringPool keptPool;

    /** An empty table for a partition: the kept one reset, or a new one; sized by {@code sized} if given. */
    private GroupTable takeTable(MergeSizes sized) {
        int groups = sized == null ? 16 : sized.groups();
        if (keptTable != null) {
            keptTable.reset(groups);
            return keptTable;
        }
        return keptTable = new GroupTable(keys.size(), stride, groups);
    }

    /** An empty string pool of the given layout: the kept one reset, or a new one. */
    private StringPool takePool(MergeSizes sized, boolean inline) {
        int strings = sized == null || stringColumns == 0 ? 0 : sized.strings();
        long bytes = sized == null || stringColumns == 0 ? 0 : sized.stringBytes();
        if (keptPool != null && keptPool.isInline() == inline) {
            keptPool.reset(strings, bytes);
            return keptPool;
        }
        return keptPool = new StringPool(inline, strings, bytes);
    }

    /**
     * After a partition: keeps its table and pool, still reserved, for the next one when they take
     * at most half the worker's share (emptying them costs less than allocating new ones and
     * having the JVM fault fresh heap pages in); returns every other reserved byte.
     */
    private void keepForNextPartition() {
        long kept = (keptTable == null ? 0 : keptTable.bytes()) + (keptPool == null ? 0 : keptPool.bytes());
        if (kept > workerShare / 2 || kept > res.bytes()) {
            release();
            return;
        }
        res.shrink(res.bytes() - kept);
    }

    /** Drops the kept table and pool and returns every reserved byte. */
    private void release() {
        keptTable = null;
        keptPool = null;
        res.shrink(res.bytes());
    }

    /**
     * The sizes to make a partition's table and pool of {@code rows} partial rows with, from
     * what earlier merges of this aggregate saw per row (partitions are alike, being cut by
     * hash), with a tenth to spare, reserved here; null (start small and grow) before any
     * merge has finished, when they would take over half the worker's share, or when the budget
     * has no room for them now. (Growing tables and pools from 16 groups took a noticeable part
     * of a merge's time; figures in bench/README.md.)
     */
    private MergeSizes mergeSizes(long rows, boolean inlinePool) {
        double[] perRow = hints.perRow();
        if (perRow == null || rows == 0) {
            return null;
        }
        long cap = 1 << 30; // (far past what half a share holds; only keeps the casts exact)
        int groups = (int) Math.min(cap, Math.min(rows, (long) Math.ceil(rows * perRow[0] * 1.1) + 16));
        int strings = (int) Math.min(cap, Math.min(rows * Math.max(1, stringColumns), (long) Math.ceil(rows * perRow[1] * 1.1) + 16));
        long bytes = (long) Math.ceil(rows * perRow[2] * 1.1);
        long need = GroupTable.bytesForGroups(keys.size(), stride, groups)
                + (stringColumns > 0 ? StringPool.bytesFor(inlinePool, strings, bytes) : 0);
        if (groups <= 16 || need > workerShare / 2) {
            return null;
        }
        if (need > res.bytes() && !res.growIfRoom(need - res.bytes())) {
            return null; // start small and grow
        }
        return new MergeSizes(groups, strings, bytes);
    }

    /** The last {@link #ensure} failed because the budget was short (not because of the share). */
    private boolean budgetShort;
    /** The bytes the last failed {@link #ensure} lacked. */
    private long shortBy;

    /**
     * Reserves up to {@code need} bytes for the partition being merged; false if they do not fit, so that
     * the partition is split: past this worker's share of the budget (below the deepest level), or when
     * the budget is short ({@code growOrRevoke}).
     */
    private boolean ensure(long need, int level) {
        if (need <= res.bytes()) {
            return true;
        }
        shortBy = need - res.bytes();
        budgetShort = false;
        if (need > workerShare && level < MAX_LEVEL) {
            return false;
        }
        if (res.growOrRevoke(need - res.bytes())) {
            return true;
        }
        budgetShort = true;
        return false;
    }

    /** Fills {@link #gids} with the group of each row of {@code c}, whose leading columns are the keys. */
    void groupIds(GroupTable t, StringPool pool, Chunk c) {
        int n = c.rows();
        if (gids.length < n) {
            gids = new int[n];
        }
        if (keys.size() == 1 && c.column(0) instanceof org.spillway.spill.vector.StringVector sv && !sv.hasNulls()) {
            stringGroupIds(t, pool, sv, n);
            return;
        }
        int nk = keys.size();
        if (nk <= compositeCols.length) {
            for (int k = 0; k < nk; k++) {
                compositeCols[k] = c.column(k);
            }
            if (composite.groupIds(compositeCols, nk, n, t, pool, gids)) {
                return;
            }
        }
        batch.reset(keys.size(), n);
        for (int k = 0; k < keys.size(); k++) {
            batch.add(k, c.column(k), pool);
        }
        batch.finish();
        if (gids.length < n) {
            gids = new int[n];
        }
        for (int i = 0; i < n; i++) {
            gids[i] = t.findOrInsert(batch, i);
        }
    }

    /**
     * Group ids for a single string key: the string's id in the partition's pool maps to its group
     * by array ({@link #idGid}), so only a string's first row probes the table. A dictionary
     * column interns each entry once.
     */
    private void stringGroupIds(GroupTable t, StringPool pool, org.spillway.spill.vector.StringVector sv, int n) {
        java.lang.foreign.MemorySegment bytes = sv.bytes();
        if (sv.isDictionary()) {
            int d = sv.dictionarySize();
            if (codeGid.length < d) {
                codeGid = new int[Math.max(d, 16)];
            }
            java.util.Arrays.fill(codeGid, 0, d, -1);
            for (int i = 0; i < n; i++) {
                int code = sv.code(i);
                int g = codeGid[code];
                if (g < 0) {
                    g = stringGroup(t, pool, bytes, sv.entryStart(code), sv.entryLength(code));
                    codeGid[code] = g;
                }
                gids[i] = g;
            }
            return;
        }
        if (!pool.isInline()) {
            for (int i = 0; i < n; i++) {
                gids[i] = stringGroup(t, pool, bytes, sv.start(i), sv.length(i));
            }
            return;
        }
        idGid = internedGroupIds(t, pool, sv, n, gids, idGid);
    }

    private int stringGroup(GroupTable t, StringPool pool, java.lang.foreign.MemorySegment bytes, int start, int len) {
        int id = pool.intern(bytes, start, len);
        if (id >= idGid.length) {
            int old = idGid.length;
            idGid = java.util.Arrays.copyOf(idGid, Math.max(id + 1, Math.max(16, old * 2)));
            java.util.Arrays.fill(idGid, old, idGid.length, -1);
        }
        int g = idGid[id];
        if (g < 0) {
            g = t.findOrInsert1(KeyBatch.singleKeyHash(pool.lastHash()), id);
            idGid[id] = g;
        }
        return g;
    }

    private void mergeChunk(GroupTable t, StringPool pool, Chunk c) {
        int n = c.rows();
        groupIds(t, pool, c);
        ColumnVector[] cols = new ColumnVector[c.columnCount()];
        for (int j = 0; j < cols.length; j++) {
            cols[j] = c.column(j);
        }
        long[] st = t.states();
        for (int j = 0; j < fns.length; j++) {
            if (fns[j] != null) {
                fns[j].merge(st, stride, gids, n, cols, partialCol0[j], pool);
            }
        }
    }

    /**
     * The holistic aggregates of a partition whose value rows do not fit the budget although its
     * groups do: for each aggregate, the value rows are sorted out of core by (keys, value) with
     * an {@link ExternalSort}, so every group's values arrive in order and together, and the
     * aggregate is read off the sorted stream holding a few numbers per group: the two values
     * around a quantile's position (the non-null count per group is counted while feeding the
     * sort), the number of value changes for countDistinct, the first k for top-k.
     */
    private HolisticAggregates sortedHolistic(GroupTable t, StringPool pool, List<ChunkHandle> raws, int level) {
        ctx.counters().add("groupby.sortedValues", 1);
        int groups = t.size();
        int nk = keys.size();
        HolisticAggregates h = new HolisticAggregates(this);
        for (int j = 0; j < aggs.size(); j++) {
            if (rawCol[j] < 0) {
                continue;
            }
            AggregateExpr a = aggs.get(j);
            AggregateExpr.Kind kind = a.kind();
            int k = kind == AggregateExpr.Kind.TOP_K ? a.k() : 0;
            long need = t.bytes() + pool.bytes() + 16L * (groups + 1) * aggs.size() + 40L * (groups + 1)
                    + 8L * groups * k + 8L * ctx.chunkRows() * (nk + 4);
            if (need > res.bytes()) {
                res.grow(need - res.bytes()); // the deepest level: it fits, or the query fails
            }
            int[] keyCols = new int[nk + 1];
            List<org.spillway.frame.SortOrder> orders = new ArrayList<>();
            for (int c = 0; c < nk; c++) {
                keyCols[c] = c;
                orders.add(org.spillway.frame.Functions.asc(raw.field(c).name()));
            }
            keyCols[nk] = rawCol[j];
            String value = raw.field(rawCol[j]).name();
            orders.add(kind == AggregateExpr.Kind.TOP_K && a.descending()
                    ? org.spillway.frame.Functions.desc(value) : org.spillway.frame.Functions.asc(value));
            boolean quantile = kind == AggregateExpr.Kind.MEDIAN || kind == AggregateExpr.Kind.QUANTILE;
            long[] nonNull = quantile ? new long[groups] : null;
            ExternalSort sorter = new ExternalSort(raw, raw.size(), keyCols, orders, -1, ctx);
            Terminal<SortWorker, List<SortWorker>> feed = sorter.terminal();
            List<SortWorker> fed = List.of(feed.newLocal());
            try {
                int seq = 0;
                for (ChunkHandle ch : raws) {
                    try (PinnedChunk p = ch.pin()) {
                        Chunk c = p.chunk();
                        if (quantile) {
                            groupIds(t, pool, c);
                            ColumnVector v = c.column(rawCol[j]);
                            for (int i = 0; i < c.rows(); i++) {
                                if (!v.isNull(i)) {
                                    nonNull[gids[i]]++;
                                }
                            }
                        }
                        feed.accept(fed.getFirst(), seq++, 0, c, false);
                    }
                }
            } catch (RuntimeException | Error e) {
                feed.abort(fed);
                throw e;
            }
            try (StoredFrame sorted = sorter.finish(fed, "group by sorted values")) {
                SortedHolisticReader r = new SortedHolisticReader(kind, groups, k, a.q(), nonNull);
                for (ChunkHandle ch : sorted.chunks()) {
                    try (PinnedChunk p = ch.pin()) {
                        Chunk c = p.chunk();
                        groupIds(t, pool, c);
                        r.read(c.column(rawCol[j]), gids, c.rows());
                    }
                }
                r.into(h, j);
            }
        }
        return h;
    }

    /** Splits a partition that does not fit by the next hash bits and merges each part alone. */
    private void repartition(List<ChunkHandle> chunks, List<ChunkHandle> raws, int level, List<ChunkHandle> result) {
        ctx.counters().add("groupby.repartitions", 1);
        List<List<ChunkHandle>> sub = split(chunks, level);
        List<List<ChunkHandle>> subRaw = null;
        try {
            subRaw = split(raws, level);
            int nonEmpty = 0;
            for (List<ChunkHandle> x : sub) {
                nonEmpty += x.isEmpty() ? 0 : 1;
            }
            // All rows in one sub-partition: the hash cannot separate them (one big group, i.e.
            // skew), so splitting again would not help; merge it with as much of the budget as it needs.
            int nextLevel = nonEmpty == 1 ? MAX_LEVEL : level + 1;
            for (int q = 0; q < PARTITIONS; q++) {
                if (!sub.get(q).isEmpty()) {
                    merge(sub.get(q), subRaw.get(q), nextLevel, result);
                }
            }
        } finally {
            for (List<ChunkHandle> s : sub) {
                s.forEach(ChunkHandle::close);
            }
            if (subRaw != null) {
                for (List<ChunkHandle> s : subRaw) {
                    s.forEach(ChunkHandle::close);
                }
            }
        }
    }

    /**
     * The rows of {@code chunks} (keys first) split by hash bits of level {@code level} into new chunks. Each
     * sub-partition's rows collect in builders over as many input chunks as it takes, up to
     * {@link #passThroughChunkRows}, before they become a chunk: one chunk per sub-partition and input chunk made chunks
     * of a few rows two levels down (q10 of db-benchmark at 1e7 under 256 MB: about 150,000 chunks, whose handles,
     * vectors and segments filled the heap).
     */
    private List<List<ChunkHandle>> split(List<ChunkHandle> chunks, int level) {
        List<List<ChunkHandle>> sub = new ArrayList<>();
        for (int p = 0; p < PARTITIONS; p++) {
            sub.add(new ArrayList<>());
        }
        if (chunks.isEmpty()) {
            return sub;
        }
        Schema schema = chunks.getFirst().schema();
        StringPool scratchPool = new StringPool(inlinePool());
        int[] part = new int[0];
        int[] counts = new int[PARTITIONS];
        VectorBuilder[][] byPart = new VectorBuilder[PARTITIONS][];
        VectorBuilder[][] byCol = new VectorBuilder[schema.size()][PARTITIONS];
        try {
            for (ChunkHandle h : chunks) {
                try (PinnedChunk p = h.pin()) {
                    Chunk c = p.chunk();
                    int n = c.rows();
                    batch.reset(keys.size(), n);
                    for (int k = 0; k < keys.size(); k++) {
                        batch.add(k, c.column(k), scratchPool);
                    }
                    batch.finish();
                    scratchPool.clear();
                    java.util.Arrays.fill(counts, 0);
                    if (part.length < n) {
                        part = new int[n];
                    }
                    for (int i = 0; i < n; i++) {
                        int q = partition(batch.hash[i], level);
                        part[i] = q;
                        counts[q]++;
                    }
                    for (int q = 0; q < PARTITIONS; q++) {
                        if (counts[q] > 0 && byPart[q] == null) {
                            byPart[q] = ChunkOps.builders(schema, passThroughChunkRows).toArray(VectorBuilder[]::new);
                            for (int col = 0; col < byCol.length; col++) {
                                byCol[col][q] = byPart[q][col];
                            }
                        }
                    }
                    for (int col = 0; col < byCol.length; col++) {
                        VectorBuilder.scatter(c.column(col), n, part, counts, byCol[col]);
                    }
                    for (int q = 0; q < PARTITIONS; q++) {
                        if (counts[q] > 0 && byPart[q][0].size() >= passThroughChunkRows) {
                            writeSplit(schema, byPart[q], sub.get(q));
                        }
                    }
                }
            }
            for (int q = 0; q < PARTITIONS; q++) {
                if (byPart[q] != null && byPart[q][0].size() > 0) {
                    writeSplit(schema, byPart[q], sub.get(q));
                }
            }
            return sub;
        } catch (RuntimeException | Error e) {
            for (List<ChunkHandle> s : sub) {
                s.forEach(ChunkHandle::close);
            }
            throw e;
        }
    }

    private void writeSplit(Schema schema, VectorBuilder[] b, List<ChunkHandle> into) {
        into.add(ctx.store().putWithoutStats(Chunk.build(schema, java.util.Arrays.asList(b), ctx.budget(), "group by repartition")));
        ctx.counters().add("groupby.repartitionChunks", 1);
        ctx.counters().add("groupby.repartitionRows", b[0].size());
        for (VectorBuilder x : b) {
            x.reset();
        }
    }

    private void emit(GroupTable t, StringPool pool, HolisticAggregates h, List<ChunkHandle> result) {
        int size = t.size();
        if (size == 0 && keys.isEmpty()) {
            t.findOrInsert(emptyBatch(), 0); // the single group of a global aggregate over no rows
            size = 1;
        }
        if (out == null) {
            out = ChunkOps.builders(output, ctx.chunkRows()).toArray(VectorBuilder[]::new);
        }
        long[] st = t.states();
        for (int from = 0; from < size; from += ctx.chunkRows()) {
            int to = Math.min(size, from + ctx.chunkRows());
            for (VectorBuilder b : out) {
                b.reset();
            }
            plainKeys.choose(t, null, from, to, out, keyTypes);
            for (int g = from; g < to; g++) {
                if (topK >= 0) {
                    int k = aggs.get(topK).k();
                    int cnt = h == null || h.topCounts == null || g >= h.topCounts.length ? 0 : h.topCounts[g];
                    for (int r = 0; r < cnt; r++) {
                        appendKeys(t, pool, g, out);
                        AggFn.append(out[keys.size()], output.type(keys.size()), h.topValues[g * k + r], pool);
                    }
                    continue;
                }
                appendKeys(t, pool, g, out);
                for (int j = 0; j < fns.length; j++) {
                    if (fns[j] != null) {
                        fns[j].finish(st, g * stride, out[keys.size() + j], pool);
                    } else if (h != null) {
                        h.append(j, g, out[keys.size() + j]);
                    } else {
                        out[keys.size() + j].appendNull();
                    }
                }
            }
            if (out.length > 0 && out[0].size() == 0) {
                continue; // top-k groups without values
            }
            Chunk c = output.size() == 0 ? Chunk.empty(output, to - from) : Chunk.build(output, List.of(out), ctx.budget(), "group by result");
            result.add(ctx.store().put(c));
        }
    }

    private KeyBatch emptyBatch() {
        KeyBatch b = new KeyBatch();
        b.reset(0, 1);
        b.finish();
        return b;
    }

    void close() {
        keptTable = null;
        keptPool = null;
        res.close();
    }
}
