package dev.quantcheck.junit;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.ArgumentsProvider;
import org.junit.jupiter.params.support.AnnotationConsumer;
import org.junit.jupiter.params.support.ParameterDeclarations;

import java.lang.annotation.Annotation;
import java.util.Arrays;
import java.util.stream.Stream;

/** Supplies the models of a {@link QuantizedModelsSource}, through the same run-wide cache as the extension. */
final class QuantizedModelsProvider implements ArgumentsProvider, AnnotationConsumer<QuantizedModelsSource> {
    private QuantizedModelsSource source;

    @Override
    public void accept(QuantizedModelsSource source) {
        this.source = source;
    }

    // JUnit 5.13+ and 6.x call this one
    public Stream<? extends Arguments> provideArguments(ParameterDeclarations parameters, ExtensionContext context) {
        return provideArguments(context);
    }

    // JUnit before 5.13 called this one; kept so that both generations find an implementation
    @SuppressWarnings("deprecation")
    public Stream<? extends Arguments> provideArguments(ExtensionContext context) {
        ModelResolver resolver = new ModelResolver(context);
        return Arrays.stream(source.bits()).mapToObj(bits -> Arguments.of(resolver.quantized(spec(bits))));
    }

    private QuantizedModel spec(int bits) {
        QuantizedModelsSource s = source;
        return new QuantizedModel() {
            @Override
            public Class<? extends Annotation> annotationType() {
                return QuantizedModel.class;
            }

            @Override
            public String path() {
                return "";
            }

            @Override
            public String model() {
                return s.model();
            }

            @Override
            public String source() {
                return "";
            }

            @Override
            public int bits() {
                return bits;
            }

            @Override
            public int groupSize() {
                return 0;
            }

            @Override
            public boolean fake() {
                return false;
            }

            @Override
            public boolean allowNonFinite() {
                return false;
            }

            @Override
            public String config() {
                return s.config();
            }
        };
    }
}
