/**
 * Spillway beside Spark MLlib in one JVM ({@link org.spillway.benchspark.AlsSideBySide}): built only in the optional
 * Maven profile {@code -Pspark}, never in the default build or CI.
 */
package org.spillway.benchspark;
