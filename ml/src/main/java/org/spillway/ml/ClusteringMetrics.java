package org.spillway.ml;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The metrics of a clustering ({@link ClusteringEvaluator}).
 *
 * @param silhouette the mean silhouette with squared euclidean distances, in [-1, 1]
 * @param rows       rows evaluated
 * @param clusters   non-empty clusters
 */
public record ClusteringMetrics(double silhouette, long rows, int clusters) implements Metrics {
    @Override
    public Map<String, Double> asMap() {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("silhouette", silhouette);
        return m;
    }
}
