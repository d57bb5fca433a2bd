package org.spillway.frame.exec.aggregate;

import java.util.List;
import org.spillway.spill.chunk.ChunkHandle;

/** One partition's work in phase 2: partial-state chunks and raw value chunks. */
record PartitionChunks(List<ChunkHandle> partials, List<ChunkHandle> raws) {
}
