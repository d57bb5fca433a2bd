package org.spillway.datasets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class GaussianBlobsTest {
    @Test
    void schemaAndCentres() {
        GaussianBlobs g = new GaussianBlobs(4, 3, 1000, 7);
        assertEquals(List.of("x0", "x1", "x2", "cluster"), g.schema().names());
        double[][] c = g.centers();
        assertEquals(4, c.length);
        for (double[] row : c) {
            for (double v : row) {
                assertTrue(v >= -10 && v <= 10, "centre value " + v);
            }
        }
        // the centres depend on k, dims, box and seed only
        assertArrayEquals(c, g.withRows(5).clusterStd(3).centers());
        assertTrue(!java.util.Arrays.deepEquals(c, new GaussianBlobs(4, 3, 1000, 8).centers()));
        c[0][0] = 99;
        assertTrue(g.centers()[0][0] != 99, "centers() returns a copy");
    }

    @Test
    void sameRowsWhateverTheBlockOrderAndThreads() throws Exception {
        GaussianBlobs g = new GaussianBlobs(5, 4, 20_000, 3);
        GeneratedColumns whole = GeneratedColumns.fill(g, 0, 20_000);
        GeneratedColumns.fillShuffled(g, 1_234, 3, 1).assertSame(whole);
        GeneratedColumns.fillShuffled(g, 997, 1, 2).assertSame(whole);
    }

    @Test
    void rowsAreTheirCentrePlusNoiseOfTheGivenSpread() {
        int n = 200_000;
        GaussianBlobs g = new GaussianBlobs(3, 2, n, 11).clusterStd(0.5);
        GeneratedColumns cols = GeneratedColumns.fill(g, 0, n);
        int[] cl = cols.ints("cluster");
        double[][] centres = g.centers();
        long[] count = new long[3];
        double[][] sum = new double[3][2];
        double[][] sq = new double[3][2];
        for (int i = 0; i < n; i++) {
            count[cl[i]]++;
            for (int j = 0; j < 2; j++) {
                double d = cols.doubles("x" + j)[i] - centres[cl[i]][j];
                sum[cl[i]][j] += d;
                sq[cl[i]][j] += d * d;
            }
        }
        for (int c = 0; c < 3; c++) {
            assertEquals(n / 3.0, count[c], 5 * Math.sqrt(n / 3.0), "cluster " + c + " size");
            for (int j = 0; j < 2; j++) {
                assertEquals(0, sum[c][j] / count[c], 0.01, "mean offset");
                assertEquals(0.5, Math.sqrt(sq[c][j] / count[c]), 0.01, "spread");
            }
        }
    }

    @Test
    void badArguments() {
        assertThrows(IllegalArgumentException.class, () -> new GaussianBlobs(0, 2, 10, 1));
        assertThrows(IllegalArgumentException.class, () -> new GaussianBlobs(2, 0, 10, 1));
        assertThrows(IllegalArgumentException.class, () -> new GaussianBlobs(2, 2, -1, 1));
        assertThrows(IllegalArgumentException.class, () -> new GaussianBlobs(2, 2, 10, 1).clusterStd(Double.NaN));
    }
}
