package org.spillway.frame.exec.window;

import java.util.ArrayList;
import java.util.List;
import org.spillway.frame.exec.hash.GroupTable;
import org.spillway.frame.exec.hash.KeyBatch;
import org.spillway.frame.exec.hash.StringPool;
import org.spillway.spill.chunk.ChunkHandle;

/** One worker's partitions of a {@link PartitionTopKTable}, its copied rows and their garbage. */
final class TopKLocal {
    GroupTable table;
    final StringPool pool = new StringPool();
    final KeyBatch batch = new KeyBatch();
    /** Group slots the table has now (it doubles when full). */
    int capacity = 16;
    /** Bytes charged for this local, and of them those of the spilled partitions' buffers (outside the cap). */
    long bytes;
    long bufferBytes;
    /** The chunks of copied rows; a row reference is (index in this list) << 32 | row. */
    List<ChunkHandle> handles = new ArrayList<>();
    long copied;
    long garbage;
    /** Rows tied with a full partition's k-th (withTies): their references and the next in their list (+1, 0 ends). */
    long[] tiedRef = new long[0];
    int[] tiedNext = new int[0];
    int tied;
    /** The current chunk's encoded order keys, [order-key long][row]. */
    long[][] keys = new long[0][];
    int[] picks = new int[1024];
    int[] zeros = new int[0];
    /**
     * One integer partition key: the states of the keys in {@code [directBase, directBase + directSize)}, indexed by
     * the key's offset (no hashing; an empty slot has count 0); null when not (yet) chosen.
     */
    long[] direct;
    /**
     * Beside {@code direct}, per key offset: the first order-key long of its k-th entry when it has k, else
     * {@code Long.MAX_VALUE}. A row whose first long is above it is worse than the k-th, so a dense pass over a
     * chunk drops most rows on this small array alone (independent loads, so their cache misses overlap) before
     * the rest take the full path.
     */
    long[] threshold;
    /** Scratch: the rows of the chunk that pass the thresholds. */
    int[] candidates = new int[0];
    long directBase;
    int directSize;
    boolean directDecided;
    /** The entry a better row pushed out. */
    long[] moved;
    /** The hash level this local diverts by: 0 for the input's workers, one more per spilled level. */
    final int level;
    /** The table is full and cannot grow: rows of partitions not in it are diverted. */
    boolean frozen;
    /** The last revoke request honoured. */
    long revokeSeen;
    /** Its spilled partitions' buffers and chunks ({@link TopKSpill}); null until it first diverts a row. */
    TopKSpill.Buffers spill;
    /** Scratch: the rows of the chunk to divert. */
    int[] divert = new int[0];

    TopKLocal(int level) {
        this.level = level;
    }
}
