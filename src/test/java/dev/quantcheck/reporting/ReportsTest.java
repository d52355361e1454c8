package dev.quantcheck.reporting;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.nio.file.Path;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** The Allure integration switches on only when Allure is there, and never touches it otherwise. */
class ReportsTest {
    @TempDir
    Path dir;

    @AfterEach
    void clear() {
        System.clearProperty(Reports.ALLURE_PROPERTY);
    }

    @Test
    void allureOnTheClasspathLoadsTheProvider() {
        assertThat(Reports.load(ReportsTest.class.getClassLoader())).isNotNull();
        assertThat(Reports.allureAvailable()).isTrue();
    }

    @Test
    void withoutAllureNothingLoadsAndNothingIsWritten() throws Exception {
        // GIVEN the reporting classes loaded by a class loader that cannot see Allure
        ClassLoader hiding = new HidingLoader(ReportsTest.class.getClassLoader());
        Class<?> reports = hiding.loadClass(Reports.class.getName());
        assertThat(reports.getClassLoader()).isSameAs(hiding);
        // WHEN
        Object available = reports.getMethod("allureAvailable").invoke(null);
        Object sink = reports.getMethod("currentTest", String.class, String.class).invoke(null, "a.B", "c");
        Object writer = reports.getMethod("allureResults", Path.class).invoke(null, dir.resolve("allure-results"));
        Method active = sink.getClass().getMethod("active");
        active.setAccessible(true);
        // THEN
        assertThat(available).isEqualTo(false);
        assertThat(active.invoke(sink)).isEqualTo(false);
        assertThat(writer).isEqualTo(Optional.empty());
        assertThat(dir.resolve("allure-results")).doesNotExist();
    }

    @Test
    void thePropertySwitchesItOff() {
        System.setProperty(Reports.ALLURE_PROPERTY, "false");

        assertThat(Reports.allureAvailable()).isFalse();
        assertThat(Reports.allureResults(dir)).isEmpty();
        assertThat(Reports.currentTest(ReportsTest.class.getName(), "thePropertySwitchesItOff")).isSameAs(ReportSink.NONE);
    }

    @Test
    void anotherTestsNameGetsNoSink() {
        assertThat(Reports.currentTest("some.OtherTest", "method")).isSameAs(ReportSink.NONE);
    }

    /** Loads dev.quantcheck.reporting itself (so that its references resolve here) and refuses io.qameta. */
    static final class HidingLoader extends ClassLoader {
        HidingLoader(ClassLoader parent) {
            super(parent);
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            if (name.startsWith("io.qameta.")) {
                throw new ClassNotFoundException(name);
            }
            if (!name.startsWith(Reports.class.getPackageName() + ".")) {
                return super.loadClass(name, resolve);
            }
            synchronized (getClassLoadingLock(name)) {
                Class<?> loaded = findLoadedClass(name);
                if (loaded == null) {
                    byte[] bytes = bytes(name);
                    loaded = defineClass(name, bytes, 0, bytes.length);
                }
                return loaded;
            }
        }

        private byte[] bytes(String name) throws ClassNotFoundException {
            try (InputStream in = getParent().getResourceAsStream(name.replace('.', '/') + ".class")) {
                if (in == null) {
                    throw new ClassNotFoundException(name);
                }
                return in.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    @Test
    void hidingLoaderReallyHidesAllure() {
        ClassLoader hiding = new HidingLoader(ReportsTest.class.getClassLoader());
        assertThat(Reports.load(hiding)).isNull();
    }
}
