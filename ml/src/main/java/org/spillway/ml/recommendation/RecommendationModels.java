package org.spillway.ml.recommendation;

import org.spillway.ml.ModelIO;

/**
 * Registers the readers of this package's model types with {@link ModelIO}; found by
 * {@link java.util.ServiceLoader} (listed in {@code META-INF/services/org.spillway.ml.ModelIO$Readers}),
 * so the root package, which every model depends on, does not depend on this one.
 */
public final class RecommendationModels implements ModelIO.Readers {
    /** For {@link java.util.ServiceLoader}. */
    public RecommendationModels() {
    }

    @Override
    public void registerAll() {
        ModelIO.register(ALSModel.TYPE, ALSModel::readJson);
    }
}
