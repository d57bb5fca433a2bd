package org.spillway.ml;

/**
 * The trial schedulers of a {@link Tuner}:
 * <ul>
 *   <li>{@link #fifo()}: no early stopping; every trial runs {@code maxT} iterations (or to its
 *       learner's own end);</li>
 *   <li>{@link #asha()}: asynchronous successive halving (Li et al., MLSys 2020) in its stopping
 *       form, as Ray Tune's ASHA: rungs at {@code gracePeriod * eta^k} iterations; the first time a
 *       trial reaches a rung its metric is recorded there, and it goes on only if it ranks within the
 *       best {@code max(1, floor(n / eta))} of the {@code n} metrics recorded at that rung so far;</li>
 *   <li>{@link #hyperband()}: brackets of ASHA with growing grace periods ({@code gracePeriod *
 *       eta^s} for bracket s), trials dealt to the brackets in turn, as Ray Tune's asynchronous
 *       Hyperband; the most aggressive bracket is plain ASHA and the last is nearly FIFO.</li>
 * </ul>
 * Each returns a {@link TrialScheduler} with maxT 100, gracePeriod 1 and reductionFactor 3.
 */
public final class Schedulers {
    private Schedulers() {
    }

    /** No early stopping. */
    public static TrialScheduler fifo() {
        return new TrialScheduler("fifo", 100, 1, 3);
    }

    /** Asynchronous successive halving. */
    public static TrialScheduler asha() {
        return new TrialScheduler("asha", 100, 1, 3);
    }

    /** Asynchronous Hyperband: brackets of ASHA. */
    public static TrialScheduler hyperband() {
        return new TrialScheduler("hyperband", 100, 1, 3);
    }
}
