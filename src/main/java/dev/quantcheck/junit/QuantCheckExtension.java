package dev.quantcheck.junit;

import dev.quantcheck.QuantCheck;
import dev.quantcheck.inference.Encoder;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.InvocationInterceptor;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.ReflectiveInvocationContext;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;
import org.junit.jupiter.api.extension.TestInstancePostProcessor;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Parameter;
import java.nio.file.Path;
import java.util.List;

/**
 * The JUnit 5 extension behind {@link QuantCheckTest}: injects {@link QuantizedModel} and
 * {@link ReferenceEmbeddings} into fields (static ones before all tests, instance ones per instance) and
 * parameters. Works through {@code @ExtendWith(QuantCheckExtension.class)} as well.
 *
 * <p>Reports: comparisons made through {@link Embeddings#compareWith} are published as JUnit report entries. With
 * Allure on the classpath, each test's Allure result also gets the quantized models it uses (labels
 * {@code epic = quantcheck}, {@code feature = }model, {@code story = q8 / q4}; parameters; conversion and load steps;
 * the quantization report) and its comparisons (steps, metrics JSON, per-text CSV, plots); see
 * {@link dev.quantcheck.reporting.ReportContent}. Without Allure nothing is written.
 *
 * <p>When an assertion fails in a test that compared through {@link Embeddings#compareWith} (a quality gate), the
 * failure's message gets one more line saying where the error enters: a
 * {@link dev.quantcheck.diagnosis.LayerDiagnosis} of the last compared candidate against its reference model on the
 * first 32 texts, run only then. The failure keeps its type, message start and stack trace; the summary is also a
 * report entry and, with Allure, in the result's description with the per-layer chart.
 * {@code -Dquantcheck.diagnoseFailures=false} switches it off.
 */
public final class QuantCheckExtension implements BeforeAllCallback, BeforeEachCallback, AfterEachCallback,
        TestInstancePostProcessor, ParameterResolver, InvocationInterceptor, TestExecutionExceptionHandler {
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
    public void interceptTestMethod(Invocation<Void> invocation, ReflectiveInvocationContext<Method> invocationContext,
                                   ExtensionContext context) throws Throwable {
        reportModels(invocationContext, context);
        invocation.proceed();
    }

    @Override
    public void interceptTestTemplateMethod(Invocation<Void> invocation,
                                           ReflectiveInvocationContext<Method> invocationContext,
                                           ExtensionContext context) throws Throwable {
        reportModels(invocationContext, context);
        invocation.proceed();
    }

    @Override
    public void handleTestExecutionException(ExtensionContext context, Throwable throwable) throws Throwable {
        throw TestReports.explain(context, throwable);
    }

    /** The models this test gets, from fields and arguments, into its report: all are injected by now. */
    private static void reportModels(ReflectiveInvocationContext<Method> invocation, ExtensionContext context) {
        if (!TestReports.reporting()) {
            return;
        }
        try {
            ModelResolver resolver = new ModelResolver(context);
            List<Object> instances = context.getRequiredTestInstances().getAllInstances();
            for (Object instance : instances) {
                for (Class<?> c = instance.getClass(); c != null && c != Object.class; c = c.getSuperclass()) {
                    for (Field field : c.getDeclaredFields()) {
                        if (field.isAnnotationPresent(QuantizedModel.class) && field.trySetAccessible()) {
                            reportModel(resolver, field.get(Modifier.isStatic(field.getModifiers()) ? null : instance));
                        }
                    }
                }
            }
            Parameter[] parameters = invocation.getExecutable().getParameters();
            List<Object> arguments = invocation.getArguments();
            for (int i = 0; i < arguments.size(); i++) {
                Object argument = arguments.get(i);
                if (argument instanceof ModelUnderTest
                        || i < parameters.length && parameters[i].isAnnotationPresent(QuantizedModel.class)) {
                    reportModel(resolver, argument);
                }
            }
        } catch (ReflectiveOperationException | RuntimeException e) {
            // a report problem is no test failure
        }
    }

    private static void reportModel(ModelResolver resolver, Object value) {
        if (value instanceof ModelUnderTest model) {
            TestReports.model(model.name(), model.encoder());
        } else if (value instanceof Encoder encoder) {
            TestReports.model(null, encoder);
        } else if (value instanceof Path path) {
            TestReports.model(null, resolver.encoder(path));
        }
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
