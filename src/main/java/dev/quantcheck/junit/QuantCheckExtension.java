package dev.quantcheck.junit;

import dev.quantcheck.QuantCheck;
import dev.quantcheck.inference.Encoder;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.TestInstancePostProcessor;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Path;

/**
 * The JUnit 5 extension behind {@link QuantCheckTest}: injects {@link QuantizedModel} and
 * {@link ReferenceEmbeddings} into fields (static ones before all tests, instance ones per instance) and
 * parameters. Works through {@code @ExtendWith(QuantCheckExtension.class)} as well.
 */
public final class QuantCheckExtension implements BeforeAllCallback, BeforeEachCallback, AfterEachCallback,
        TestInstancePostProcessor, ParameterResolver {
    static {
        QuantCheck.keepDjlOffline();
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        Class<?> testClass = context.getRequiredTestClass();
        injectFields(context, null, testClass, true);
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        TestReports.enter(context);
    }

    @Override
    public void afterEach(ExtensionContext context) {
        TestReports.leave();
    }

    @Override
    public void postProcessTestInstance(Object testInstance, ExtensionContext context) {
        injectFields(context, testInstance, testInstance.getClass(), false);
    }

    private static void injectFields(ExtensionContext context, Object instance, Class<?> type, boolean statics) {
        for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
            for (Field field : c.getDeclaredFields()) {
                boolean isStatic = Modifier.isStatic(field.getModifiers());
                if (isStatic != statics) {
                    continue;
                }
                QuantizedModel model = field.getAnnotation(QuantizedModel.class);
                ReferenceEmbeddings reference = field.getAnnotation(ReferenceEmbeddings.class);
                if (model == null && reference == null) {
                    continue;
                }
                String where = "field " + c.getSimpleName() + "." + field.getName();
                Object value = model != null ? quantized(context, model, field.getType(), where)
                        : reference(context, reference, field.getType(), where);
                try {
                    field.setAccessible(true);
                    field.set(instance, value);
                } catch (ReflectiveOperationException | RuntimeException e) {
                    throw new ExtensionConfigurationException("cannot inject " + where + ": " + e.getMessage(), e);
                }
            }
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.isAnnotated(QuantizedModel.class) || parameter.isAnnotated(ReferenceEmbeddings.class);
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        String where = "parameter " + parameter.getParameter().getName() + " of "
                + parameter.getDeclaringExecutable().getName();
        return parameter.findAnnotation(QuantizedModel.class)
                .map(spec -> quantized(context, spec, type, where))
                .orElseGet(() -> reference(context, parameter.findAnnotation(ReferenceEmbeddings.class).orElseThrow(),
                        type, where));
    }

    private static Object quantized(ExtensionContext context, QuantizedModel spec, Class<?> type, String where) {
        if (type != Encoder.class && type != ModelUnderTest.class && type != Path.class) {
            throw new ParameterResolutionException("@QuantizedModel on " + where + " of type " + type.getSimpleName()
                    + ": declare it as Encoder, ModelUnderTest or Path");
        }
        ModelUnderTest model = new ModelResolver(context).quantized(spec);
        return type == Encoder.class ? model.encoder() : type == Path.class ? model.path() : model;
    }

    private static Object reference(ExtensionContext context, ReferenceEmbeddings spec, Class<?> type, String where) {
        if (type != Embeddings.class && type != float[][].class) {
            throw new ParameterResolutionException("@ReferenceEmbeddings on " + where + " of type "
                    + type.getSimpleName() + ": declare it as Embeddings or float[][]");
        }
        Embeddings embeddings = new ModelResolver(context).reference(spec);
        return type == Embeddings.class ? embeddings : embeddings.vectors();
    }
}
