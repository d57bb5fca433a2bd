package org.spillway.ml;

/** Registers the readers of this library's model types with {@link ModelIO}, once. */
final class BuiltInModels {
    private static volatile boolean done;

    private BuiltInModels() {
    }

    static void registerAll() {
        if (done) {
            return;
        }
        synchronized (BuiltInModels.class) {
            if (done) {
                return;
            }
            ModelIO.register("PipelineModel", PipelineModel::readJson);
            ModelIO.register("LogisticRegressionModel", org.spillway.ml.LogisticRegressionModel::readJson);
            ModelIO.register("LinearSVCModel", org.spillway.ml.LinearSVCModel::readJson);
            ModelIO.register("LinearRegressionModel", org.spillway.ml.LinearRegressionModel::readJson);
            ModelIO.register("OneHotEncoderModel", org.spillway.ml.OneHotEncoderModel::readJson);
            ModelIO.register("StandardScalerModel", org.spillway.ml.StandardScalerModel::readJson);
            ModelIO.register("ImputerModel", org.spillway.ml.ImputerModel::readJson);
            ModelIO.register("FeatureHasher", org.spillway.ml.FeatureHasher::readJson);
            done = true;
        }
    }
}
