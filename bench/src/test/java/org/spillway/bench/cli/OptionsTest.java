package org.spillway.bench.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A mistyped option stops a subcommand before it starts work, naming the options it takes. */
class OptionsTest {
    @Test
    void benchRejectsAnUnknownOptionBeforeLoadingAnything() {
        Options.UsageError e = assertThrows(Options.UsageError.class,
                () -> Main.bench(new String[] {"groupby", "--thread", "1"}));
        assertTrue(e.getMessage().contains("--thread") && e.getMessage().contains("--threads"), e.getMessage());
        assertThrows(Options.UsageError.class, () -> Main.bench(new String[] {"join", "--n", "1e7x"}));
        assertThrows(Options.UsageError.class, () -> Main.bench(new String[] {"ml", "--k", "3"}));
    }

    @Test
    void genRejectsAnUnknownOptionAndWritesNothing(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("out");
        Options.UsageError e = assertThrows(Options.UsageError.class,
                () -> Gen.run(new String[] {"groupby", "--n", "1000", "--kk", "10", "--out", out.toString()}));
        assertTrue(e.getMessage().contains("--kk"), e.getMessage());
        assertTrue(Files.notExists(out));
        assertEquals(0, Gen.run(new String[] {"groupby", "--n", "1000", "--k", "10", "--out", out.toString()}));
        assertTrue(Files.exists(out.resolve("G1_1e3_1e1_0_0.csv")));
    }

    @Test
    void helpIsNotAnUnknownOption() throws Exception {
        assertEquals(0, Main.bench(new String[] {"groupby", "--help"}));
    }
}
