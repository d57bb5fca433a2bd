package org.spillway.ml;

import org.spillway.ml.tune.Rule;

/**
 * How a {@link Tuner} stops trials early; made by {@link Schedulers}. Immutable: each setter returns
 * a copy. {@code maxT} is the most iterations (epochs for SGD) a trial runs, default 100;
 * {@code gracePeriod} (default 1) is the first rung and {@code reductionFactor} (eta, default 3)
 * the ratio between rungs and the share kept at each.
 *
 * @param kind            {@code "fifo"}, {@code "asha"} or {@code "hyperband"}
 * @param maxT            the most iterations of a trial
 * @param gracePeriod     the iterations before a trial can be stopped (ASHA, Hyperband)
 * @param reductionFactor eta (ASHA, Hyperband)
 */
public record TrialScheduler(String kind, int maxT, int gracePeriod, int reductionFactor) {
    /** Checks the settings. */
    public TrialScheduler {
        if (!kind.equals("fifo") && !kind.equals("asha") && !kind.equals("hyperband")) {
            throw new MlException("Unknown scheduler '" + kind + "'; use fifo, asha or hyperband");
        }
        rule(kind, maxT, gracePeriod, reductionFactor); // validates
    }

    /** The most iterations (epochs) a trial runs; default 100. */
    public TrialScheduler maxT(int t) {
        return new TrialScheduler(kind, t, Math.min(gracePeriod, Math.max(1, t)), reductionFactor);
    }

    /** The first rung: a trial runs at least this many iterations; default 1. */
    public TrialScheduler gracePeriod(int g) {
        return new TrialScheduler(kind, maxT, g, reductionFactor);
    }

    /** Eta: rungs are {@code gracePeriod * eta^k} and the best {@code 1/eta} at each go on; default 3. */
    public TrialScheduler reductionFactor(int eta) {
        return new TrialScheduler(kind, maxT, gracePeriod, eta);
    }

    /** A fresh rule of these settings (it holds the rungs' state of one run). */
    Rule newRule() {
        return rule(kind, maxT, gracePeriod, reductionFactor);
    }

    private static Rule rule(String kind, int maxT, int grace, int eta) {
        return switch (kind) {
            case "fifo" -> Rule.fifo(maxT);
            case "asha" -> Rule.asha(maxT, grace, eta);
            default -> Rule.hyperband(maxT, grace, eta);
        };
    }
}
