package org.spillway.ml.tune;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.spillway.ml.MlException;

/**
 * The parameters of every trial, drawn up front from the seed, as Ray Tune's basic variant generator:
 * {@code numSamples} samples, each crossed with every combination of the grid dimensions (the grid
 * varying fastest, its first dimension slowest), so there are {@code numSamples} times the grid's
 * size trials. Trial {@code i}'s random values come from its own stream, split from the seed in
 * trial order, so they do not depend on how many trials run at once.
 */
public final class Sampler {
    private Sampler() {
    }

    /** The trials' parameters, in trial order, each map in the dimensions' order. */
    public static List<Map<String, Object>> trials(List<Dimension> dims, int numSamples, long seed) {
        if (dims.isEmpty()) {
            throw new MlException("The search space is empty: add a parameter with uniform(...), loguniform(...), choice(...), grid(...), "
                    + "randint(...) or quniform(...)");
        }
        if (numSamples < 1) {
            throw new MlException("Parameter numSamples = " + numSamples + " is invalid: it must be >= 1");
        }
        List<Map<String, Object>> grid = new ArrayList<>();
        grid.add(new LinkedHashMap<>());
        for (Dimension d : dims) {
            if (d.kind() != Dimension.Kind.GRID) {
                continue;
            }
            List<Map<String, Object>> next = new ArrayList<>();
            for (Map<String, Object> g : grid) {
                for (Object v : d.values()) {
                    Map<String, Object> m = new LinkedHashMap<>(g);
                    m.put(d.name(), v);
                    next.add(m);
                }
            }
            grid = next;
        }
        long total = (long) numSamples * grid.size();
        if (total > 1_000_000) {
            throw new MlException("The search has " + total + " trials (numSamples " + numSamples + " x grid " + grid.size()
                    + "); at most 1,000,000 are supported");
        }
        SplittableRandom root = new SplittableRandom(seed);
        List<Map<String, Object>> out = new ArrayList<>();
        for (int s = 0; s < numSamples; s++) {
            for (Map<String, Object> g : grid) {
                SplittableRandom rnd = root.split();
                Map<String, Object> m = new LinkedHashMap<>();
                for (Dimension d : dims) {
                    m.put(d.name(), d.kind() == Dimension.Kind.GRID ? g.get(d.name()) : d.sample(rnd));
                }
                out.add(m);
            }
        }
        return out;
    }
}
