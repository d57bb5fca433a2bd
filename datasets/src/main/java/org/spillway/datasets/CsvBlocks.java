package org.spillway.datasets;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Future;

/**
 * Parallel CSV output for the generators: blocks of rows are formatted on a {@link Parallel} pool and
 * written in submission order, with a bounded window in flight, so the bytes never depend on the thread
 * count. Also writes files atomically through a temporary sibling.
 */
final class CsvBlocks implements AutoCloseable {
    /** Fills a buffer; returns the number of bytes used. */
    @FunctionalInterface
    interface Formatter {
        int format(byte[] buf);
    }

    /** Writes a whole file's content to {@code out}; returns the number of bytes written. */
    @FunctionalInterface
    interface Content {
        long writeTo(OutputStream out) throws IOException;
    }

    /** Formats rows {@code [from, from + count)} into {@code buf}; returns the number of bytes used. */
    @FunctionalInterface
    interface RowsFormatter {
        int format(long from, int count, byte[] buf);
    }

    /** The target size of one block of rows formatted by {@link #writeRows}. */
    private static final int ROWS_BLOCK_BYTES = 4 << 20;

    /**
     * Writes {@code header} and rows {@code 0 .. rows - 1} to {@code file} atomically (see
     * {@link #writeAtomically}), formatting blocks of rows on {@code threads} threads; the bytes do
     * not depend on {@code threads}.
     *
     * @param maxRowBytes at least the longest row {@code f} can write, newline included
     * @return the number of bytes written
     */
    static long writeRows(Path file, byte[] header, long rows, int maxRowBytes, int threads, RowsFormatter f)
            throws IOException {
        int blockRows = Math.clamp(ROWS_BLOCK_BYTES / maxRowBytes, 64, 32_768);
        return writeAtomically(file, out -> {
            out.write(header);
            long written = header.length;
            if (rows == 0) {
                return written;
            }
            try (Parallel par = new Parallel(threads);
                 CsvBlocks w = new CsvBlocks(out, par, blockRows * maxRowBytes)) {
                for (long from = 0; from < rows; from += blockRows) {
                    long start = from;
                    int count = (int) Math.min(blockRows, rows - from);
                    w.add(buf -> f.format(start, count, buf));
                }
                written += w.finish();
            }
            return written;
        });
    }

    private record Block(byte[] buf, int length) {
    }

    private final OutputStream out;
    private final Parallel par;
    private final int bufferBytes;
    private final int window;
    private final ArrayDeque<Future<Block>> inFlight = new ArrayDeque<>();
    private final ConcurrentLinkedQueue<byte[]> free = new ConcurrentLinkedQueue<>();
    private long written;

    /**
     * @param out         the stream blocks are written to (not closed)
     * @param par         the pool that formats blocks
     * @param bufferBytes the size of each block buffer: at least the longest block a formatter produces
     */
    CsvBlocks(OutputStream out, Parallel par, int bufferBytes) {
        this.out = out;
        this.par = par;
        this.bufferBytes = bufferBytes;
        this.window = 2 * par.threads();
    }

    /** Queues a block; may first write the oldest block if the window is full. */
    void add(Formatter f) throws IOException {
        if (inFlight.size() >= window) {
            writeOldest();
        }
        inFlight.add(par.submit(() -> {
            byte[] buf = free.poll();
            if (buf == null) {
                buf = new byte[bufferBytes];
            }
            return new Block(buf, f.format(buf));
        }));
    }

    private void writeOldest() throws IOException {
        Block b = Parallel.awaitIo(inFlight.poll());
        out.write(b.buf, 0, b.length);
        written += b.length;
        free.add(b.buf);
    }

    /** Writes all queued blocks; returns the number of bytes written by this writer. */
    long finish() throws IOException {
        while (!inFlight.isEmpty()) {
            writeOldest();
        }
        return written;
    }

    /** Cancels blocks still in flight (after a failure). */
    @Override
    public void close() {
        for (Future<Block> f : inFlight) {
            f.cancel(true);
        }
        inFlight.clear();
    }

    /**
     * Writes {@code content} to a temporary file next to {@code file} and moves it onto {@code file}, so
     * {@code file} never holds a partial table; creates the directory if missing.
     *
     * @return the number of bytes written
     * @throws IOException if writing fails; the temporary file is then deleted
     */
    static long writeAtomically(Path file, Content content) throws IOException {
        Path abs = file.toAbsolutePath();
        Path dir = abs.getParent();
        if (dir != null) {
            Files.createDirectories(dir);
        }
        Path tmp = abs.resolveSibling("." + abs.getFileName() + "." + ProcessHandle.current().pid() + "-"
                + Long.toHexString(System.nanoTime()) + ".csv.tmp");
        boolean done = false;
        try {
            long bytes;
            try (OutputStream os = Files.newOutputStream(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                bytes = content.writeTo(os);
            }
            try {
                Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING);
            }
            done = true;
            return bytes;
        } finally {
            if (!done) {
                Files.deleteIfExists(tmp);
            }
        }
    }
}
