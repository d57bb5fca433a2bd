package org.spillway.frame.exec.aggregate.function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Selection gives the quantiles a full sort gives, bit for bit, on every kind of input order. */
class QuantilesTest {
    private static final double[] QS = {0, 0.1, 0.25, 0.5, 0.75, 0.9, 0.999, 1};

    /**
     * The quantile the way a sort computes it. At an exact rank the value itself (the sort-based
     * code before selection interpolated there too, which made an infinite value NaN).
     */
    private static double bySort(double[] xs, double q) {
        double[] s = xs.clone();
        Arrays.sort(s);
        double pos = q * (s.length - 1);
        int lo = (int) Math.floor(pos);
        int hi = (int) Math.ceil(pos);
        return lo == hi ? s[lo] : s[lo] + (pos - lo) * (s[hi] - s[lo]);
    }

    private static double bySelect(double[] xs, double q, int pad) {
        long[] a = new long[xs.length + 2 * pad];
        Arrays.fill(a, Long.MIN_VALUE); // values outside the range must not be touched or counted
        for (int i = 0; i < xs.length; i++) {
            a[pad + i] = Quantiles.key(xs[i]);
        }
        double r = Quantiles.quantile(a, pad, pad + xs.length, q);
        for (int i = 0; i < pad; i++) {
            assertEquals(Long.MIN_VALUE, a[i]);
            assertEquals(Long.MIN_VALUE, a[a.length - 1 - i]);
        }
        return r;
    }

    private static void check(String what, double[] xs) {
        for (double q : QS) {
            double want = bySort(xs, q);
            double got = bySelect(xs, q, 3);
            assertEquals(Double.doubleToLongBits(want), Double.doubleToLongBits(got),
                    what + " n=" + xs.length + " q=" + q + ": " + want + " vs " + got);
        }
    }

    @Test
    void orderKeysSortAsDoubleCompare() {
        double[] xs = {Double.NaN, Double.POSITIVE_INFINITY, 1.5, Double.MIN_VALUE, 0.0, -0.0, -Double.MIN_VALUE, -2,
                Double.NEGATIVE_INFINITY, Double.longBitsToDouble(0xfff8000000000001L)};
        for (double x : xs) {
            assertEquals(Double.doubleToLongBits(x), Double.doubleToLongBits(Quantiles.value(Quantiles.key(x))));
            for (double y : xs) {
                assertEquals(Integer.signum(Double.compare(x, y)), Long.signum(Long.compare(Quantiles.key(x), Quantiles.key(y))),
                        x + " vs " + y);
            }
        }
    }

    @Test
    void selectionEqualsSortingOnRandomAndAdversarialOrders() {
        SplittableRandom r = new SplittableRandom(7);
        for (int n : new int[] {1, 2, 3, 5, 23, 24, 25, 26, 100, 1000, 4097}) {
            double[] uniform = r.doubles(n).toArray();
            check("uniform", uniform);
            double[] few = r.ints(n, 0, 3).asDoubleStream().toArray();
            check("three values", few);
            double[] same = new double[n];
            Arrays.fill(same, 4.25);
            check("all equal", same);
            double[] sorted = uniform.clone();
            Arrays.sort(sorted);
            check("ascending", sorted);
            double[] desc = new double[n];
            for (int i = 0; i < n; i++) {
                desc[i] = sorted[n - 1 - i];
            }
            check("descending", desc);
            double[] organ = new double[n];
            for (int i = 0; i < n; i++) {
                organ[i] = Math.min(i, n - 1 - i);
            }
            check("organ pipe", organ);
            double[] special = r.doubles(n, -1, 1).toArray();
            for (int i = 0; i < n; i += 7) {
                special[i] = switch (i % 4) {
                    case 0 -> Double.NaN;
                    case 1 -> -0.0;
                    case 2 -> 0.0;
                    default -> Double.NEGATIVE_INFINITY;
                };
            }
            check("NaN, signed zeros, infinities", special);
        }
    }

    @Test
    void aCraftedOrderStaysExact() {
        // median-of-three killer: pivots chosen from the ends and the middle are always near the minimum
        int n = 1 << 14;
        double[] xs = new double[n];
        int k = n / 2;
        for (int i = 1; i <= k; i++) {
            if (i % 2 == 1) {
                xs[i - 1] = i;
                xs[i] = k + i;
            }
            xs[k + i - 1] = 2 * i;
        }
        check("median-of-3 killer", xs);
    }

    @Test
    void anInfiniteValueAtTheRankIsTheQuantile() {
        assertEquals(Double.NEGATIVE_INFINITY, bySelect(new double[] {3, Double.NEGATIVE_INFINITY, 1}, 0, 0));
        assertEquals(Double.POSITIVE_INFINITY, bySelect(new double[] {Double.POSITIVE_INFINITY, 1, 2}, 1, 0));
        assertEquals(2.0, bySelect(new double[] {Double.POSITIVE_INFINITY, 1, 2}, 0.5, 0));
    }

    @Test
    void selectRejectsARankOutsideTheRange() {
        long[] a = {3, 1, 2};
        assertThrows(IndexOutOfBoundsException.class, () -> Quantiles.select(a, 0, 3, 3));
        assertEquals(2, Quantiles.select(a, 0, 3, 1));
    }
}
