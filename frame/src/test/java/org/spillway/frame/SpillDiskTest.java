package org.spillway.frame;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.spillway.spill.DataType;
import org.spillway.spill.Field;
import org.spillway.spill.Schema;
import org.spillway.spill.chunk.RowGenerator;
import org.spillway.spill.file.SpillFile;
import org.spillway.spill.vector.LongVectorBuilder;
import org.spillway.spill.vector.StringVectorBuilder;
import org.spillway.spill.vector.VectorBuilder;

/**
 * Spill disk within a session: the space of frames no longer needed comes back (so {@code maxSpillDisk} counts live
 * data), and a full disk fails the query that filled it with a clear error while the session stays usable.
 */
class SpillDiskTest {
    @TempDir
    Path dir;

    /** Rows of an id and 120 random (incompressible) characters: about 130 bytes of spill each. */
    static RowGenerator noise(long rows) {
        Schema schema = Schema.of(new Field("id", DataType.INT64), new Field("s", DataType.STRING));
        return new RowGenerator() {
            @Override
            public Schema schema() {
                return schema;
            }

            @Override
            public long rows() {
                return rows;
            }

            @Override
            public void fill(long fromRow, int count, List<VectorBuilder> builders) {
                char[] c = new char[120];
                for (long r = fromRow; r < fromRow + count; r++) {
                    SplittableRandom rnd = new SplittableRandom(r);
                    for (int i = 0; i < c.length; i++) {
                        c[i] = (char) ('!' + rnd.nextInt(90));
                    }
                    ((LongVectorBuilder) builders.get(0)).append(r);
                    ((StringVectorBuilder) builders.get(1)).append(new String(c));
                }
            }
        };
    }

    @Test
    void spaceOfUnpersistedFramesComesBackWithinTheSession() {
        assumeTrue(SpillFile.holePunching(), "no hole punching here (not Linux, or no native access)");
        try (Spillway sw = Spillway.builder().memoryLimit("8m").maxSpillDisk("40m").spillDir(dir.toString()).build()) {
            for (int round = 0; round < 6; round++) { // each round spills about 20 MB: six would need 120 MB without reuse
                DataFrame f = sw.generate(noise(200_000));
                assertEquals(200_000, f.count());
                assertTrue(sw.spilledBytes() > 0);
                f.unpersist();
            }
        }
    }

    @Test
    void aFullDiskFailsTheQueryClearlyAndTheSessionStaysUsable() throws Exception {
        Path disk = Files.createDirectories(dir.resolve("disk"));
        assumeTrue("root".equals(System.getProperty("user.name")) && run("mount", "-t", "tmpfs", "-o", "size=12m", "tmpfs",
                disk.toString()), "needs root and mount for a small tmpfs");
        try {
            try (Spillway sw = Spillway.builder().memoryLimit("8m").spillDir(disk.toString()).build()) {
                RuntimeException e = assertThrows(RuntimeException.class, () -> sw.generate(noise(400_000))); // ~50 MB
                String msg = String.valueOf(e.getMessage()) + " " + (e.getCause() == null ? "" : e.getCause().getMessage());
                assertTrue(msg.contains(disk.toString()), msg);
                // the next query that fits works, more than once (the failed one left nothing behind)
                for (int i = 0; i < 3; i++) {
                    DataFrame small = sw.generate(noise(50_000)); // ~6 MB, a part of it spilled
                    assertEquals(50_000, small.count());
                    small.unpersist();
                }
            }
            try (Stream<Path> left = Files.list(disk)) {
                assertEquals(List.of(), left.toList(), "nothing is left on the disk");
            }
        } finally {
            run("umount", disk.toString());
        }
    }

    private static boolean run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
    }
}
