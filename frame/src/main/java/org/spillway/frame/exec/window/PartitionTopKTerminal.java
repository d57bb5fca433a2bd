package org.spillway.frame.exec.window;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.spillway.frame.SortOrder;
import org.spillway.frame.exec.pipeline.ExecContext;
import org.spillway.frame.exec.pipeline.Terminal;
import org.spillway.frame.plan.StoredFrame;
import org.spillway.spill.Schema;
import org.spillway.spill.chunk.Chunk;
import org.spillway.spill.chunk.ChunkHandle;
import org.spillway.spill.memory.Reservation;
import org.spillway.spill.vector.VectorBuilder;

/**
 * Keeps the first {@code k} rows of each window partition in the window's order (and, {@code withTies}, every row
 * tied with the k-th), without sorting: per worker, a hash map from the partition key to that partition's best rows,
 * best first; a row worse than a full partition's k-th is dropped at one comparison. The workers' maps are merged at
 * the end and the kept rows stored as a frame, which the window then sorts. This is the window form of
 * {@code groupBy(...).topK(k, order)} for whole rows (see {@link org.spillway.frame.plan.WindowTopK}).
 *
 * <p>Memory: the kept rows are on the heap (as Java values), about {@code k} rows per partition. Their estimated size
 * is reserved in the budget where it can be; when it passes its cap (a quarter of the budget's heap part, where operator
 * state lives) the terminal stops with
 * {@link TooLarge} and the caller sorts every row instead (many partitions: the short cut does not pay).
 */
final class PartitionTopKTerminal implements Terminal<Map<Object, List<Object[]>>, StoredFrame> {
    /** The kept rows outgrew their share of the memory budget. */
    static final class TooLarge extends RuntimeException {
        TooLarge() {
            super("per-partition top-k over its memory share", null, false, false);
        }
    }

    private final Schema schema;
    private final int[] partitionColumns;
    private final int[] orderColumns;
    private final Comparator<Object[]> order;
    /** Per order key: the order of its values, nulls placed. */
    private final List<Comparator<Object>> keyOrders = new ArrayList<>();
    private final long k;
    private final boolean withTies;
    private final ExecContext ctx;
    private final String name;
    private final long cap;
    private final AtomicLong held = new AtomicLong();
    private final Reservation reservation;

    PartitionTopKTerminal(Schema schema, List<String> partitionKeys, List<SortOrder> orders, long k, boolean withTies,
                          ExecContext ctx, String name, long cap) {
        this.schema = schema;
        this.partitionColumns = partitionKeys.stream().mapToInt(schema::indexOf).toArray();
        this.orderColumns = orders.stream().mapToInt(o -> schema.indexOf(o.expr().name())).toArray();
        this.k = k;
        this.withTies = withTies;
        this.ctx = ctx;
        this.name = name;
        this.cap = cap;
        this.reservation = ctx.budget().newReservation("WindowTopK");
        Comparator<Object[]> c = (a, b) -> 0;
        for (int j = 0; j < orders.size(); j++) {
            SortOrder o = orders.get(j);
            int col = orderColumns[j];
            Comparator<Object> values = WindowTopKValues.ORDER;
            Comparator<Object> dir = o.ascending() ? values : values.reversed();
            Comparator<Object> nulls = o.isNullsFirst() ? Comparator.nullsFirst(dir) : Comparator.nullsLast(dir);
            c = c.thenComparing(r -> r[col], nulls);
            keyOrders.add(nulls);
        }
        this.order = c;
    }

    @Override
    public Map<Object, List<Object[]>> newLocal() {
        return new HashMap<>();
    }

    @Override
    public boolean accept(Map<Object, List<Object[]>> local, int seq, int index, Chunk chunk, boolean independent) {
        int cols = schema.size();
        for (int r = 0; r < chunk.rows(); r++) {
            List<Object[]> best = local.computeIfAbsent(key(chunk, r), x -> new ArrayList<>());
            if (best.size() >= k) {
                // the common case: worse than the k-th, decided on the order columns alone, without allocating
                Object[] kth = best.get((int) k - 1);
                int c = 0;
                for (int j = 0; j < orderColumns.length && c == 0; j++) {
                    int col = orderColumns[j];
                    c = keyOrders.get(j).compare(WindowTopKValues.normal(chunk.column(col).getObject(r)), kth[col]);
                }
                if (c > 0 || c == 0 && !withTies) {
                    continue;
                }
            }
            Object[] row = new Object[cols];
            long bytes = 32 + 16L * cols;
            for (int j = 0; j < cols; j++) {
                row[j] = WindowTopKValues.normal(chunk.column(j).getObject(r));
                if (row[j] instanceof String s) {
                    bytes += 40 + 2L * s.length();
                } else if (row[j] instanceof byte[] b) {
                    bytes += 16 + b.length;
                }
            }
            bytes -= insert(best, row);
            charge(bytes);
        }
        return false;
    }

    /** The partition key of row {@code r}: its value for one partition column, else the list of them. */
    private Object key(Chunk chunk, int r) {
        if (partitionColumns.length == 1) {
            Object v = WindowTopKValues.normal(chunk.column(partitionColumns[0]).getObject(r));
            return v == null ? NULL_KEY : v;
        }
        Object[] key = new Object[partitionColumns.length];
        for (int j = 0; j < key.length; j++) {
            key[j] = WindowTopKValues.normal(chunk.column(partitionColumns[j]).getObject(r));
        }
        return Arrays.asList(key);
    }

    /** The key of the null partition (one partition column). */
    private static final Object NULL_KEY = new Object();

    /** Adds {@code row} to {@code best} (best first, after its ties) and trims it; the estimated bytes of the rows dropped. */
    private long insert(List<Object[]> best, Object[] row) {
        int lo = 0;
        int hi = best.size();
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (order.compare(best.get(mid), row) <= 0) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        best.add(lo, row);
        long freed = 0;
        if (best.size() > k) {
            Object[] kth = best.get((int) k - 1);
            while (best.size() > k && (!withTies || order.compare(best.getLast(), kth) > 0)) {
                freed += 32 + 16L * schema.size();
                best.removeLast();
            }
        }
        return freed;
    }

    private void charge(long bytes) {
        long now = held.addAndGet(bytes);
        if (now > cap) {
            throw new TooLarge();
        }
        synchronized (reservation) {
            if (now > reservation.bytes() + (1 << 16)) {
                reservation.growIfRoom(now - reservation.bytes());
            }
        }
    }

    @Override
    public StoredFrame finish(List<Map<Object, List<Object[]>>> locals) {
        List<ChunkHandle> out = new ArrayList<>();
        try {
            Map<Object, List<Object[]>> all = locals.isEmpty() ? new HashMap<>() : locals.getFirst();
            for (int i = 1; i < locals.size(); i++) {
                for (Map.Entry<Object, List<Object[]>> e : locals.get(i).entrySet()) {
                    List<Object[]> best = all.computeIfAbsent(e.getKey(), x -> new ArrayList<>());
                    for (Object[] row : e.getValue()) {
                        insert(best, row);
                    }
                }
            }
            int chunkRows = ctx.chunkRows();
            List<VectorBuilder> builders = null;
            int rows = 0;
            for (List<Object[]> best : all.values()) {
                for (Object[] row : best) {
                    if (builders == null) {
                        builders = new ArrayList<>();
                        for (int j = 0; j < schema.size(); j++) {
                            builders.add(VectorBuilder.forType(schema.type(j), chunkRows));
                        }
                    }
                    for (int j = 0; j < row.length; j++) {
                        builders.get(j).appendObject(row[j]);
                    }
                    if (++rows == chunkRows) {
                        out.add(ctx.store().put(Chunk.build(schema, builders, ctx.budget(), "window-top-k")));
                        builders = null;
                        rows = 0;
                    }
                }
            }
            if (builders != null) {
                out.add(ctx.store().put(Chunk.build(schema, builders, ctx.budget(), "window-top-k")));
            }
            ctx.counters().add("window.topKRowsKept", out.stream().mapToLong(ChunkHandle::rows).sum());
            return new StoredFrame(name, schema, List.copyOf(out));
        } catch (RuntimeException | Error e) {
            out.forEach(ChunkHandle::close);
            throw e;
        } finally {
            reservation.close();
        }
    }

    @Override
    public void abort(List<Map<Object, List<Object[]>>> locals) {
        reservation.close();
    }
}
