package org.spillway.frame.delta;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.UUID;
import java.util.zip.CRC32;
import org.roaringbitmap.RoaringBitmap;
import org.spillway.frame.io.parquet.DeletedRows;

/**
 * Reading Delta deletion vectors (PROTOCOL.md "Deletion Vectors"): the descriptor's storage ({@code u}:
 * a file {@code deletion_vector_<uuid>.bin} beside the data, named by a Z85-encoded UUID after an
 * optional directory prefix; {@code p}: an absolute path; {@code i}: inline, Z85 text in the log), the
 * file framing (a version byte, then at the descriptor's offset a big-endian size, the bitmap bytes
 * and their big-endian CRC-32), and the bitmap (a {@code RoaringBitmapArray}: magic 1681511377, the
 * number of 32-bit Roaring bitmaps, then each one's high key and its portable serialization).
 */
final class DeletionVectors {
    static final int MAGIC = 1681511377;
    private static final String Z85 = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#";
    private static final int[] Z85_VALUE = new int[128];

    static {
        Arrays.fill(Z85_VALUE, -1);
        for (int i = 0; i < Z85.length(); i++) {
            Z85_VALUE[Z85.charAt(i)] = i;
        }
    }

    private DeletionVectors() {
    }

    /** The deleted rows of {@code add}, read from wherever its descriptor says. */
    static DeletedRows load(Snapshot snap, Action.AddFile add) {
        return load(snap.log, add, add.deletionVector().cardinality(), "Table " + snap.log.table + " (version " + snap.version
                + "): the deletion vector of " + add.path());
    }

    /** The rows of a descriptor (of {@code add}'s file), checked against {@code cardinality}. */
    static DeletedRows load(DeltaLog log, Action.AddFile add, long cardinality) {
        return load(log, add, cardinality, "Table " + log.table + ": the deletion vector of " + add.path());
    }

    private static DeletedRows load(DeltaLog log, Action.AddFile add, long cardinality, String where) {
        Action.DeletionVector dv = add.deletionVector();
        byte[] data = switch (dv.storageType()) {
            case "i" -> decodeZ85(dv.pathOrInlineDv(), dv.sizeInBytes(), where);
            case "u", "p" -> fromFile(dvPath(log.table, dv), dv, where);
            default -> throw new DeltaException(where + " has the unknown storage type '" + dv.storageType() + "'");
        };
        Bitmaps b = parse(data, where);
        if (b.cardinality() != dv.cardinality()) {
            throw new DeltaException(where + " holds " + b.cardinality() + " rows but its descriptor says " + dv.cardinality());
        }
        return b;
    }

    /** The file of a {@code u} or {@code p} descriptor. */
    static Path dvPath(Path table, Action.DeletionVector dv) {
        if (dv.storageType().equals("p")) {
            return Snapshot.resolve(table, dv.pathOrInlineDv());
        }
        String s = dv.pathOrInlineDv();
        if (s.length() < 20) {
            throw new DeltaException("Table " + table + ": the deletion vector id '" + s + "' is too short");
        }
        String prefix = s.substring(0, s.length() - 20);
        byte[] u = decodeZ85(s.substring(s.length() - 20), 16, "Table " + table + ": the deletion vector id '" + s + "'");
        ByteBuffer bb = ByteBuffer.wrap(u);
        String name = "deletion_vector_" + new UUID(bb.getLong(), bb.getLong()) + ".bin";
        return prefix.isEmpty() ? table.resolve(name) : table.resolve(prefix).resolve(name);
    }

    private static byte[] fromFile(Path file, Action.DeletionVector dv, String where) {
        int offset = dv.offset() == null ? 1 : dv.offset();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer head = ByteBuffer.allocate(4);
            if (ch.read(head, offset) < 4) {
                throw new DeltaException(where + ": " + file + " ends before offset " + offset);
            }
            int size = head.flip().getInt();
            if (size != dv.sizeInBytes() || size < 0 || (long) offset + 8 + size > ch.size()) {
                throw new DeltaException(where + ": " + file + " holds " + size + " bytes at offset " + offset + " where the descriptor"
                        + " says " + dv.sizeInBytes() + " (file of " + ch.size() + " bytes)");
            }
            ByteBuffer body = ByteBuffer.allocate(size + 4);
            while (body.hasRemaining()) {
                if (ch.read(body, offset + 4L + body.position()) < 0) {
                    throw new DeltaException(where + ": " + file + " is truncated");
                }
            }
            byte[] data = Arrays.copyOf(body.array(), size);
            int crc = body.getInt(size);
            CRC32 c = new CRC32();
            c.update(data);
            if ((int) c.getValue() != crc) {
                throw new DeltaException(where + ": the checksum of " + file + " at offset " + offset + " does not match: it is corrupt");
            }
            return data;
        } catch (NoSuchFileException e) {
            throw new DeltaException(where + ": its file " + file + " is missing", e);
        } catch (IOException e) {
            throw new DeltaException(where + ": cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** Z85 text (as Delta encodes: 5 characters per 4 bytes, big-endian) as {@code size} bytes. */
    static byte[] decodeZ85(String text, int size, String where) {
        if (text.length() % 5 != 0 || (long) text.length() / 5 * 4 < size) {
            throw new DeltaException(where + ": '" + abbreviate(text) + "' is not Z85 text of " + size + " bytes");
        }
        byte[] out = new byte[text.length() / 5 * 4];
        for (int i = 0, o = 0; i < text.length(); i += 5, o += 4) {
            long v = 0;
            for (int k = 0; k < 5; k++) {
                char ch = text.charAt(i + k);
                int d = ch < 128 ? Z85_VALUE[ch] : -1;
                if (d < 0) {
                    throw new DeltaException(where + ": '" + ch + "' is not a Z85 character");
                }
                v = v * 85 + d;
            }
            out[o] = (byte) (v >>> 24);
            out[o + 1] = (byte) (v >>> 16);
            out[o + 2] = (byte) (v >>> 8);
            out[o + 3] = (byte) v;
        }
        return out.length == size ? out : Arrays.copyOf(out, size);
    }

    /** {@code data} (a multiple of 4 bytes) as Z85 text. */
    static String encodeZ85(byte[] data) {
        if (data.length % 4 != 0) {
            throw new IllegalArgumentException("Z85 encodes multiples of 4 bytes, not " + data.length);
        }
        StringBuilder sb = new StringBuilder(data.length / 4 * 5);
        char[] five = new char[5];
        for (int i = 0; i < data.length; i += 4) {
            long v = ((data[i] & 0xffL) << 24) | ((data[i + 1] & 0xffL) << 16) | ((data[i + 2] & 0xffL) << 8) | (data[i + 3] & 0xffL);
            for (int k = 4; k >= 0; k--) {
                five[k] = Z85.charAt((int) (v % 85));
                v /= 85;
            }
            sb.append(five);
        }
        return sb.toString();
    }

    /** The bitmaps of {@code old} (may be null) with the rows {@code rows[0, n)} added. */
    static Bitmaps union(DeletedRows old, long[] rows, int n) {
        java.util.TreeMap<Integer, RoaringBitmap> byKey = new java.util.TreeMap<>();
        if (old instanceof Bitmaps b) {
            for (int i = 0; i < b.keys.length; i++) {
                byKey.put(b.keys[i], b.maps[i].clone());
            }
        } else if (old != null) {
            throw new IllegalArgumentException("not a deletion vector: " + old);
        }
        for (int i = 0; i < n; i++) {
            byKey.computeIfAbsent((int) (rows[i] >>> 32), k -> new RoaringBitmap()).add((int) rows[i]);
        }
        int[] keys = new int[byKey.size()];
        RoaringBitmap[] maps = new RoaringBitmap[byKey.size()];
        int j = 0;
        for (var e : byKey.entrySet()) {
            keys[j] = e.getKey();
            maps[j] = e.getValue();
            maps[j].runOptimize();
            j++;
        }
        return new Bitmaps(keys, maps);
    }

    /** The RoaringBitmapArray serialization (portable) of {@code b}. */
    static byte[] serialize(Bitmaps b) {
        int size = 12;
        for (RoaringBitmap m : b.maps) {
            size += 4 + m.serializedSizeInBytes();
        }
        ByteBuffer bb = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
        bb.putInt(MAGIC);
        bb.putLong(b.keys.length);
        for (int i = 0; i < b.keys.length; i++) {
            bb.putInt(b.keys[i]);
            ByteBuffer slice = bb.slice().order(ByteOrder.LITTLE_ENDIAN);
            b.maps[i].serialize(slice);
            bb.position(bb.position() + b.maps[i].serializedSizeInBytes());
        }
        return bb.array();
    }

    /**
     * Writes {@code b} as a new deletion vector file {@code deletion_vector_<uuid>.bin} in the table
     * directory (version byte, big-endian size, the bitmap, its big-endian CRC-32), forced to disk, and
     * returns its descriptor (storage {@code u}, offset 1).
     */
    static Action.DeletionVector write(Path table, Bitmaps b) {
        byte[] data = serialize(b);
        UUID id = UUID.randomUUID();
        ByteBuffer u = ByteBuffer.allocate(16).putLong(id.getMostSignificantBits()).putLong(id.getLeastSignificantBits());
        Path file = table.resolve("deletion_vector_" + id + ".bin");
        CRC32 crc = new CRC32();
        crc.update(data);
        ByteBuffer out = ByteBuffer.allocate(1 + 4 + data.length + 4);
        out.put((byte) 1).putInt(data.length).put(data).putInt((int) crc.getValue()).flip();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            while (out.hasRemaining()) {
                ch.write(out);
            }
            ch.force(true);
        } catch (IOException e) {
            throw new DeltaException("Cannot write the deletion vector " + file + " of table " + table + ": " + e.getMessage()
                    + "; the table is unchanged", e);
        }
        return new Action.DeletionVector("u", encodeZ85(u.array()), 1, data.length, b.cardinality());
    }

    private static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "...";
    }

    /** A RoaringBitmapArray. */
    static Bitmaps parse(byte[] data, String where) {
        ByteBuffer bb = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
        try {
            int magic = bb.getInt();
            if (magic != MAGIC) {
                throw new DeltaException(where + " is not a RoaringBitmapArray in the portable format (magic " + magic + ")");
            }
            long n = bb.getLong();
            if (n < 0 || n > Integer.MAX_VALUE) {
                throw new DeltaException(where + " claims " + n + " bitmaps");
            }
            int[] keys = new int[(int) n];
            RoaringBitmap[] maps = new RoaringBitmap[(int) n];
            for (int i = 0; i < n; i++) {
                keys[i] = bb.getInt();
                RoaringBitmap r = new RoaringBitmap();
                r.deserialize(bb.slice().order(ByteOrder.LITTLE_ENDIAN));
                bb.position(bb.position() + r.serializedSizeInBytes());
                maps[i] = r;
            }
            return new Bitmaps(keys, maps);
        } catch (IOException | RuntimeException e) {
            if (e instanceof DeltaException d) {
                throw d;
            }
            throw new DeltaException(where + " is not a valid bitmap: " + e, e);
        }
    }

    /** The rows of {@code a} that are not in {@code b} (either may be null: nothing). */
    static Bitmaps andNot(Bitmaps a, Bitmaps b) {
        java.util.TreeMap<Integer, RoaringBitmap> out = new java.util.TreeMap<>();
        if (a != null) {
            for (int i = 0; i < a.keys.length; i++) {
                RoaringBitmap m = a.maps[i].clone();
                RoaringBitmap other = b == null ? null : b.map(a.keys[i]);
                if (other != null) {
                    m.andNot(other);
                }
                if (!m.isEmpty()) {
                    out.put(a.keys[i], m);
                }
            }
        }
        int[] keys = out.keySet().stream().mapToInt(Integer::intValue).toArray();
        return new Bitmaps(keys, out.values().toArray(RoaringBitmap[]::new));
    }

    /** A {@link DeletedRows} that keeps only the rows of {@code rows} (everything else counts as deleted). */
    static DeletedRows keepOnly(Bitmaps rows) {
        return new DeletedRows() {
            @Override
            public long cardinality() {
                return Long.MAX_VALUE; // unknown relative to the file: never used to count
            }

            @Override
            public int keep(long start, int n, int[] keep) {
                int[] drop = new int[n];
                int d = rows.keep(start, n, drop); // offsets NOT in rows
                int k = 0;
                int j = 0;
                for (int i = 0; i < n; i++) {
                    if (j < d && drop[j] == i) {
                        j++;
                    } else {
                        keep[k++] = i;
                    }
                }
                return k;
            }
        };
    }

    /** Deleted row indexes: 32-bit Roaring bitmaps by the indexes' high 32 bits. */
    static final class Bitmaps implements DeletedRows {
        private final int[] keys;
        private final RoaringBitmap[] maps;
        private final long cardinality;

        Bitmaps(int[] keys, RoaringBitmap[] maps) {
            this.keys = keys;
            this.maps = maps;
            long c = 0;
            for (RoaringBitmap m : maps) {
                c += m.getLongCardinality();
            }
            this.cardinality = c;
        }

        @Override
        public long cardinality() {
            return cardinality;
        }

        private RoaringBitmap map(long high) {
            for (int i = 0; i < keys.length; i++) {
                if (keys[i] == high) {
                    return maps[i];
                }
            }
            return null;
        }

        @Override
        public int keep(long start, int n, int[] keep) {
            return DeletedRows.keepRoaring(this::map, start, n, keep);
        }
    }
}
