package org.spillway.ml;

/**
 * Registers the readers of this library's model types with {@link ModelIO}; found by
 * {@link java.util.ServiceLoader} (listed in {@code META-INF/services/org.spillway.ml.ModelIO$Readers}).
 */
public final class BuiltInModels implements ModelIO.Readers {
    /** For {@link java.util.ServiceLoader}. */
    public BuiltInModels() {
    }

    @Override
    public void registerAll() {
        ModelIO.register("PipelineModel", PipelineModel::readJson);
        ModelIO.register("LogisticRegressionModel", org.spillway.ml.LogisticRegressionModel::readJson);
        ModelIO.register("LinearSVCModel", org.spillway.ml.LinearSVCModel::readJson);
        ModelIO.register("LinearRegressionModel", org.spillway.ml.LinearRegressionModel::readJson);
        ModelIO.register("OneHotEncoderModel", org.spillway.ml.OneHotEncoderModel::readJson);
        ModelIO.register("StandardScalerModel", org.spillway.ml.StandardScalerModel::readJson);
        ModelIO.register("ImputerModel", org.spillway.ml.ImputerModel::readJson);
        ModelIO.register("FeatureHasher", org.spillway.ml.FeatureHasher::readJson);
        ModelIO.register("KMeansModel", org.spillway.ml.KMeansModel::readJson);
    }
}
