package org.spillway.frame.exec.scan;

import java.util.List;
import org.spillway.frame.io.CsvSource;
import org.spillway.frame.io.CsvSplit;
import org.spillway.frame.io.CsvSplitParser;
import org.spillway.spill.Schema;
import org.spillway.spill.memory.MemoryBudget;

/** Parses CSV splits in parallel, one reusable parser per worker. */
public final class CsvChunkSource implements ChunkSource<CsvSplit, CsvSplitParser> {
    private final CsvSource source;
    private final int[] projection;
    private final int chunkRows;
    private final MemoryBudget budget;
    private final Schema schema;

    public CsvChunkSource(CsvSource source, int[] projection, int chunkRows, MemoryBudget budget) {
        this.source = source;
        this.projection = projection;
        this.chunkRows = chunkRows;
        this.budget = budget;
        this.schema = source.schema().select(projection);
    }

    @Override
    public Schema schema() {
        return schema;
    }

    @Override
    public List<CsvSplit> items() {
        return source.splits();
    }

    @Override
    public long weight(CsvSplit item) {
        return item.length();
    }

    @Override
    public String unit() {
        return "MB";
    }

    @Override
    public CsvSplitParser newState() {
        return source.newParser(projection, chunkRows, budget);
    }

    @Override
    public void produce(CsvSplit item, CsvSplitParser parser, Output out) {
        parser.parse(item, c -> out.accept(c, true));
    }
}
