package org.spillway.frame.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import org.spillway.frame.Literals;
import org.spillway.frame.SpillwayException;
import org.spillway.spill.Schema;
import org.spillway.spill.chunk.Chunk;
import org.spillway.spill.vector.BoolVector;
import org.spillway.spill.vector.ColumnVector;
import org.spillway.spill.vector.DoubleVector;
import org.spillway.spill.vector.IntVector;
import org.spillway.spill.vector.LongVector;
import org.spillway.spill.vector.StringVector;

/**
 * Writes chunks to a CSV file that {@link CsvSource} reads back to the same values and types
 * (with inference: string columns whose values all look like numbers come back as numbers).
 *
 * <p>The file appears atomically: rows go to a hidden temporary file in the target's directory,
 * which {@link #close()} flushes to disk and then moves over the target in one step. Until then an
 * existing target is untouched; {@link #abort()}, or a {@link #close()} after a failed
 * {@link #write}, deletes the temporary file and leaves the target as it was. So
 * try-with-resources is safe: an exception inside the block never replaces the target with a
 * partial file.
 *
 * <p>What happens to an existing target is the {@link Mode} given to
 * {@link #open(Path, Schema, CsvOptions, Mode, java.util.function.Function)}: replaced (the default), an error, left
 * alone, or appended to. Appending copies the existing file into the temporary file first and
 * adds the rows there (without a second header), so it is as atomic as the other modes: a failed
 * or killed append leaves the old file exactly as it was, and readers never see half a row. The
 * price is a copy of the old file per append (the kernel's {@code copy_file_range} where it can).
 *
 * <p>Format: UTF-8, {@code \n} line ends, a header line when {@link CsvOptions#header()}, the
 * options' delimiter and quote. Quoting follows Apache Commons CSV's minimal mode (a value is
 * quoted when it holds the delimiter, the quote, a line break, starts with a character up to
 * {@code #} or ends with one up to a space), plus two rules for round trips: the empty string is
 * always written {@code ""}, and a string equal to a null token is quoted. Quotes inside are
 * doubled (the escape option is ignored). Nulls are written as the first of
 * {@link CsvOptions#nullValues()} (by default nothing). Doubles are written so that they parse back
 * exactly ({@code 2.0}, {@code 0.1}, {@code 1.0E-7}, {@code NaN}, {@code Infinity}), dates as
 * {@code yyyy-MM-dd}, timestamps in ISO-8601 UTC with {@code Z}.
 *
 * <p>Memory: a 1 MiB write buffer. Not thread-safe: one writer, one thread.
 */
public final class CsvWriter implements AutoCloseable {
    /**
     * What to do when the target file already exists: the four modes of
     * {@code org.spillway.frame.delta.SaveMode}, with the same names and meanings for one CSV file
     * (this package lies below the table packages, so it has its own copy of the names).
     */
    public enum Mode {
        /** Adds the rows after the existing ones, without a second header; creates the file if it does not exist. */
        APPEND,
        /** Replaces the file (the default of {@code DataFrame.writeCsv(path)}). */
        OVERWRITE,
        /** Fails if the file exists: when the writer is opened, and at {@link #close()} if it appeared meanwhile. */
        ERROR_IF_EXISTS,
        /**
         * Keeps an existing file and discards the rows (callers check first, so as not to compute them): if the
         * file appears while the rows are written, {@link #close()} keeps it and deletes the temporary file.
         */
        IGNORE
    }

    private static final ValueLayout.OfByte BYTE = ValueLayout.JAVA_BYTE;
    private static final int BUFFER = 1 << 20;

    private final Path target;
    private final Path temp;
    private final Mode mode;
    /** The file appended to as it was when the writer was opened, or null. */
    private Existing appendedTo;

    /**
     * What identifies a version of the file appended to: its size, modification time and file key (inode); and
     * whether it has a first row (else it is replaced by a new file with a header).
     */
    private record Existing(long size, long modifiedMicros, Object fileKey, boolean hasRows) {
        static Existing of(Path file, boolean hasRows) throws IOException {
            java.nio.file.attribute.BasicFileAttributes a = Files.readAttributes(file,
                    java.nio.file.attribute.BasicFileAttributes.class);
            return new Existing(a.size(), a.lastModifiedTime().to(java.util.concurrent.TimeUnit.MICROSECONDS), a.fileKey(),
                    hasRows);
        }
    }
    private final Schema schema;
    private final FileChannel channel;
    private final byte delim;
    private final byte quote;
    private final byte[] nullText;
    private final byte[][] nullTokens;
    private final byte[] buf = new byte[BUFFER];
    private int len;
    private byte[] scratch = new byte[256];
    private long rows;
    private boolean failed;
    private boolean done;
    /** The record of the temporary file with the session, closed when the file is committed or discarded. */
    private AutoCloseable staged = () -> { };
    /** Where an {@link #encoder} puts its bytes (null for a file writer). */
    private final java.io.ByteArrayOutputStream sink;

    private CsvWriter(Path target, Path temp, Schema schema, CsvOptions options, FileChannel channel, Mode mode) {
        this.target = target;
        this.temp = temp;
        this.mode = mode;
        this.schema = schema;
        this.channel = channel;
        this.sink = channel == null ? new java.io.ByteArrayOutputStream() : null;
        this.delim = (byte) options.delimiter();
        this.quote = (byte) options.quote();
        this.nullText = options.nullValues().isEmpty() ? new byte[0]
                : options.nullValues().getFirst().getBytes(StandardCharsets.UTF_8);
        this.nullTokens = options.nullValues().stream().filter(s -> !s.isEmpty())
                .map(s -> s.getBytes(StandardCharsets.UTF_8)).toArray(byte[][]::new);
    }

    /**
     * Starts writing {@code target} (its directory is created if missing); the header line is
     * written now. Nothing is visible at {@code target} before {@link #close()}.
     */
    public static CsvWriter open(Path target, Schema schema, CsvOptions options) {
        return open(target, schema, options, temp -> () -> { });
    }

    /**
     * As {@link #open(Path, Schema, CsvOptions)}, recording the temporary file with {@code stage} before it is created
     * (a session's {@code stageOutput}, so that a crash at any moment leaves nothing a later session does not sweep);
     * the handle is closed once the file is committed or discarded.
     */
    public static CsvWriter open(Path target, Schema schema, CsvOptions options,
                                 java.util.function.Function<Path, ? extends AutoCloseable> stage) {
        return open(target, schema, options, Mode.OVERWRITE, stage);
    }

    /**
     * As {@link #open(Path, Schema, CsvOptions, java.util.function.Function)}, doing {@code mode} with an existing target.
     * {@link Mode#APPEND} to an existing non-empty file first checks that its first line, read with {@code options},
     * names the schema's columns in order (with {@code header(false)}: that it has as many fields); the names are
     * compared, not the types, which a CSV header does not record. Then it copies the file to the temporary file and
     * writes no header. At {@link #close()} the append fails, and the file is left alone, if the file changed
     * meanwhile (its size or modification time), so that concurrent writers lose no rows.
     *
     * @throws SpillwayException if the target exists under {@link Mode#ERROR_IF_EXISTS}, is a directory, or does
     *     not have the schema's header under {@link Mode#APPEND}; or if the temporary file cannot be written
     */
    public static CsvWriter open(Path target, Schema schema, CsvOptions options, Mode mode,
                                 java.util.function.Function<Path, ? extends AutoCloseable> stage) {
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(schema, "schema");
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(mode, "mode");
        if (Files.isDirectory(target)) {
            throw new SpillwayException("Cannot write the CSV file " + target + ": it is a directory");
        }
        if (mode == Mode.ERROR_IF_EXISTS && Files.exists(target)) {
            throw new SpillwayException("Cannot write " + target + ": the file already exists (SaveMode.ERROR_IF_EXISTS); "
                    + "delete it, or write with SaveMode.OVERWRITE to replace it or SaveMode.APPEND to add rows to it");
        }
        Existing existing = null;
        if (mode == Mode.APPEND) {
            existing = checkAppendable(target, schema, options);
        }
        Path abs = target.toAbsolutePath();
        Path dir = abs.getParent();
        Path temp = dir.resolve("." + abs.getFileName() + "." + Long.toHexString(ThreadLocalRandom.current().nextLong())
                + ".tmp");
        FileChannel ch;
        AutoCloseable staged = stage.apply(temp);
        try {
            Files.createDirectories(dir);
            ch = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        } catch (IOException e) {
            closeQuietly(staged);
            throw new SpillwayException("Cannot write " + target + ": " + e.getMessage()
                    + " (check that the directory is writable)", e);
        }
        CsvWriter w = new CsvWriter(target, temp, schema, options, ch, mode);
        w.staged = staged;
        if (existing != null) {
            w.appendedTo = existing;
            if (existing.hasRows()) {
                try {
                    w.copyExisting(existing);
                } catch (RuntimeException e) {
                    w.abort();
                    throw e;
                }
                return w; // no second header
            }
        }
        if (options.header()) {
            try {
                for (int c = 0; c < schema.size(); c++) {
                    if (c > 0) {
                        w.put(w.delim);
                    }
                    byte[] name = schema.field(c).name().getBytes(StandardCharsets.UTF_8);
                    w.putString(name, 0, name.length);
                }
                w.put((byte) '\n');
            } catch (RuntimeException e) {
                w.abort();
                throw e;
            }
        }
        return w;
    }

    /**
     * A writer without a file whose {@link #encode} returns a chunk's CSV lines (no header), as {@code open} with the same
     * options would write them: for encoding chunks on several threads (one encoder per thread) while one writer appends
     * the results in order with {@link #writeEncoded}.
     */
    public static CsvWriter encoder(Schema schema, CsvOptions options) {
        return new CsvWriter(null, null, schema, options, null, Mode.OVERWRITE);
    }

    /** The CSV lines of a chunk (an {@link #encoder}'s only operation). */
    public byte[] encode(Chunk chunk) {
        if (sink == null) {
            throw new IllegalStateException("encode is for encoders (CsvWriter.encoder), not for a writer of " + target);
        }
        sink.reset();
        write(chunk);
        flush();
        return sink.toByteArray();
    }

    /** Appends lines an {@link #encoder} made of {@code rows} rows (with the same schema and options). */
    public void writeEncoded(byte[] lines, int rows) {
        checkOpen();
        try {
            putBytes(lines, 0, lines.length);
            this.rows += rows;
        } catch (RuntimeException e) {
            failed = true;
            throw e;
        }
    }

    /**
     * For {@link Mode#APPEND}: null if {@code target} does not exist; otherwise checks its first line (if any) against
     * the schema and returns what identifies this version of the file.
     */
    private static Existing checkAppendable(Path target, Schema schema, CsvOptions options) {
        try (FileChannel ch = FileChannel.open(target, StandardOpenOption.READ)) {
            long size = ch.size();
            CsvTokenizer t = new CsvTokenizer(options, 1 << 16);
            t.open(ch, 0, size);
            if (!t.nextRow()) {
                return Existing.of(target, false); // empty, or only blank lines: replaced by a new file
            }
            Existing existing = Existing.of(target, true);
            java.util.List<String> names = new java.util.ArrayList<>();
            byte[] scratch = new byte[256];
            for (int c = 0; c < t.fieldCount(); c++) {
                int raw = t.fieldEnd(c) - t.fieldStart(c);
                if ((t.fieldFlags(c) & CsvTokenizer.UNESCAPE) != 0) {
                    if (scratch.length < raw) {
                        scratch = new byte[raw];
                    }
                    names.add(new String(scratch, 0, t.unescape(c, scratch), StandardCharsets.UTF_8));
                } else {
                    names.add(new String(t.buf, t.fieldStart(c), raw, StandardCharsets.UTF_8));
                }
            }
            if (options.header() ? !names.equals(schema.names()) : names.size() != schema.size()) {
                String theirs = options.header() ? "its header is " + names : "its first row has " + names.size() + " fields";
                String ours = options.header() ? "the frame's columns are " + schema.names()
                        : "the frame has " + schema.size() + " columns " + schema.names();
                throw new CsvFormatException(target, 1, null, null, "Cannot append to " + target + ": " + theirs + " but "
                        + ours + ". Appended rows must have the file's columns in the same order (select or rename "
                        + "them to match), or write with SaveMode.OVERWRITE to replace the file.");
            }
            return existing;
        } catch (java.nio.file.NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            throw new SpillwayException("Cannot append to " + target + ": " + e.getMessage(), e);
        }
    }

    /** Copies the file appended to into the temporary file, and a line end if its last line has none. */
    private void copyExisting(Existing existing) {
        try (FileChannel in = FileChannel.open(target, StandardOpenOption.READ)) {
            long size = existing.size();
            long at = 0;
            while (at < size) {
                long n = in.transferTo(at, size - at, channel);
                if (n <= 0) {
                    throw new IOException("the file shrank to " + at + " bytes while being copied (it had " + size + ")");
                }
                at += n;
            }
            if (size > 0) {
                ByteBuffer last = ByteBuffer.allocate(1);
                in.read(last, size - 1);
                byte b = last.get(0);
                if (b != '\n' && b != '\r') {
                    put((byte) '\n');
                }
            }
        } catch (IOException e) {
            failed = true;
            throw new SpillwayException("Cannot append to " + target + ": copying it to " + temp + " failed: "
                    + e.getMessage() + "; the file is unchanged", e);
        }
    }

    /** The mode this writer was opened with. */
    public Mode mode() {
        return mode;
    }

    /** The file being written. */
    public Path target() {
        return target;
    }

    /** The hidden temporary file the rows go to until {@link #close()} renames it to the target. */
    public Path temp() {
        return temp;
    }

    /** Rows written so far. */
    public long rowsWritten() {
        return rows;
    }

    /**
     * Appends the chunk's rows. Its columns must have the writer's types in order (names may
     * differ). A failure here makes {@link #close()} discard the file instead of committing it.
     */
    public void write(Chunk chunk) {
        checkOpen();
        try {
            Schema s = chunk.schema();
            if (s.size() != schema.size()) {
                throw new IllegalArgumentException("The chunk has " + s.size() + " columns " + s.names()
                        + " but the writer was opened for " + schema.size() + " " + schema.names());
            }
            for (int c = 0; c < s.size(); c++) {
                if (s.type(c) != schema.type(c)) {
                    throw new IllegalArgumentException("Column " + (c + 1) + " of the chunk ('" + s.field(c).name()
                            + "') is " + s.type(c) + " but the writer expects " + schema.type(c) + " ('"
                            + schema.field(c).name() + "')");
                }
            }
            int n = chunk.rows();
            int cols = schema.size();
            ColumnVector[] v = new ColumnVector[cols];
            for (int c = 0; c < cols; c++) {
                v[c] = chunk.column(c);
            }
            for (int r = 0; r < n; r++) {
                for (int c = 0; c < cols; c++) {
                    if (c > 0) {
                        put(delim);
                    }
                    writeValue(v[c], r);
                }
                put((byte) '\n');
            }
            rows += n;
        } catch (RuntimeException | Error e) {
            failed = true;
            throw e;
        }
    }

    private void writeValue(ColumnVector v, int r) {
        if (v.isNull(r)) {
            putBytes(nullText, 0, nullText.length);
            return;
        }
        switch (v.type().kind()) {
            case BINARY -> { // lower-case hex without a prefix; an empty value as "", as an empty string
                byte[] hex = Literals.hex(((StringVector) v).getBytes(r)).getBytes(StandardCharsets.US_ASCII);
                putString(hex, 0, hex.length);
            }
            case TIMESTAMP_NTZ -> putAscii(Literals.formatTimestampNtz(((LongVector) v).get(r)));
            case TIME -> putAscii(Literals.formatTime(((LongVector) v).get(r)));
            case DECIMAL, DECIMAL128 -> putAscii(org.spillway.spill.vector.DecimalValues.format(v, r)); // at its scale: 12.50
            case STRING -> {
                StringVector s = (StringVector) v;
                int n = s.length(r);
                if (scratch.length < n) {
                    scratch = new byte[Math.max(n, scratch.length * 2)];
                }
                MemorySegment.copy(s.bytes(), BYTE, s.start(r), scratch, 0, n);
                putString(scratch, 0, n);
            }
            case INT32 -> putAscii(Integer.toString(((IntVector) v).get(r)));
            case INT64 -> putAscii(Long.toString(((LongVector) v).get(r)));
            case FLOAT64 -> putAscii(formatDouble(((DoubleVector) v).get(r)));
            case BOOL -> putAscii(((BoolVector) v).get(r) ? "true" : "false");
            case DATE -> putAscii(LocalDate.ofEpochDay(((IntVector) v).get(r)).toString());
            case TIMESTAMP -> putAscii(Instant.EPOCH.plus(((LongVector) v).get(r), ChronoUnit.MICROS).toString());
        }
    }

    /** Shortest text that parses back to the same double; integral values in plain notation. */
    static String formatDouble(double d) {
        if (d == Math.rint(d) && Math.abs(d) < 1e15 && !(d == 0 && 1 / d < 0)) {
            return (long) d + ".0";
        }
        return Double.toString(d);
    }

    private void putString(byte[] b, int off, int n) {
        if (!needsQuotes(b, off, n)) {
            putBytes(b, off, n);
            return;
        }
        put(quote);
        for (int i = off; i < off + n; i++) {
            if (b[i] == quote) {
                put(quote);
            }
            put(b[i]);
        }
        put(quote);
    }

    private boolean needsQuotes(byte[] b, int off, int n) {
        if (n == 0) {
            return true; // "" so that the empty string does not read back as null
        }
        if ((b[off] & 0xff) <= '#' || (b[off + n - 1] & 0xff) <= ' ') {
            return true;
        }
        for (int i = off; i < off + n; i++) {
            byte c = b[i];
            if (c == delim || c == quote || c == '\n' || c == '\r') {
                return true;
            }
        }
        for (byte[] t : nullTokens) {
            if (t.length == n && java.util.Arrays.equals(t, 0, n, b, off, off + n)) {
                return true;
            }
        }
        return false;
    }

    private void putAscii(String s) {
        int n = s.length();
        if (len + n > buf.length) {
            flush();
        }
        for (int i = 0; i < n; i++) {
            buf[len++] = (byte) s.charAt(i);
        }
    }

    private void putBytes(byte[] b, int off, int n) {
        if (len + n > buf.length) {
            flush();
            if (n > buf.length) {
                writeFully(ByteBuffer.wrap(b, off, n));
                return;
            }
        }
        System.arraycopy(b, off, buf, len, n);
        len += n;
    }

    private void put(byte c) {
        if (len == buf.length) {
            flush();
        }
        buf[len++] = c;
    }

    private void flush() {
        writeFully(ByteBuffer.wrap(buf, 0, len));
        len = 0;
    }

    private void writeFully(ByteBuffer bb) {
        if (sink != null) {
            sink.write(bb.array(), bb.arrayOffset() + bb.position(), bb.remaining());
            bb.position(bb.limit());
            return;
        }
        try {
            while (bb.hasRemaining()) {
                channel.write(bb);
            }
        } catch (IOException e) {
            failed = true;
            throw new UncheckedIOException("Cannot write " + temp + " (for " + target + "): " + e.getMessage(), e);
        }
    }

    /**
     * Commits: flushes, syncs the data to disk and moves the file over the target atomically
     * (where the file system can; otherwise with a plain replace). If a write failed, discards
     * the file instead, as {@link #abort()}. Idempotent.
     */
    @Override
    public void close() {
        if (done) {
            return;
        }
        if (failed) {
            abort();
            return;
        }
        try {
            flush();
            channel.force(true);
            channel.close();
            done = true;
            if (appendedTo != null && !unchanged(appendedTo)) {
                throw new IOException("it changed while rows were appended (another writer?), so appending would lose "
                        + "its new content; nothing was written");
            }
            boolean replace = mode == Mode.OVERWRITE || appendedTo != null;
            if (replace) {
                try {
                    Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
                }
            } else if (!publishIfAbsent()) {
                if (mode != Mode.IGNORE) {
                    throw new IOException("the file appeared while the rows were written ("
                            + (mode == Mode.APPEND ? "SaveMode.APPEND to a file that did not exist" : "SaveMode." + mode)
                            + "); it is left as it is");
                }
                Files.deleteIfExists(temp); // IGNORE: the file that appeared wins
            }
            closeQuietly(staged);
        } catch (IOException | RuntimeException e) {
            done = false;
            abort();
            throw new SpillwayException("Cannot finish writing " + target + ": " + e.getMessage()
                    + "; the previous file (if any) is unchanged", e);
        }
    }

    /**
     * Moves the temporary file to the target unless the target exists, in one step where hard links work (a link
     * fails if the name is taken); false if the target exists.
     */
    private boolean publishIfAbsent() throws IOException {
        boolean linked;
        try {
            Files.createLink(target, temp);
            linked = true;
        } catch (java.nio.file.FileAlreadyExistsException e) {
            return false;
        } catch (UnsupportedOperationException | IOException e) {
            linked = false; // no hard links here (some network and FAT file systems)
        }
        if (linked) {
            Files.delete(temp);
            return true;
        }
        try {
            Files.move(temp, target); // checks, then moves: not one step, but never replaces a file seen
            return true;
        } catch (java.nio.file.FileAlreadyExistsException e) {
            return false;
        }
    }

    /** True if the file appended to is still the version the writer was opened on. */
    private boolean unchanged(Existing before) throws IOException {
        try {
            Existing now = Existing.of(target, before.hasRows());
            return now.equals(before);
        } catch (java.nio.file.NoSuchFileException e) {
            return false;
        }
    }

    /** Discards everything written: deletes the temporary file; the target stays as it was. Idempotent. */
    public void abort() {
        if (done) {
            return;
        }
        done = true;
        try {
            channel.close();
        } catch (IOException ignored) {
            // deleting is what matters
        }
        try {
            Files.deleteIfExists(temp);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot delete the temporary file " + temp + ": " + e.getMessage(), e);
        }
        closeQuietly(staged);
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            // a record left behind only makes a later sweep look for a file that is gone
        }
    }

    private void checkOpen() {
        if (done) {
            throw new IllegalStateException("The writer for " + target + " is closed");
        }
    }
}
