package org.spillway.spill.chunk;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.spillway.spill.file.SpillDirectory;
import org.spillway.spill.file.SpillFile;
import org.spillway.spill.file.SpillFile.BlockRef;
import org.spillway.spill.memory.MemoryBudget;
import org.spillway.spill.memory.PooledArena;
import org.spillway.spill.memory.Spillable;

/**
 * The chunk cache behind every frame: holds chunks by {@link ChunkHandle}, keeps them in memory
 * while the {@link MemoryBudget} allows, and when the budget runs short spills unpinned ones, least
 * recently used (put or pinned) first, to append-only {@link SpillFile}s (a new one every 256 MB;
 * a file is deleted once no open handle has a block in it, so disk use follows the live chunks);
 * pinning a spilled chunk
 * reads it back. A chunk is written at most once: a handle keeps its block, so evicting it again
 * only frees its memory.
 *
 * <p>Concurrency. One store lock guards all handle state (resident/spilled, pins, LRU order) and is
 * only held briefly: never across I/O, compression or a call into the budget. The budget calls
 * {@link #spill} holding none of its locks, possibly from a thread inside {@link ChunkHandle#pin()}
 * of this store (several threads short of memory may spill at once, each handed disjoint victims);
 * since no thread holding the store lock ever calls the budget, locks cannot cycle. An eviction marks its victims under the lock, writes
 * them without it (the chunks stay valid: a concurrent pin simply cancels the eviction), then
 * frees them under the lock. Concurrent pins of one spilled chunk read it once: the first loads,
 * the others wait without holding any lock.
 *
 * <p>Chunks given to {@link #put} must live in a shared arena (as {@link Chunk#build} makes them),
 * since any thread may spill them.
 */
public final class ChunkStore implements Spillable, AutoCloseable {
    /** Reserved on top of the encoded size when a chunk is read back (allocation alignment). */
    private static final long UNSPILL_SLACK = 64;

    private final MemoryBudget budget;
    private final SpillDirectory dir;
    private final String name;
    final Object lock = new Object();

    // Guarded by lock.
    private final Set<ChunkHandle> handles = new HashSet<>();
    private final LinkedHashSet<ChunkHandle> lru = new LinkedHashSet<>(); // resident, least recently used first
    private long residentBytes;
    private long spillableBytes; // resident, unpinned, not being evicted
    private SpillFile file;  // the file new blocks are appended to
    /** Per spill file: blocks that open handles refer to, plus writes in flight. Guarded by lock. */
    private final java.util.Map<SpillFile, int[]> live = new java.util.IdentityHashMap<>();
    /** A new spill file is started past this size; a file no handle refers to any more is deleted. */
    static final long ROTATE_BYTES = 256L << 20;
    private final long rotateBytes;
    private boolean closed;

    private final AtomicLong spilledBytes = new AtomicLong();
    private final AtomicLong spillWrites = new AtomicLong();
    private final AtomicLong unspills = new AtomicLong();

    /** Creates a store spilling to {@code dir} and registers it with {@code budget}. */
    public ChunkStore(MemoryBudget budget, SpillDirectory dir, String name) {
        this(budget, dir, name, ROTATE_BYTES);
    }

    /** As {@link #ChunkStore(MemoryBudget, SpillDirectory, String)}, starting a new spill file every {@code rotateBytes}. */
    ChunkStore(MemoryBudget budget, SpillDirectory dir, String name, long rotateBytes) {
        this.rotateBytes = rotateBytes;
        this.budget = Objects.requireNonNull(budget, "budget");
        this.dir = Objects.requireNonNull(dir, "dir");
        this.name = Objects.requireNonNull(name, "name");
        budget.addSpillable(this);
    }

    /**
     * Takes ownership of a built chunk (its memory already reserved by its own reservation),
     * computes its statistics and keeps it resident.
     *
     * @throws IllegalStateException if the store is closed (the chunk then stays the caller's)
     * @throws IllegalArgumentException if the chunk is closed
     */
    public ChunkHandle put(Chunk chunk) {
        return put(chunk, true);
    }

    /**
     * {@link #put(Chunk)} without computing statistics ({@link ChunkHandle#stats()} is then null):
     * for operators' intermediate chunks that are never filtered by statistics.
     */
    public ChunkHandle putWithoutStats(Chunk chunk) {
        return put(chunk, false);
    }

    private ChunkHandle put(Chunk chunk, boolean withStats) {
        Objects.requireNonNull(chunk, "chunk");
        if (chunk.isClosed()) {
            throw new IllegalArgumentException("Cannot store a closed chunk");
        }
        ChunkHandle h = new ChunkHandle(this, chunk.schema(), chunk.rows(), withStats ? ChunkStats.of(chunk) : null);
        synchronized (lock) {
            checkOpen();
            h.chunk = chunk;
            h.memBytes = chunk.byteSize();
            handles.add(h);
            lru.add(h);
            residentBytes += h.memBytes;
            spillableBytes += h.memBytes;
        }
        return h;
    }

    PinnedChunk pin(ChunkHandle h) {
        while (true) {
            CompletableFuture<Void> wait;
            BlockRef ref;
            SpillFile f;
            synchronized (lock) {
                if (h.closed) {
                    throw new IllegalStateException("Chunk handle is closed" + (closed ? " (its store '" + name + "' was closed)" : ""));
                }
                if (h.chunk != null) {
                    if (h.pins++ == 0 && !h.evicting) {
                        spillableBytes -= h.memBytes;
                    }
                    lru.remove(h);
                    lru.add(h);
                    return new PinnedChunk(h, h.chunk);
                }
                wait = h.loading;
                ref = h.ref;
                f = h.refFile;
                if (wait == null) {
                    h.loading = new CompletableFuture<>();
                }
            }
            if (wait != null) {
                wait.join(); // another thread reads it back; then try again
                continue;
            }
            return load(h, ref, f);
        }
    }

    /** Reads a spilled chunk back (no locks held), then makes it resident and pinned once. */
    private PinnedChunk load(ChunkHandle h, BlockRef ref, SpillFile f) {
        Chunk loaded;
        try {
            loaded = readBack(h, ref, f);
        } catch (RuntimeException | Error e) {
            CompletableFuture<Void> done;
            synchronized (lock) {
                done = h.loading;
                h.loading = null;
            }
            done.complete(null);
            throw e;
        }
        CompletableFuture<Void> done;
        PinnedChunk pinned = null;
        synchronized (lock) {
            done = h.loading;
            h.loading = null;
            if (!h.closed) {
                h.chunk = loaded;
                h.memBytes = loaded.byteSize();
                h.pins++;
                residentBytes += h.memBytes;
                lru.add(h);
                pinned = new PinnedChunk(h, loaded);
            }
        }
        done.complete(null);
        if (pinned == null) {
            loaded.close();
            throw new IllegalStateException("Chunk handle was closed while it was being read back");
        }
        unspills.incrementAndGet();
        return pinned;
    }

    private Chunk readBack(ChunkHandle h, BlockRef ref, SpillFile f) {
        // May make the budget spill other chunks, of this store too: no lock is held here.
        PooledArena arena = budget.pool().allocate(name + " unspill", ref.uncompressedLength() + UNSPILL_SLACK);
        try {
            MemorySegment seg = arena.allocate(ref.uncompressedLength(), 8);
            f.read(ref, seg);
            return ChunkCodec.decode(h.schema(), seg, arena, arena.reservation());
        } catch (RuntimeException | Error e) {
            arena.close();
            throw e;
        }
    }

    void unpin(ChunkHandle h) {
        synchronized (lock) {
            if (h.pins > 0 && --h.pins == 0 && h.chunk != null && !h.evicting && !h.closed) {
                spillableBytes += h.memBytes;
            }
        }
    }

    void closeHandle(ChunkHandle h) {
        Chunk toClose = null;
        SpillFile deadFile = null;
        BlockRef deadBlock = null;
        SpillFile deadBlockFile = null;
        synchronized (lock) {
            if (h.closed) {
                return;
            }
            if (h.pins > 0) {
                throw new IllegalStateException("Cannot close a chunk handle that is pinned " + h.pins
                        + " time(s): close its PinnedChunk(s) first");
            }
            h.closed = true;
            handles.remove(h);
            if (h.ref != null) {
                deadFile = release(h.refFile);
                if (deadFile == null) {
                    deadBlock = h.ref; // its file lives on: give the block's space back now
                    deadBlockFile = h.refFile;
                }
                h.ref = null;
                h.refFile = null;
            }
            // An eviction in flight frees the chunk itself; a read-back in flight discards its result.
            if (h.chunk != null && !h.evicting) {
                toClose = h.chunk;
                h.chunk = null;
                residentBytes -= h.memBytes;
                spillableBytes -= h.memBytes;
                lru.remove(h);
            }
        }
        if (toClose != null) {
            toClose.close();
        }
        if (deadFile != null) {
            deadFile.close();
        } else if (deadBlock != null) {
            deadBlockFile.free(deadBlock);
        }
    }

    /**
     * Drops one reference to {@code f}; returns it if that was the last and it is no longer the file
     * being appended to (the caller closes it, which deletes it, outside the lock). Holds lock.
     */
    private SpillFile release(SpillFile f) {
        int[] n = live.get(f);
        if (n != null && --n[0] == 0 && f != file) {
            live.remove(f);
            return f;
        }
        return null;
    }

    /** {@inheritDoc} Here {@code ChunkStore[<name>]}. */
    @Override
    public String name() {
        return "ChunkStore[" + name + "]";
    }

    /** Bytes of resident chunks that are not pinned. */
    @Override
    public long spillableBytes() {
        synchronized (lock) {
            return closed ? 0 : spillableBytes;
        }
    }

    /**
     * Evicts unpinned resident chunks, least recently used first, until {@code bytesWanted} bytes
     * are freed or none is left: writes each one not yet on disk, then frees its memory.
     *
     * @return the bytes freed (already returned to the budget)
     */
    @Override
    public long spill(long bytesWanted) {
        long released = 0;
        while (released < bytesWanted) {
            List<ChunkHandle> victims = new ArrayList<>();
            synchronized (lock) {
                if (closed) {
                    break;
                }
                long planned = released;
                for (ChunkHandle h : lru) {
                    if (planned >= bytesWanted) {
                        break;
                    }
                    if (h.pins == 0 && !h.evicting && !h.closed && h.memBytes > 0) {
                        h.evicting = true;
                        spillableBytes -= h.memBytes;
                        planned += h.memBytes;
                        victims.add(h);
                    }
                }
            }
            if (victims.isEmpty()) {
                break;
            }
            int done = 0;
            try {
                for (ChunkHandle h : victims) {
                    done++;
                    released += evict(h);
                }
            } finally {
                if (done < victims.size()) {
                    cancelEvictions(victims.subList(done, victims.size()));
                }
            }
        }
        return released;
    }

    /** Writes (if needed) and frees one handle marked as evicting; returns the bytes freed. */
    private long evict(ChunkHandle h) {
        Chunk chunk;
        BlockRef ref;
        synchronized (lock) {
            chunk = h.chunk;
            ref = h.ref;
        }
        Written written = null;
        Written deadBlock = null;
        RuntimeException failure = null;
        if (ref == null) {
            try {
                written = write(chunk);
            } catch (RuntimeException e) {
                failure = e;
            }
        }
        Chunk toClose = null;
        SpillFile deadFile = null;
        long released = 0;
        synchronized (lock) {
            h.evicting = false;
            if (written != null) {
                if (h.closed) {
                    deadFile = release(written.file()); // nobody will read this block
                    if (deadFile == null) {
                        deadBlock = written;
                    }
                } else {
                    h.ref = written.ref();
                    h.refFile = written.file();
                }
            }
            if (h.closed || (failure == null && h.pins == 0)) {
                // closed meanwhile (failure then does not matter), or written and still unpinned
                toClose = chunk;
                h.chunk = null;
                residentBytes -= h.memBytes;
                lru.remove(h);
                released = h.memBytes;
                failure = null;
            } else if (h.pins == 0) {
                spillableBytes += h.memBytes; // write failed: keep it resident
            }
            // else pinned meanwhile: stays resident, and with its block a later eviction is free
        }
        if (toClose != null) {
            toClose.close();
        }
        if (deadFile != null) {
            deadFile.close();
        } else if (deadBlock != null) {
            deadBlock.file().free(deadBlock.ref());
        }
        if (failure != null) {
            throw failure;
        }
        return released;
    }

    private void cancelEvictions(List<ChunkHandle> victims) {
        List<Chunk> toClose = new ArrayList<>();
        synchronized (lock) {
            for (ChunkHandle h : victims) {
                h.evicting = false;
                if (h.closed) {
                    toClose.add(h.chunk);
                    h.chunk = null;
                    residentBytes -= h.memBytes;
                    lru.remove(h);
                } else if (h.pins == 0) {
                    spillableBytes += h.memBytes;
                }
            }
        }
        toClose.forEach(Chunk::close);
    }

    private record Written(BlockRef ref, SpillFile file) {
    }

    /**
     * Encodes into a transient, unbudgeted buffer and appends to the store's current spill file,
     * starting a new file once it passes {@link #ROTATE_BYTES} (the old one is deleted when no
     * handle refers to it any more). The block counts as a reference to its file from here on.
     */
    private Written write(Chunk chunk) {
        SpillFile f;
        SpillFile dead = null;
        synchronized (lock) {
            checkOpen();
            if (file == null || file.size() >= rotateBytes) {
                SpillFile old = file;
                file = dir.newFile(name);
                live.put(file, new int[1]);
                if (old != null && live.get(old)[0] == 0) {
                    live.remove(old);
                    dead = old;
                }
            }
            f = file;
            live.get(f)[0]++;
        }
        if (dead != null) {
            dead.close();
        }
        try (Arena tmp = Arena.ofConfined()) {
            MemorySegment buf = tmp.allocate(ChunkCodec.encodedSize(chunk), 8);
            ChunkCodec.encode(chunk, buf);
            BlockRef ref = f.append(buf);
            spillWrites.incrementAndGet();
            spilledBytes.addAndGet(ref.diskBytes());
            return new Written(ref, f);
        } catch (RuntimeException | Error e) {
            SpillFile d;
            synchronized (lock) {
                d = release(f);
            }
            if (d != null) {
                d.close();
            }
            throw e;
        }
    }

    /** Spill files now on disk for this store (the current one and older ones still referred to). */
    public int spillFileCount() {
        synchronized (lock) {
            return live.size();
        }
    }

    /** Compressed bytes written to disk (block headers included). */
    public long spilledBytes() {
        return spilledBytes.get();
    }

    /** Chunks written to disk. */
    public long spillWrites() {
        return spillWrites.get();
    }

    /** Chunks read back from disk. */
    public long unspills() {
        return unspills.get();
    }

    /** Bytes of the chunks now in memory. */
    public long residentBytes() {
        synchronized (lock) {
            return residentBytes;
        }
    }

    /** Number of open handles. */
    public int chunkCount() {
        synchronized (lock) {
            return handles.size();
        }
    }

    /** The store's name, as given. */
    public String storeName() {
        return name;
    }

    /**
     * Closes every chunk (pinned or not), deletes the spill file and deregisters from the budget;
     * idempotent.
     *
     * @throws IllegalStateException after doing all that, if some chunks were still pinned
     */
    @Override
    public void close() {
        List<Chunk> toClose = new ArrayList<>();
        int pinned = 0;
        List<SpillFile> files;
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            for (ChunkHandle h : handles) {
                if (h.pins > 0) {
                    pinned++;
                }
                h.closed = true;
                if (h.chunk != null && !h.evicting) {
                    toClose.add(h.chunk);
                    h.chunk = null;
                    residentBytes -= h.memBytes;
                    lru.remove(h);
                }
            }
            handles.clear();
            spillableBytes = 0;
            files = new ArrayList<>(live.keySet());
            if (file != null && !live.containsKey(file)) {
                files.add(file);
            }
            live.clear();
            file = null;
        }
        budget.removeSpillable(this);
        try {
            toClose.forEach(Chunk::close);
        } finally {
            RuntimeException first = null;
            for (SpillFile sf : files) {
                try {
                    sf.close();
                } catch (RuntimeException e) {
                    if (first == null) {
                        first = e;
                    }
                }
            }
            if (first != null) {
                throw first;
            }
        }
        if (pinned > 0) {
            throw new IllegalStateException("ChunkStore '" + name + "' was closed with " + pinned
                    + " chunk(s) still pinned; they were freed anyway: close every PinnedChunk before the store");
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("ChunkStore '" + name + "' is closed");
        }
    }

    @Override
    public String toString() {
        synchronized (lock) {
            return name() + "[" + handles.size() + " chunks, " + MemoryBudget.formatBytes(residentBytes) + " resident, "
                    + MemoryBudget.formatBytes(spilledBytes.get()) + " spilled]";
        }
    }
}
