package org.spillway.datasets;

import java.util.List;
import java.util.Locale;
import org.spillway.spill.DataType;
import org.spillway.spill.Field;
import org.spillway.spill.Schema;
import org.spillway.spill.chunk.RowGenerator;
import org.spillway.spill.vector.DoubleVectorBuilder;
import org.spillway.spill.vector.IntVectorBuilder;
import org.spillway.spill.vector.VectorBuilder;

/**
 * Explicit ratings from a <em>known</em> low-rank model plus Gaussian noise, for testing and
 * benchmarking matrix factorisation (ALS): the best any rank-{@code rank} model can do on new ratings
 * is a root mean squared error of {@link #noise()}, the noise floor.
 *
 * <pre>{@code
 * var g = new SyntheticRatings(1_000_000, 100_000, 20, 0.5, 7).ratings(100_000_000);
 * var ratings = sw.generate(g);                 // user int32, item int32, rating float64; spills as it is made
 * var test = sw.generate(g.ratings(1_000_000).rowSeed(1));   // other ratings of the same users and items
 * }</pre>
 *
 * <p><b>Columns</b>: {@code user} int32 in {@code [0, users)}, {@code item} int32 in {@code [0, items)},
 * {@code rating} float64.
 *
 * <p><b>The model.</b> User {@code u} has the true factor vector {@link #trueUserFactor(int) U_u} and
 * item {@code i} the vector {@link #trueItemFactor(int) V_i}, each of {@code rank} entries drawn
 * uniformly from {@code [-a, a]} with {@code a = sqrt(3) rank^(-1/4)}, so that the true rating
 * {@code U_u . V_i} has mean 0 and variance 1. Row {@code r} rates user {@code r mod users} (so every user
 * has {@code ratings / users} ratings, give or take one) and an item drawn uniformly (a user may rate an
 * item twice); its rating is {@code U_u . V_i + noise * N(0, 1)}.
 *
 * <p><b>Determinism.</b> Row {@code r} is a function of the seed, the row seed and {@code r} alone
 * (counter-based random numbers, {@link StrictMath}), so frames are filled block by block in parallel
 * and 1e8 ratings need no memory beyond the chunks being filled; the true factors are recomputed
 * for each row rather than stored (cost: {@code 2 rank + 1} random draws per row). The true factors
 * depend on the seed only, not on the row count or the row seed. Instances are immutable and thread-safe.
 */
public final class SyntheticRatings implements RowGenerator {
    /** The user column. */
    public static final String USER = "user";
    /** The item column. */
    public static final String ITEM = "item";
    /** The rating column. */
    public static final String RATING = "rating";
    /** The ratings per user unless {@link #ratings(long)} says otherwise. */
    public static final int DEFAULT_RATINGS_PER_USER = 10;

    private static final Schema SCHEMA = Schema.of(new Field(USER, DataType.INT32), new Field(ITEM, DataType.INT32),
            new Field(RATING, DataType.FLOAT64));
    private static final long USER_SALT = 1;
    private static final long ITEM_SALT = 2;
    private static final long ROW_SALT = 3;

    private final int users;
    private final int items;
    private final int rank;
    private final double noise;
    private final long seed;
    private final long rows;
    private final long rowSeed;
    private final double scale;
    private final long userFamily;
    private final long itemFamily;
    private final long rowFamily;

    /**
     * Ratings of {@code users} users and {@code items} items from a rank-{@code rank} model with
     * Gaussian noise of standard deviation {@code noise}: {@value #DEFAULT_RATINGS_PER_USER} ratings
     * per user unless {@link #ratings(long)} sets the count.
     *
     * @throws IllegalArgumentException if users, items or rank is below 1, or noise is negative or not finite
     */
    public SyntheticRatings(int users, int items, int rank, double noise, long seed) {
        this(users, items, rank, noise, seed, (long) users * DEFAULT_RATINGS_PER_USER, 0);
    }

    private SyntheticRatings(int users, int items, int rank, double noise, long seed, long rows, long rowSeed) {
        if (users < 1 || items < 1) {
            throw new IllegalArgumentException("users and items must be at least 1: users = " + users + ", items = " + items);
        }
        if (rank < 1 || rank > 1000) {
            throw new IllegalArgumentException("rank must be in 1..1000: " + rank);
        }
        if (!(noise >= 0) || Double.isInfinite(noise)) {
            throw new IllegalArgumentException("noise must be a standard deviation >= 0: " + noise);
        }
        if (rows < 0) {
            throw new IllegalArgumentException("the number of ratings must be >= 0: " + rows);
        }
        this.users = users;
        this.items = items;
        this.rank = rank;
        this.noise = noise;
        this.seed = seed;
        this.rows = rows;
        this.rowSeed = rowSeed;
        this.scale = StrictMath.sqrt(3) * StrictMath.pow(rank, -0.25);
        this.userFamily = RowRandom.family(seed, USER_SALT);
        this.itemFamily = RowRandom.family(seed, ITEM_SALT);
        this.rowFamily = RowRandom.family(seed ^ Rng.mix64(rowSeed + 0x51ED27L), ROW_SALT);
    }

    /** The same model with {@code n} ratings. */
    public SyntheticRatings ratings(long n) {
        return new SyntheticRatings(users, items, rank, noise, seed, n, rowSeed);
    }

    /** The same model (true factors) with other ratings: other items and noise for each row (default row seed 0). */
    public SyntheticRatings rowSeed(long s) {
        return new SyntheticRatings(users, items, rank, noise, seed, rows, s);
    }

    /** The number of users. */
    public int users() {
        return users;
    }

    /** The number of items. */
    public int items() {
        return items;
    }

    /** The rank of the true model. */
    public int rank() {
        return rank;
    }

    /** The standard deviation of the noise: the root mean squared error of the true model. */
    public double noise() {
        return noise;
    }

    /** The seed of the true factors (and, with the row seed, of the rows). */
    public long seed() {
        return seed;
    }

    /** The row seed. */
    public long rowSeed() {
        return rowSeed;
    }

    @Override
    public Schema schema() {
        return SCHEMA;
    }

    @Override
    public long rows() {
        return rows;
    }

    /** The true factor vector of user {@code u}. */
    public double[] trueUserFactor(int u) {
        if (u < 0 || u >= users) {
            throw new IndexOutOfBoundsException("user " + u + " is outside [0, " + users + ")");
        }
        double[] f = new double[rank];
        factor(new RowRandom(), userFamily, u, f);
        return f;
    }

    /** The true factor vector of item {@code i}. */
    public double[] trueItemFactor(int i) {
        if (i < 0 || i >= items) {
            throw new IndexOutOfBoundsException("item " + i + " is outside [0, " + items + ")");
        }
        double[] f = new double[rank];
        factor(new RowRandom(), itemFamily, i, f);
        return f;
    }

    /** The noiseless rating of user {@code u} for item {@code i}: {@code U_u . V_i}. */
    public double trueRating(int u, int i) {
        double[] a = trueUserFactor(u);
        double[] b = trueItemFactor(i);
        double s = 0;
        for (int k = 0; k < rank; k++) {
            s += a[k] * b[k];
        }
        return s;
    }

    private void factor(RowRandom r, long family, long index, double[] out) {
        r.start(family, index);
        for (int k = 0; k < rank; k++) {
            out[k] = scale * (2 * r.uniform() - 1);
        }
    }

    /** {@inheritDoc} Runs on the calling thread. */
    @Override
    public void fill(long fromRow, int count, List<VectorBuilder> builders) {
        RowGenerator.checkFill(this, fromRow, count, builders);
        IntVectorBuilder user = (IntVectorBuilder) builders.get(0);
        IntVectorBuilder item = (IntVectorBuilder) builders.get(1);
        DoubleVectorBuilder rating = (DoubleVectorBuilder) builders.get(2);
        RowRandom rr = new RowRandom();
        RowRandom fr = new RowRandom();
        double[] uf = new double[rank];
        double[] vf = new double[rank];
        int lastUser = -1;
        for (int n = 0; n < count; n++) {
            long row = fromRow + n;
            int u = (int) (row % users);
            rr.start(rowFamily, row);
            int i = (int) Rng.below(rr.next(), items);
            if (u != lastUser) {
                factor(fr, userFamily, u, uf);
                lastUser = u;
            }
            factor(fr, itemFamily, i, vf);
            double s = 0;
            for (int k = 0; k < rank; k++) {
                s += uf[k] * vf[k];
            }
            user.append(u);
            item.append(i);
            rating.append(s + noise * rr.normal());
        }
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "SyntheticRatings[users=%d, items=%d, rank=%d, noise=%s, seed=%d, ratings=%d, rowSeed=%d]",
                users, items, rank, noise, seed, rows, rowSeed);
    }
}
