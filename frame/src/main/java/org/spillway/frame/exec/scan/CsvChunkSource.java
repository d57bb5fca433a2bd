package org.spillway.frame.exec.scan;

import java.util.List;
import java.util.function.ObjLongConsumer;
import org.spillway.frame.io.CsvSource;
import org.spillway.frame.io.CsvSplit;
import org.spillway.frame.io.CsvSplitParser;
import org.spillway.spill.Schema;
import org.spillway.spill.memory.MemoryBudget;

/**
 * Parses CSV splits in parallel, one reusable parser per worker; the rows each split's parse skipped or nulled and
 * the values it repaired go to the session's counters {@code csv.badRows} and {@code csv.invalidUtf8Replaced}.
 */
public final class CsvChunkSource implements ChunkSource<CsvSplit, CsvSplitParser> {
    private final CsvSource source;
    private final int[] projection;
    private final int chunkRows;
    private final MemoryBudget budget;
    private final Schema schema;
    private final ObjLongConsumer<String> counters;

    public CsvChunkSource(CsvSource source, int[] projection, int chunkRows, MemoryBudget budget, ObjLongConsumer<String> counters) {
        this.counters = counters;
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
        long bad = parser.badRows();
        long repaired = parser.invalidUtf8Replaced();
        try {
            parser.parse(item, c -> out.accept(c, true));
        } finally {
            if (parser.badRows() != bad) {
                counters.accept("csv.badRows", parser.badRows() - bad);
            }
            if (parser.invalidUtf8Replaced() != repaired) {
                counters.accept("csv.invalidUtf8Replaced", parser.invalidUtf8Replaced() - repaired);
            }
        }
    }
}
