package org.spillway.ml.tune;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.spillway.ml.MlException;

/**
 * An early-stopping rule: told each trial's score after each iteration (larger is better; the
 * runner negates metrics where smaller is better and maps NaN to minus infinity), it says whether
 * the trial goes on. A rule is used under the runner's lock, one report at a time.
 */
public interface Rule {
    /** What a trial does after a report. */
    enum Decision {
        /** Train on. */
        CONTINUE,
        /** Stop early (status STOPPED). */
        STOP,
        /** Done: the trial reached the rule's maximum iterations (status TERMINATED). */
        DONE
    }

    /** The decision for trial {@code trial} after iteration {@code iteration} (1 for the first) with {@code score}. */
    Decision onReport(int trial, int iteration, double score);

    /** The most iterations a trial runs. */
    int maxT();

    /** FIFO: every trial runs to {@code maxT} iterations (or its learner's own end). */
    static Rule fifo(int maxT) {
        checkMaxT(maxT);
        return new Rule() {
            @Override
            public Decision onReport(int trial, int iteration, double score) {
                return iteration >= maxT ? Decision.DONE : Decision.CONTINUE;
            }

            @Override
            public int maxT() {
                return maxT;
            }
        };
    }

    /** ASHA with one bracket: see {@link Asha}. */
    static Rule asha(int maxT, int gracePeriod, int reductionFactor) {
        return new Asha(maxT, gracePeriod, reductionFactor, 0);
    }

    /**
     * Hyperband as brackets of ASHA (as Ray Tune's {@code AsyncHyperBandScheduler} with several
     * brackets): bracket {@code s} (0 to {@code floor(log_eta(maxT / gracePeriod))}) has its rungs at
     * {@code gracePeriod * eta^(s + k)}, so bracket 0 stops most aggressively and the last is nearly
     * FIFO; trial {@code i} goes to bracket {@code i mod brackets}.
     */
    static Rule hyperband(int maxT, int gracePeriod, int reductionFactor) {
        Asha first = new Asha(maxT, gracePeriod, reductionFactor, 0);
        int brackets = Math.max(1, first.rungs().size());
        List<Asha> all = new ArrayList<>();
        for (int s = 0; s < brackets; s++) {
            all.add(new Asha(maxT, gracePeriod, reductionFactor, s));
        }
        return new Rule() {
            @Override
            public Decision onReport(int trial, int iteration, double score) {
                return all.get(Math.floorMod(trial, all.size())).onReport(trial, iteration, score);
            }

            @Override
            public int maxT() {
                return maxT;
            }
        };
    }

    private static void checkMaxT(int maxT) {
        if (maxT < 1) {
            throw new MlException("Parameter maxT = " + maxT + " is invalid: it must be >= 1");
        }
    }

    /**
     * Asynchronous successive halving (Li et al., "A System for Massively Parallel Hyperparameter
     * Tuning", MLSys 2020), in its stopping form (as Ray Tune's ASHA): rungs at
     * {@code gracePeriod * eta^(s + k)} iterations below {@code maxT}; the first time a trial reports
     * at or past a rung, its score is recorded there, and it goes on only if it ranks within the best
     * {@code max(1, floor(n / eta))} of the {@code n} scores recorded at that rung so far (its own
     * included; rank 1 + the number of strictly better scores). The first trial at a rung goes on.
     */
    final class Asha implements Rule {
        private final int maxT;
        private final int eta;
        private final List<Integer> rungs = new ArrayList<>();
        private final List<List<Double>> recorded = new ArrayList<>();
        private final Map<Integer, Integer> nextRung = new HashMap<>();

        /** ASHA for bracket {@code s} (0 for plain ASHA). */
        public Asha(int maxT, int gracePeriod, int eta, int s) {
            checkMaxT(maxT);
            if (gracePeriod < 1 || gracePeriod > maxT) {
                throw new MlException("Parameter gracePeriod = " + gracePeriod + " is invalid: it must be within [1, maxT = " + maxT + "]");
            }
            if (eta < 2) {
                throw new MlException("Parameter reductionFactor = " + eta + " is invalid: it must be >= 2");
            }
            this.maxT = maxT;
            this.eta = eta;
            long r = gracePeriod;
            for (int i = 0; i < s; i++) {
                r *= eta;
            }
            for (; r < maxT; r *= eta) {
                rungs.add((int) r);
                recorded.add(new ArrayList<>());
            }
        }

        /** The rungs' iteration counts, ascending. */
        public List<Integer> rungs() {
            return List.copyOf(rungs);
        }

        @Override
        public int maxT() {
            return maxT;
        }

        @Override
        public Decision onReport(int trial, int iteration, double score) {
            if (iteration >= maxT) {
                return Decision.DONE;
            }
            int k = nextRung.getOrDefault(trial, 0);
            if (k >= rungs.size() || iteration < rungs.get(k)) {
                return Decision.CONTINUE;
            }
            while (k + 1 < rungs.size() && iteration >= rungs.get(k + 1)) {
                k++; // a trial that skipped rungs (reporting sparsely) is judged at the highest one it passed
            }
            nextRung.put(trial, k + 1);
            List<Double> at = recorded.get(k);
            at.add(score);
            int better = 0;
            for (double v : at) {
                if (v > score) {
                    better++;
                }
            }
            int keep = Math.max(1, at.size() / eta);
            return better < keep ? Decision.CONTINUE : Decision.STOP;
        }
    }
}
