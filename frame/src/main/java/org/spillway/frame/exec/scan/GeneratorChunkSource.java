package org.spillway.frame.exec.scan;

import java.util.ArrayList;
import java.util.List;
import org.spillway.frame.SpillwayException;
import org.spillway.frame.exec.pipeline.ChunkOps;
import org.spillway.spill.Schema;
import org.spillway.spill.chunk.Chunk;
import org.spillway.spill.chunk.RowGenerator;
import org.spillway.spill.memory.MemoryBudget;
import org.spillway.spill.vector.VectorBuilder;

/**
 * Fills blocks of {@code chunkRows} rows of a {@link RowGenerator}, one block per morsel, into
 * chunks reserved from the budget; each worker keeps one set of builders and reuses it. Since a
 * generator's rows depend only on their index, the chunks are the same whichever worker fills them.
 */
public final class GeneratorChunkSource implements ChunkSource<GeneratorChunkSource.Block, List<VectorBuilder>> {
    /** Rows {@code [from, from + count)}. */
    record Block(long from, int count) {
    }

    private final RowGenerator generator;
    private final Schema full;
    private final Schema schema;
    private final int[] projection;
    private final int chunkRows;
    private final MemoryBudget budget;
    private final List<Block> blocks;

    public GeneratorChunkSource(RowGenerator generator, int chunkRows, MemoryBudget budget) {
        this(generator, null, chunkRows, budget);
    }

    /**
     * A source of the columns at {@code projection} (positions in the generator's schema; null: all): the generator
     * still fills every column, and the chunks keep only these.
     */
    public GeneratorChunkSource(RowGenerator generator, int[] projection, int chunkRows, MemoryBudget budget) {
        this.generator = generator;
        this.full = generator.schema();
        this.projection = projection == null ? null : projection.clone();
        this.schema = projection == null ? full : full.select(projection);
        this.chunkRows = chunkRows;
        this.budget = budget;
        long rows = generator.rows();
        if (rows < 0) {
            throw new SpillwayException("The generator " + generator + " says it has " + rows + " rows: rows() must be >= 0");
        }
        long count = (rows + chunkRows - 1) / chunkRows;
        if (count > Integer.MAX_VALUE) {
            throw new SpillwayException("The generator " + generator + " has " + rows + " rows, " + count
                    + " chunks of " + chunkRows + " rows: more than a frame can hold; raise chunkRows");
        }
        List<Block> b = new ArrayList<>((int) count);
        for (long from = 0; from < rows; from += chunkRows) {
            b.add(new Block(from, (int) Math.min(chunkRows, rows - from)));
        }
        this.blocks = b;
    }

    @Override
    public Schema schema() {
        return schema;
    }

    @Override
    public List<Block> items() {
        return blocks;
    }

    @Override
    public long weight(Block item) {
        return item.count();
    }

    @Override
    public String unit() {
        return "rows";
    }

    @Override
    public List<VectorBuilder> newState() {
        return ChunkOps.builders(full, chunkRows);
    }

    @Override
    public void produce(Block item, List<VectorBuilder> builders, Output out) {
        if (full.size() == 0) {
            out.accept(Chunk.empty(schema, item.count()), true);
            return;
        }
        builders.forEach(VectorBuilder::reset); // a failed earlier fill may have left rows behind
        generator.fill(item.from(), item.count(), builders);
        for (int i = 0; i < builders.size(); i++) {
            int size = builders.get(i).size();
            if (size != item.count()) {
                throw new SpillwayException("The generator " + generator + " appended " + size + " values to column '"
                        + full.field(i).name() + "' for rows [" + item.from() + ", " + (item.from() + item.count())
                        + "): fill(from, count, builders) must append exactly count values to every builder");
            }
        }
        Chunk c;
        if (projection == null) {
            c = Chunk.build(schema, builders, budget, "generate");
        } else if (projection.length == 0) {
            c = Chunk.empty(schema, item.count());
        } else {
            List<VectorBuilder> kept = new ArrayList<>(projection.length);
            for (int i : projection) {
                kept.add(builders.get(i));
            }
            c = Chunk.build(schema, kept, budget, "generate");
        }
        builders.forEach(VectorBuilder::reset);
        out.accept(c, true);
    }
}
