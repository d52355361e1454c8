package dev.quantcheck.inference.kernels;

import java.util.Optional;

/**
 * Chooses the kernels, Lucene-style: {@code VectorKernels} when {@code jdk.incubator.vector} is readable (the JVM
 * was started with {@code --add-modules jdk.incubator.vector}) and {@code -Dquantcheck.vector=false} is not set;
 * otherwise {@link ScalarKernels}. The vector class is loaded reflectively, so a JVM without the module never
 * touches a vector class.
 */
public final class KernelProvider {
    /** System property that switches the vector kernels off when set to {@code false}. */
    public static final String VECTOR_PROPERTY = "quantcheck.vector";
    private static final String VECTOR_MODULE = "jdk.incubator.vector";
    private static final String VECTOR_CLASS = "dev.quantcheck.inference.kernels.VectorKernels";

    private KernelProvider() {
    }

    /** The kernels to use: vector when available and not switched off, scalar otherwise. Never null. */
    public static Kernels kernels() {
        return Holder.DEFAULT;
    }

    /** The plain-Java kernels, always available. */
    public static Kernels scalar() {
        return ScalarKernels.INSTANCE;
    }

    /** True when the vector kernels could be loaded (whatever {@code quantcheck.vector} says). */
    public static boolean vectorAvailable() {
        return Holder.VECTOR.isPresent();
    }

    /** The vector kernels when available (whatever {@code quantcheck.vector} says): for differential tests. */
    public static Optional<Kernels> vector() {
        return Holder.VECTOR;
    }

    private static final class Holder {
        static final Optional<Kernels> VECTOR = loadVector();
        static final Kernels DEFAULT = VECTOR.isPresent()
                && !"false".equalsIgnoreCase(System.getProperty(VECTOR_PROPERTY, "true"))
                ? VECTOR.get() : ScalarKernels.INSTANCE;

        private static Optional<Kernels> loadVector() {
            Optional<Module> module = ModuleLayer.boot().findModule(VECTOR_MODULE);
            if (module.isEmpty() || !KernelProvider.class.getModule().canRead(module.get())) {
                return Optional.empty();
            }
            try {
                Class<?> type = Class.forName(VECTOR_CLASS);
                return Optional.of((Kernels) type.getDeclaredConstructor().newInstance());
            } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
                return Optional.empty();
            }
        }
    }
}
