package dev.quantcheck.junit;

import dev.quantcheck.metrics.EmbeddingComparison;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

/**
 * Users turn on JUnit's parallel execution; several test classes then resolve the same models at once. The
 * conversions, loads and reference embeddings they share must come out as in a serial run: the same metrics, within
 * the documented tolerance.
 */
class ParallelRunTest {
    /** Metrics by test, recorded by the classes below while the kit runs them. */
    static final Map<String, double[]> METRICS = new ConcurrentHashMap<>();
    static final Set<String> THREADS = ConcurrentHashMap.newKeySet();
    /**
     * The vector kernels' lane reductions and exponentials give results that depend on whether the JIT has compiled
     * them yet, so two runs differ in the last bits of a float. Cosines then move by parts in 10^8, the MSE and the
     * max difference (small differences of differences) by up to parts in 10^6; gates have three or four digits.
     */
    private static final double RELATIVE = 1e-5;

    @Test
    void fourClassesInParallelGiveTheMetricsOfASerialRun() {
        Map<String, double[]> serial = run(false);
        Map<String, double[]> parallel = run(true);

        assertThat(THREADS).as("test threads of the parallel run").hasSizeGreaterThan(1);
        assertThat(parallel.keySet()).hasSize(8).isEqualTo(serial.keySet());
        // within RELATIVE of each other, not bit for bit: see docs/cpu-kernels.md, "Reproducibility"
        double worst = 0;
        for (Map.Entry<String, double[]> e : parallel.entrySet()) {
            double[] p = e.getValue();
            double[] s = serial.get(e.getKey());
            for (int i = 0; i < p.length; i++) {
                assertThat(p[i]).as("%s metric %d", e.getKey(), i).isCloseTo(s[i], within(RELATIVE * Math.abs(s[i])));
                worst = Math.max(worst, Math.abs(p[i] - s[i]) / Math.abs(s[i]));
            }
        }
        System.out.printf("parallel vs serial: largest relative difference of a metric %.2e%n", worst);
    }

    private static Map<String, double[]> run(boolean parallel) {
        METRICS.clear();
        THREADS.clear();
        EngineExecutionResults results = EngineTestKit.engine("junit-jupiter")
                .configurationParameter("junit.jupiter.execution.parallel.enabled", String.valueOf(parallel))
                .configurationParameter("junit.jupiter.execution.parallel.mode.default", "concurrent")
                .configurationParameter("junit.jupiter.execution.parallel.mode.classes.default", "concurrent")
                .configurationParameter("junit.jupiter.execution.parallel.config.strategy", "fixed")
                .configurationParameter("junit.jupiter.execution.parallel.config.fixed.parallelism", "4")
                .selectors(selectClass(First.class), selectClass(Second.class), selectClass(Third.class),
                        selectClass(Fourth.class))
                .execute();
        results.testEvents().assertStatistics(s -> s.started(8).succeeded(8));
        return new TreeMap<>(METRICS);
    }

    /** q8 and q4 of one config entry against one reference, as a user's test class would declare them. */
    @ExtendWith(QuantCheckExtension.class)
    abstract static class SharedModels {
        @QuantizedModel(model = "all-minilm-l6-v2", bits = 8)
        ModelUnderTest q8;

        @QuantizedModel(model = "all-minilm-l6-v2", bits = 4)
        ModelUnderTest q4;

        @ReferenceEmbeddings(model = "all-minilm-l6-v2", limit = 12)
        Embeddings reference;

        @Test
        void q8() {
            record("q8", reference.compareWith(q8.encoder()));
        }

        @Test
        void q4() {
            record("q4", reference.compareWith(q4.encoder()));
        }

        private void record(String model, EmbeddingComparison c) {
            THREADS.add(Thread.currentThread().getName());
            METRICS.put(getClass().getSimpleName() + "." + model, new double[] {c.meanCosine(), c.minCosine(),
                    c.p01(), c.mse(), c.maxAbsDiff(), c.spearman()});
        }
    }

    static class First extends SharedModels {
    }

    static class Second extends SharedModels {
    }

    static class Third extends SharedModels {
    }

    static class Fourth extends SharedModels {
    }
}
