package org.spillway.ml;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.spillway.ml.tune.Dimension;

/**
 * The parameters a {@link Tuner} searches, each with how its values are drawn, as in Ray Tune:
 *
 * <pre>{@code
 * var space = SearchSpace.builder()
 *         .loguniform("regParam", 1e-6, 1e-1)        // exp of a uniform draw between the logs
 *         .uniform("elasticNetParam", 0, 1)          // [lo, hi)
 *         .choice("batchSize", 256, 1024, 4096)      // one of, equally likely
 *         .grid("solver", "sgd", "lbfgs")            // every value: trials are repeated per grid point
 *         .randint("epochs", 5, 30)                  // an Integer in [lo, hi]
 *         .quniform("stepSize", 0.01, 0.1, 0.01)     // a multiple of q in [lo, hi]
 *         .build();
 * }</pre>
 *
 * A search has {@code numSamples} times the grid's size trials (one with no grid dimension); each
 * trial's values are drawn from the tuner's seed in trial order. Immutable.
 */
public final class SearchSpace {
    private final List<Dimension> dimensions;

    private SearchSpace(List<Dimension> dimensions) {
        this.dimensions = List.copyOf(dimensions);
    }

    /** A new, empty builder. */
    public static Builder builder() {
        return new Builder();
    }

    /** The dimensions, in the order they were added. */
    public List<Dimension> dimensions() {
        return dimensions;
    }

    /** The parameters' names, in order. */
    public List<String> names() {
        return dimensions.stream().map(Dimension::name).toList();
    }

    static SearchSpace of(List<Dimension> dims) {
        return new SearchSpace(dims);
    }

    @Override
    public String toString() {
        return "SearchSpace" + dimensions;
    }

    /** Builds a {@link SearchSpace}; every method checks its arguments and names the parameter in errors. */
    public static final class Builder {
        private final List<Dimension> dims = new ArrayList<>();
        private final Set<String> names = new LinkedHashSet<>();

        private Builder() {
        }

        private Builder add(Dimension d) {
            if (!names.add(d.name())) {
                throw new MlException("The search space already has a parameter '" + d.name() + "'");
            }
            dims.add(d);
            return this;
        }

        /** A double uniform in [lo, hi). */
        public Builder uniform(String name, double lo, double hi) {
            return add(new Dimension(name, Dimension.Kind.UNIFORM, lo, hi, 0, null));
        }

        /** A double whose logarithm is uniform in [log lo, log hi); 0 &lt; lo &lt; hi. */
        public Builder loguniform(String name, double lo, double hi) {
            return add(new Dimension(name, Dimension.Kind.LOGUNIFORM, lo, hi, 0, null));
        }

        /** An Integer uniform in [lo, hi] (both included). */
        public Builder randint(String name, int lo, int hi) {
            return add(new Dimension(name, Dimension.Kind.RANDINT, lo, hi, 0, null));
        }

        /** A double uniform in [lo, hi] rounded to a multiple of {@code q} (so {@code getInt} works when q is whole). */
        public Builder quniform(String name, double lo, double hi, double q) {
            return add(new Dimension(name, Dimension.Kind.QUNIFORM, lo, hi, q, null));
        }

        /** One of {@code values} (numbers, strings or booleans), each equally likely. */
        public Builder choice(String name, Object... values) {
            return add(new Dimension(name, Dimension.Kind.CHOICE, 0, 0, 0, values == null ? null : Arrays.asList(values)));
        }

        /** Every one of {@code values}: each sample is tried with each (crossed with the other grid parameters). */
        public Builder grid(String name, Object... values) {
            return add(new Dimension(name, Dimension.Kind.GRID, 0, 0, 0, values == null ? null : Arrays.asList(values)));
        }

        /** The space; an empty one is an error. */
        public SearchSpace build() {
            if (dims.isEmpty()) {
                throw new MlException("The search space is empty: add a parameter with uniform(...), loguniform(...), choice(...), "
                        + "grid(...), randint(...) or quniform(...)");
            }
            return new SearchSpace(dims);
        }
    }
}
