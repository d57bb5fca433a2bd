package org.spillway.frame;

import java.util.function.Consumer;
import java.util.function.Function;
import org.spillway.frame.io.parquet.ParquetWriteJob;
import org.spillway.spill.Schema;
import org.spillway.spill.chunk.Chunk;
import org.spillway.spill.memory.MemoryBudget;

/**
 * A frame as the Parquet writer sees it: its columns, its session's budget and workers, its chunks in
 * row order. Table formats ({@code frame.delta}) write their data files through it.
 */
public final class ParquetWriteInput implements ParquetWriteJob.Input {
    private final DataFrame frame;

    ParquetWriteInput(DataFrame frame) {
        this.frame = frame;
    }

    /** The writer's view of {@code frame}. */
    public static ParquetWriteJob.Input of(DataFrame frame) {
        return new ParquetWriteInput(frame);
    }

    @Override
    public Schema schema() {
        return frame.schema();
    }

    @Override
    public MemoryBudget budget() {
        return frame.session().budget();
    }

    @Override
    public int parallelism() {
        return frame.session().parallelism();
    }

    @Override
    public <R> void mapChunksOrdered(Function<Chunk, R> map, Consumer<R> inOrder) {
        frame.mapChunksOrdered(map, inOrder);
    }

    @Override
    public AutoCloseable stage(java.nio.file.Path staging) {
        return frame.session().stageOutput(staging);
    }
}
