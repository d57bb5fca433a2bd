package org.spillway.ml;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.spillway.frame.Spillway;
import org.spillway.frame.testkit.SpillwaySessions;
import org.spillway.frame.testkit.SpillwayTest;

@SpillwayTest
class ChartsTest {
    /** Sessions for this test; the extension closes them (and checks for leaks) after it. */
    SpillwaySessions sessions;

    @TempDir
    Path tmp;

    private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

    static BufferedImage readPng(Path png) throws IOException {
        assertTrue(Files.isRegularFile(png), png + " was not written");
        byte[] head = Arrays.copyOf(Files.readAllBytes(png), 8);
        assertArrayEquals(PNG_SIGNATURE, head, "not a PNG file");
        BufferedImage img = ImageIO.read(png.toFile());
        assertNotNull(img, "ImageIO cannot read " + png);
        return img;
    }

    private void assertNoTemporaries(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            List<Path> left = s.filter(p -> p.getFileName().toString().contains(".tmp-")).toList();
            assertTrue(left.isEmpty(), "temporary files left: " + left);
        }
    }

    private BinaryMetrics metrics(Spillway sw) {
        Random rnd = new Random(4);
        int n = 5000;
        int[] y = new int[n];
        double[] p = new double[n];
        for (int i = 0; i < n; i++) {
            p[i] = rnd.nextDouble();
            y[i] = rnd.nextDouble() < p[i] ? 1 : 0;
        }
        return new BinaryClassificationEvaluator().evaluate(TestFrames.binary(sw, y, p));
    }

    /** Counts pixels that are clearly neither white nor grey: the drawn series. */
    private static long colouredPixels(BufferedImage img) {
        long n = 0;
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                int rgb = img.getRGB(x, y);
                int r = (rgb >> 16) & 0xff;
                int g = (rgb >> 8) & 0xff;
                int b = rgb & 0xff;
                if (Math.max(r, Math.max(g, b)) - Math.min(r, Math.min(g, b)) > 60) {
                    n++;
                }
            }
        }
        return n;
    }

    @Test
    void rocAndPrCurvesArePngsOfTheSizeAsked() throws IOException {
        try (Spillway sw = TestFrames.session(sessions)) {
            BinaryMetrics m = metrics(sw);
            Path roc = tmp.resolve("charts/roc.png");
            Charts.rocCurve(m, roc, 640, 480);
            BufferedImage img = readPng(roc);
            assertEquals(640, img.getWidth());
            assertEquals(480, img.getHeight());
            assertTrue(colouredPixels(img) > 500, "the curves are drawn");

            Charts.rocCurve(m, roc); // overwrites, at the default size
            BufferedImage again = readPng(roc);
            assertEquals(Charts.WIDTH, again.getWidth());
            assertEquals(Charts.HEIGHT, again.getHeight());

            Path pr = tmp.resolve("charts/pr.png");
            Charts.prCurve(m, pr, 300, 200);
            BufferedImage prImg = readPng(pr);
            assertEquals(300, prImg.getWidth());
            assertEquals(200, prImg.getHeight());
            assertNoTemporaries(tmp.resolve("charts"));
            assertEquals("true", System.getProperty("java.awt.headless"));

            BinaryMetrics one = new BinaryClassificationEvaluator()
                    .evaluate(TestFrames.binary(sw, new int[] {1, 1}, new double[] {0.3, 0.6}));
            MlException e = assertThrows(MlException.class, () -> Charts.rocCurve(one, tmp.resolve("one.png")));
            assertTrue(e.getMessage().contains("both classes"), e.getMessage());
            assertTrue(Files.notExists(tmp.resolve("one.png")));
            assertThrows(MlException.class, () -> Charts.rocCurve(m, tmp.resolve("tiny.png"), 10, 10));
        }
    }

    @Test
    void lossCurveLinearAndLogarithmic() throws IOException {
        double[] converging = new double[100];
        for (int i = 0; i < converging.length; i++) {
            converging[i] = 0.3 + 5 * Math.exp(-i / 5.0); // spans more than 10x: log scale
        }
        Path log = tmp.resolve("loss-log.png");
        Charts.lossCurve(converging, log, 500, 400);
        BufferedImage img = readPng(log);
        assertEquals(500, img.getWidth());
        assertEquals(400, img.getHeight());

        Path lin = tmp.resolve("loss-linear.png");
        Charts.lossCurve(new double[] {-1.0, -2.0, -2.5}, lin); // negative objectives: linear
        assertEquals(Charts.WIDTH, readPng(lin).getWidth());

        MlException nan = assertThrows(MlException.class, () -> Charts.lossCurve(new double[] {1, Double.NaN}, tmp.resolve("x.png")));
        assertTrue(nan.getMessage().contains("iteration 2"), nan.getMessage());
        assertThrows(MlException.class, () -> Charts.lossCurve(new double[0], tmp.resolve("x.png")));
        assertTrue(Files.notExists(tmp.resolve("x.png")));

        // a directory in the way: the error names the file, and nothing is left behind
        Path blocked = Files.createDirectories(tmp.resolve("blocked.png"));
        Files.writeString(blocked.resolve("keep"), "x");
        MlException io = assertThrows(MlException.class, () -> Charts.lossCurve(converging, blocked));
        assertTrue(io.getMessage().contains("blocked.png"), io.getMessage());
        assertNoTemporaries(tmp);
    }
}
