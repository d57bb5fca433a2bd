package org.spillway.spill.file;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileChannel.MapMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;
import net.jpountz.lz4.LZ4Compressor;
import net.jpountz.lz4.LZ4Exception;
import net.jpountz.lz4.LZ4Factory;
import net.jpountz.lz4.LZ4SafeDecompressor;

/**
 * An append-only file of LZ4-compressed blocks. Each block is a 16-byte header
 * {@code [magic 0x53504C31, uncompressedLength, compressedLength, crc32c of the compressed bytes]}
 * (native byte order: spill files never leave the process that wrote them) followed by the
 * compressed payload. {@link #append} returns a {@link BlockRef} with which {@link #read} finds the
 * block again; blocks are never rewritten. {@link #free} gives a dead block's disk space back at once where the
 * platform can punch holes ({@link HolePunch}: Linux), and the directory's disk limit then counts only live
 * blocks; elsewhere the space returns when {@link #close()} deletes the file. A write that fails (a full disk)
 * truncates what it half wrote, so the file and the disk are as before it.
 *
 * <p>Thread-safe: compression runs outside any lock; only the positioned write is serialised.
 * Reads run concurrently with each other and with appends.
 */
public final class SpillFile implements AutoCloseable {
    /** The magic number opening every block ("SPL1"). */
    public static final int MAGIC = 0x53504C31;
    /** Bytes of a block header. */
    public static final int HEADER_BYTES = 16;
    /** The largest block {@link #append} accepts, so that the compressed bound still fits an int. */
    public static final int MAX_BLOCK_BYTES = Integer.MAX_VALUE - Integer.MAX_VALUE / 255 - 1024;

    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED;
    private static final LZ4Factory LZ4 = LZ4Factory.fastestInstance();
    private static final LZ4Compressor COMPRESSOR = LZ4.fastCompressor();
    private static final LZ4SafeDecompressor DECOMPRESSOR = LZ4.safeDecompressor();

    /**
     * Where a block lies in its file.
     *
     * @param offset file offset of the block header
     * @param compressedLength payload bytes after the header
     * @param uncompressedLength bytes the block decompresses to
     */
    public record BlockRef(long offset, int compressedLength, int uncompressedLength) {
        /** Header plus payload: the bytes the block occupies on disk. */
        public long diskBytes() {
            return HEADER_BYTES + (long) compressedLength;
        }
    }

    private final SpillDirectory dir;
    private final Path path;
    private final FileChannel channel;
    private volatile long size;
    private volatile boolean closed;
    private int punchFd = -2; // -2: not opened yet; -1: cannot punch
    private long punched;

    private SpillFile(SpillDirectory dir, Path path, FileChannel channel) {
        this.dir = dir;
        this.path = path;
        this.channel = channel;
    }

    static SpillFile open(SpillDirectory dir, Path path) {
        try {
            return new SpillFile(dir, path, FileChannel.open(path,
                    StandardOpenOption.CREATE_NEW, StandardOpenOption.READ, StandardOpenOption.WRITE));
        } catch (IOException e) {
            throw new SpillException("Cannot create spill file " + path + " (" + SpillDirectory.describe(e) + ")", e);
        }
    }

    /** The file's path. */
    public Path path() {
        return path;
    }

    /** Bytes written so far (headers included). */
    public long size() {
        return size;
    }

    /**
     * Compresses {@code data} and appends it as one block.
     *
     * @return where the block lies, for {@link #read}
     * @throws IllegalArgumentException if {@code data} is larger than {@link #MAX_BLOCK_BYTES}
     * @throws SpillException if the write fails or the directory's disk limit would be exceeded
     * @throws IllegalStateException if the file is closed
     */
    public BlockRef append(MemorySegment data) {
        if (data.byteSize() > MAX_BLOCK_BYTES) {
            throw new IllegalArgumentException("Spill block of " + data.byteSize() + " bytes is larger than the maximum "
                    + MAX_BLOCK_BYTES + ": use smaller chunks");
        }
        int ulen = (int) data.byteSize();
        int bound = COMPRESSOR.maxCompressedLength(ulen);
        // A fresh confined buffer per block: it is transient, so it is neither budgeted nor kept
        // around per thread (a thread-local would pin the largest block's size forever).
        try (Arena tmp = Arena.ofConfined()) {
            MemorySegment buf = tmp.allocate(HEADER_BYTES + (long) bound, 8);
            ByteBuffer out = buf.asByteBuffer();
            int clen = COMPRESSOR.compress(data.asByteBuffer(), 0, ulen, out, HEADER_BYTES, bound);
            CRC32C crc = new CRC32C();
            crc.update(out.slice(HEADER_BYTES, clen));
            buf.set(INT, 0, MAGIC);
            buf.set(INT, 4, ulen);
            buf.set(INT, 8, clen);
            buf.set(INT, 12, (int) crc.getValue());
            long offset = write(out.slice(0, HEADER_BYTES + clen));
            return new BlockRef(offset, clen, ulen);
        }
    }

    private synchronized long write(ByteBuffer block) {
        if (closed) {
            throw new IllegalStateException("Spill file " + path + " is closed");
        }
        long pos = size;
        int n = block.remaining();
        dir.reserveDisk(n, path);
        try {
            while (block.hasRemaining()) {
                channel.write(block, pos + block.position());
            }
        } catch (IOException e) {
            dir.releaseDisk(n);
            try {
                channel.truncate(pos); // give back what was half written: the next write starts on a clean end
            } catch (IOException ignored) {
                // the bytes beyond size are never read
            }
            throw new SpillException("Cannot write " + n + " bytes to spill file " + path + " at offset " + pos
                    + " (" + SpillDirectory.describe(e) + "): the disk holding " + dir.path() + " is full or failing;"
                    + " free space there, or point spillDir(...) elsewhere", e);
        }
        size = pos + n;
        return pos;
    }

    /**
     * Reads the block {@code ref} back into {@code dst}, which must be exactly
     * {@code ref.uncompressedLength()} bytes, after checking its magic number and checksum.
     *
     * @throws SpillException if the block is corrupt or cannot be read
     * @throws IllegalArgumentException if {@code dst} has the wrong size
     */
    public void read(BlockRef ref, MemorySegment dst) {
        if (dst.byteSize() != ref.uncompressedLength()) {
            throw new IllegalArgumentException("Destination has " + dst.byteSize() + " bytes but the block at offset "
                    + ref.offset() + " decompresses to " + ref.uncompressedLength());
        }
        long len = ref.diskBytes();
        if (ref.offset() < 0 || ref.compressedLength() < 0 || ref.offset() + len > size) {
            throw new SpillException("Spill block at offset " + ref.offset() + " (" + len + " bytes) lies outside "
                    + path + " (" + size + " bytes)");
        }
        // One short-lived mapping per read, unmapped as soon as the confined arena closes: no shared
        // mapping to remap (and race on) as the file grows, no address space kept after the read, and
        // the mmap/munmap cost is small next to decompressing a whole chunk.
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment block = channel.map(MapMode.READ_ONLY, ref.offset(), len, arena);
            int magic = block.get(INT, 0);
            if (magic != MAGIC) {
                throw corrupt(ref, "bad magic number 0x" + Integer.toHexString(magic));
            }
            int ulen = block.get(INT, 4);
            int clen = block.get(INT, 8);
            if (ulen != ref.uncompressedLength() || clen != ref.compressedLength()) {
                throw corrupt(ref, "header lengths " + ulen + "/" + clen + " differ from the expected "
                        + ref.uncompressedLength() + "/" + ref.compressedLength());
            }
            ByteBuffer src = block.asByteBuffer();
            CRC32C crc = new CRC32C();
            crc.update(src.slice(HEADER_BYTES, clen));
            if ((int) crc.getValue() != block.get(INT, 12)) {
                throw corrupt(ref, "checksum mismatch");
            }
            int n = DECOMPRESSOR.decompress(src, HEADER_BYTES, clen, dst.asByteBuffer(), 0, ulen);
            if (n != ulen) {
                throw corrupt(ref, "decompressed to " + n + " bytes instead of " + ulen);
            }
        } catch (LZ4Exception e) {
            throw corrupt(ref, "LZ4 data cannot be decompressed (" + e.getMessage() + ")");
        } catch (IOException e) {
            throw new SpillException("Cannot read spill file " + path + " at offset " + ref.offset()
                    + " (" + SpillDirectory.describe(e) + ")", e);
        }
    }

    /**
     * Marks a block dead: nothing reads it again. Where holes can be punched its disk space is returned now (and no
     * longer counts against the directory's disk limit); elsewhere when the file is deleted.
     *
     * @return true if the space was returned now
     */
    public synchronized boolean free(BlockRef ref) {
        if (closed || ref.offset() + ref.diskBytes() > size) {
            return false;
        }
        if (punchFd == -2) {
            punchFd = HolePunch.open(path);
        }
        if (!HolePunch.punch(punchFd, ref.offset(), ref.diskBytes())) {
            if (punchFd >= 0) {
                HolePunch.close(punchFd); // this file system cannot: stop trying for this file
                punchFd = -1;
            }
            return false;
        }
        punched += ref.diskBytes();
        dir.releaseDisk(ref.diskBytes());
        return true;
    }

    /** True if this platform gives freed blocks' space back at once (Linux with native access; see {@link #free}). */
    public static boolean holePunching() {
        return HolePunch.AVAILABLE;
    }

    /** Bytes of freed blocks whose space was returned to the file system (see {@link #free}). */
    public synchronized long punchedBytes() {
        return punched;
    }

    private SpillException corrupt(BlockRef ref, String what) {
        return new SpillException("corrupt spill block in " + path + " at offset " + ref.offset() + ": " + what);
    }

    /**
     * Closes and deletes the file; idempotent.
     *
     * @throws SpillException if the file cannot be deleted
     */
    @Override
    public void close() {
        long bytes;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            bytes = size - punched;
            HolePunch.close(punchFd);
            punchFd = -1;
        }
        try {
            channel.close();
            Files.deleteIfExists(path);
        } catch (IOException e) {
            throw new SpillException("Cannot delete spill file " + path + " (" + SpillDirectory.describe(e) + ")", e);
        } finally {
            dir.fileClosed(this, bytes);
        }
    }

    @Override
    public String toString() {
        return "SpillFile[" + path + ", " + size + " bytes]";
    }
}
