package org.spillway.spill.chunk;

import java.lang.foreign.Arena;
import java.util.List;
import org.spillway.spill.Schema;
import org.spillway.spill.memory.MemoryBudget;
import org.spillway.spill.memory.PooledArena;
import org.spillway.spill.memory.Reservation;
import org.spillway.spill.vector.ColumnVector;
import org.spillway.spill.vector.VectorBuilder;

/**
 * A horizontal slice of rows: one {@link ColumnVector} per column of its {@link Schema}, all of
 * {@link #rows()} rows. Immutable once built. A chunk owns its off-heap memory (an {@link Arena},
 * usually a {@link PooledArena} lent by the budget's pool) and the budget {@link Reservation} that
 * pays for it; {@link #close()} gives both back.
 * Whoever creates a chunk closes it, or hands it to a {@code ChunkStore} which then owns it.
 */
public final class Chunk implements AutoCloseable {
    private final Schema schema;
    private final int rows;
    private final ColumnVector[] columns;
    private final Arena arena;
    private final Reservation reservation;
    private volatile boolean closed;

    /**
     * Wraps vectors that live in {@code arena}, paid for by {@code reservation}; the chunk takes
     * ownership of both.
     */
    public Chunk(Schema schema, ColumnVector[] columns, Arena arena, Reservation reservation) {
        if (columns.length != schema.size()) {
            throw new IllegalArgumentException("Schema has " + schema.size() + " columns but " + columns.length + " vectors were given");
        }
        int n = columns.length == 0 ? 0 : columns[0].size();
        for (int i = 0; i < columns.length; i++) {
            if (columns[i].size() != n) {
                throw new IllegalArgumentException("Column '" + schema.field(i).name() + "' has " + columns[i].size()
                        + " rows, the first column " + n);
            }
            if (columns[i].type() != schema.type(i)) {
                throw new IllegalArgumentException("Column '" + schema.field(i).name() + "' is " + columns[i].type()
                        + " but the schema says " + schema.type(i));
            }
        }
        this.schema = schema;
        this.rows = n;
        this.columns = columns.clone();
        this.arena = arena;
        this.reservation = reservation;
    }

    /** A chunk with no columns and {@code rows} rows (e.g. the input of {@code count()}). */
    public static Chunk empty(Schema schema, int rows) {
        if (schema.size() != 0) {
            throw new IllegalArgumentException("empty() is for zero-column chunks");
        }
        return new Chunk(schema, new ColumnVector[0], null, null, rows);
    }

    private Chunk(Schema schema, ColumnVector[] columns, Arena arena, Reservation reservation, int rows) {
        this.schema = schema;
        this.rows = rows;
        this.columns = columns;
        this.arena = arena;
        this.reservation = reservation;
    }

    /**
     * Builds a chunk from filled builders: reserves the exact off-heap size from {@code budget} as
     * {@code consumer} (spilling others if needed), then copies. The builders are left as they are
     * (reset them to reuse).
     *
     * @throws org.spillway.spill.memory.BudgetExceededException if the memory cannot be had
     */
    public static Chunk build(Schema schema, List<? extends VectorBuilder> builders, MemoryBudget budget, String consumer) {
        long bytes = 0;
        for (VectorBuilder b : builders) {
            bytes += b.offHeapBytes() + 64; // + alignment slack per segment
        }
        if (builders.isEmpty()) {
            throw new IllegalArgumentException("use Chunk.empty for zero-column chunks");
        }
        PooledArena arena = budget.pool().allocate(consumer, bytes);
        try {
            ColumnVector[] cols = new ColumnVector[builders.size()];
            for (int i = 0; i < cols.length; i++) {
                cols[i] = builders.get(i).build(arena);
            }
            return new Chunk(schema, cols, arena, arena.reservation());
        } catch (RuntimeException | Error e) {
            arena.close();
            throw e;
        }
    }

    /** The columns' names and types. */
    public Schema schema() {
        return schema;
    }

    /** Number of rows. */
    public int rows() {
        return rows;
    }

    /** Number of columns. */
    public int columnCount() {
        return columns.length;
    }

    /** The i-th column. */
    public ColumnVector column(int i) {
        checkOpen();
        return columns[i];
    }

    /** The named column. */
    public ColumnVector column(String name) {
        int i = schema.indexOf(name);
        if (i < 0) {
            throw new IllegalArgumentException("No column '" + name + "' in chunk with columns " + schema.names());
        }
        return column(i);
    }

    /** Off-heap bytes held (what the budget was charged). */
    public long byteSize() {
        return reservation == null ? 0 : reservation.bytes();
    }

    /** True once closed. */
    public boolean isClosed() {
        return closed;
    }

    /** Frees the off-heap memory and returns its bytes to the budget; idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (arena != null) {
            arena.close();
        }
        if (reservation != null) {
            reservation.close();
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("Chunk is closed (its memory was freed or spilled)");
        }
    }

    @Override
    public String toString() {
        return "Chunk[" + rows + " rows x " + columns.length + " columns]";
    }
}
