package org.spillway.ml;

import java.util.Objects;
import java.util.function.Supplier;

/**
 * Where an iterative learner reports its progress during a hyperparameter search ({@link Tuner}),
 * and learns whether to go on. The tuner binds a reporter to the thread that fits a trial
 * ({@link #runWith}); the linear learners ({@link LogisticRegression}, {@link LinearRegression},
 * {@link LinearSVC}), {@link KMeans} and {@link org.spillway.ml.recommendation.ALS} look it up through
 * {@link #current()} and call {@link #report} after every iteration (epoch for SGD) with the model at
 * that iterate. When the
 * reporter answers false, the learner stops there (its optimizer returns that iterate) and returns
 * that model. Learners that do not report are evaluated once, after their fit.
 */
public interface TrialReporter {
    /**
     * Reports that iteration {@code iteration} (1 for the first) is done.
     *
     * @param iteration the iterations done so far
     * @param model     builds the model at this iterate (called at most once, on this thread); the model
     *                  may share the learner's state (ALS's factors), so use it during the call only
     * @return true to go on, false to stop training here
     */
    boolean report(int iteration, Supplier<? extends Model> model);

    /** The reporter bound to this thread by a running search, or null outside one. */
    static TrialReporter current() {
        return Holder.CURRENT.isBound() ? Holder.CURRENT.get() : null;
    }

    /** Runs {@code fit} with {@code reporter} bound to this thread (learners called from it report to it). */
    static <T> T runWith(TrialReporter reporter, Supplier<T> fit) {
        Objects.requireNonNull(reporter, "reporter");
        return ScopedValue.where(Holder.CURRENT, reporter).call(fit::get);
    }

    /** The binding; not part of the API. */
    final class Holder {
        private static final ScopedValue<TrialReporter> CURRENT = ScopedValue.newInstance();

        private Holder() {
        }
    }
}
