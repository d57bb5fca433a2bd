package org.spillway.ml.tune;

import java.util.List;
import java.util.SplittableRandom;
import org.spillway.ml.MlException;

/**
 * One parameter of a search space and how its values are drawn.
 *
 * @param name   the parameter's name
 * @param kind   how values are drawn
 * @param lo     the lower bound (numeric kinds)
 * @param hi     the upper bound: exclusive for {@code UNIFORM}/{@code LOGUNIFORM}, inclusive for
 *               {@code RANDINT} and {@code QUNIFORM}
 * @param q      the step of {@code QUNIFORM}
 * @param values the values of {@code CHOICE} and {@code GRID}
 */
public record Dimension(String name, Kind kind, double lo, double hi, double q, List<Object> values) {
    /** How a dimension's values are drawn. */
    public enum Kind {
        /** Uniform in [lo, hi). */
        UNIFORM,
        /** Log-uniform in [lo, hi), 0 &lt; lo. */
        LOGUNIFORM,
        /** An integer uniform in [lo, hi]. */
        RANDINT,
        /** Uniform in [lo, hi] rounded to a multiple of q (as a double). */
        QUNIFORM,
        /** One of the values, each equally likely. */
        CHOICE,
        /** Every value: the trials are repeated for each (crossed with the other grid dimensions). */
        GRID
    }

    /** Checks the bounds and values, naming the parameter. */
    public Dimension {
        if (name == null || name.isBlank()) {
            throw new MlException("A search-space parameter needs a non-blank name");
        }
        switch (kind) {
            case UNIFORM, LOGUNIFORM, RANDINT, QUNIFORM -> {
                if (!Double.isFinite(lo) || !Double.isFinite(hi) || !(lo < hi || (kind == Kind.RANDINT || kind == Kind.QUNIFORM) && lo == hi)) {
                    throw new MlException(kind.name().toLowerCase(java.util.Locale.ROOT) + "(\"" + name + "\", " + lo + ", " + hi
                            + "): the bounds must be finite with lo < hi");
                }
                if (kind == Kind.LOGUNIFORM && !(lo > 0)) {
                    throw new MlException("loguniform(\"" + name + "\", " + lo + ", " + hi + "): the lower bound must be > 0");
                }
                if (kind == Kind.RANDINT && (lo != Math.rint(lo) || hi != Math.rint(hi))) {
                    throw new MlException("randint(\"" + name + "\", " + lo + ", " + hi + "): the bounds must be integers");
                }
                if (kind == Kind.QUNIFORM && !(q > 0 && Double.isFinite(q))) {
                    throw new MlException("quniform(\"" + name + "\", " + lo + ", " + hi + ", " + q + "): q must be > 0");
                }
                values = List.of();
            }
            default -> {
                if (values == null || values.isEmpty()) {
                    throw new MlException(kind.name().toLowerCase(java.util.Locale.ROOT) + "(\"" + name + "\"): give at least one value");
                }
                for (Object v : values) {
                    if (!(v instanceof Number || v instanceof String || v instanceof Boolean)) {
                        throw new MlException(kind.name().toLowerCase(java.util.Locale.ROOT) + "(\"" + name + "\"): value " + v
                                + " is not a number, string or boolean");
                    }
                }
                values = List.copyOf(values);
            }
        }
    }

    /** Draws a value (not for {@code GRID}). */
    public Object sample(SplittableRandom rnd) {
        return switch (kind) {
            case UNIFORM -> lo + (hi - lo) * rnd.nextDouble();
            case LOGUNIFORM -> Math.exp(Math.log(lo) + (Math.log(hi) - Math.log(lo)) * rnd.nextDouble());
            case RANDINT -> {
                long v = (long) lo + rnd.nextLong((long) hi - (long) lo + 1);
                yield v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE ? (Object) (int) v : (Object) v;
            }
            case QUNIFORM -> {
                double v = Math.round((lo + (hi - lo) * rnd.nextDouble()) / q) * q;
                yield Math.min(hi, Math.max(lo, v));
            }
            case CHOICE -> values.get(rnd.nextInt(values.size()));
            case GRID -> throw new IllegalStateException("grid dimensions are crossed, not sampled");
        };
    }
}
