package dev.quantcheck.reporting;

import io.qameta.allure.Allure;
import io.qameta.allure.AllureLifecycle;
import io.qameta.allure.FileSystemResultsWriter;
import io.qameta.allure.model.Label;
import io.qameta.allure.model.Parameter;
import io.qameta.allure.model.Stage;
import io.qameta.allure.model.Status;
import io.qameta.allure.model.StatusDetails;
import io.qameta.allure.model.StepResult;
import io.qameta.allure.model.TestResult;
import io.qameta.allure.util.ResultsUtils;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The only class that calls Allure; {@link Reports} loads it by reflection, and only when Allure is on the
 * classpath. Reporting trouble is swallowed: a report must never fail a test.
 */
final class AllureReports implements Reports.Provider {

    AllureReports() {
    }

    @Override
    public ReportSink currentTest(String className, String methodName) {
        AllureLifecycle lifecycle = Allure.getLifecycle();
        Optional<String> uuid = lifecycle.getCurrentTestCase();
        if (uuid.isEmpty()) {
            return ReportSink.NONE;
        }
        // only the result of this very test: not the outer test of an engine test kit run on the same thread
        String[] fullName = new String[1];
        lifecycle.updateTestCase(uuid.get(), r -> fullName[0] = r.getFullName());
        return (className + "." + methodName).equals(fullName[0]) ? new Sink(lifecycle, uuid.get()) : ReportSink.NONE;
    }

    @Override
    public ResultsWriter results(Path directory) {
        return new Writer(directory);
    }

    // ---------------------------------------------------------------- one result

    /** A test result of {@code lifecycle}, open on this thread. */
    private static final class Sink implements ReportSink {
        private final AllureLifecycle lifecycle;
        private final String uuid;

        Sink(AllureLifecycle lifecycle, String uuid) {
            this.lifecycle = lifecycle;
            this.uuid = uuid;
        }

        @Override
        public boolean active() {
            return true;
        }

        @Override
        public void label(String name, String value) {
            update(r -> {
                boolean present = r.getLabels().stream()
                        .anyMatch(l -> name.equals(l.getName()) && value.equals(l.getValue()));
                if (!present) {
                    r.getLabels().add(new Label().setName(name).setValue(value));
                }
            });
        }

        @Override
        public void parameter(String name, String value, boolean identity) {
            update(r -> {
                r.getParameters().removeIf(p -> name.equals(p.getName()));
                r.getParameters().add(new Parameter().setName(name).setValue(value).setExcluded(!identity)
                        .setMode(Parameter.Mode.DEFAULT));
            });
        }

        @Override
        public <T> T step(String name, Supplier<T> work) {
            String step = UUID.randomUUID().toString();
            try {
                ensureCurrent();
                lifecycle.startStep(lifecycle.getCurrentTestCaseOrStep().orElse(uuid), step,
                        new StepResult().setName(name));
            } catch (RuntimeException e) {
                return work.get();
            }
            try {
                T value = work.get();
                lifecycle.updateStep(step, s -> s.setStatus(Status.PASSED));
                return value;
            } catch (RuntimeException | Error e) {
                lifecycle.updateStep(step, s -> s.setStatus(ResultsUtils.getStatus(e).orElse(Status.BROKEN))
                        .setStatusDetails(ResultsUtils.getStatusDetails(e).orElse(null)));
                throw e;
            } finally {
                lifecycle.stopStep(step);
            }
        }

        @Override
        public void pastStep(String name, long startMillis, long stopMillis) {
            StepResult step = new StepResult().setName(name).setStatus(Status.PASSED).setStage(Stage.FINISHED)
                    .setStart(startMillis).setStop(stopMillis);
            quietly(() -> {
                ensureCurrent();
                String parent = lifecycle.getCurrentTestCaseOrStep().orElse(uuid);
                if (parent.equals(uuid)) {
                    lifecycle.updateTestCase(uuid, r -> r.getSteps().add(step));
                } else {
                    lifecycle.updateStep(parent, s -> s.getSteps().add(step));
                }
            });
        }

        @Override
        public void attach(String name, String mimeType, String extension, byte[] body) {
            quietly(() -> {
                ensureCurrent();
                lifecycle.addAttachment(name, mimeType, extension, body);
            });
        }

        @Override
        public void describe(String markdown) {
            update(r -> r.setDescription(r.getDescription() == null || r.getDescription().isEmpty() ? markdown
                    : r.getDescription() + "\n\n" + markdown));
        }

        /** Makes this result the thread's current one, for results written side by side (the demo's). */
        private void ensureCurrent() {
            if (!uuid.equals(lifecycle.getCurrentTestCase().orElse(null))) {
                lifecycle.setCurrentTestCase(uuid);
            }
        }

        private void update(Consumer<TestResult> change) {
            quietly(() -> lifecycle.updateTestCase(uuid, change));
        }

        private static void quietly(Runnable call) {
            try {
                call.run();
            } catch (RuntimeException e) {
                // Allure logs its own errors; a report problem is no test failure
            }
        }
    }

    // ---------------------------------------------------------------- results of our own (the demo)

    private static final class Writer implements ResultsWriter {
        private final Path directory;
        private final AllureLifecycle lifecycle;

        Writer(Path directory) {
            this.directory = directory;
            this.lifecycle = new AllureLifecycle(new FileSystemResultsWriter(directory));
        }

        @Override
        public ReportSink start(String name, String fullName) {
            String uuid = UUID.randomUUID().toString();
            String id = ResultsUtils.md5(fullName);
            lifecycle.scheduleTestCase(new TestResult().setUuid(uuid).setName(name).setFullName(fullName)
                    .setHistoryId(id).setTestCaseId(id));
            lifecycle.startTestCase(uuid);
            return new Sink(lifecycle, uuid);
        }

        @Override
        public void finish(ReportSink result, Outcome outcome, String message, long startMillis, long stopMillis) {
            String uuid = ((Sink) result).uuid;
            Status status = switch (outcome) {
                case PASSED -> Status.PASSED;
                case FAILED -> Status.FAILED;
                case BROKEN -> Status.BROKEN;
            };
            lifecycle.updateTestCase(uuid, r -> r.setStatus(status)
                    .setStatusDetails(message == null ? null : new StatusDetails().setMessage(message)));
            lifecycle.stopTestCase(uuid);
            lifecycle.updateTestCase(uuid, r -> r.setStart(startMillis).setStop(stopMillis));
            lifecycle.writeTestCase(uuid);
        }

        @Override
        public void environment(Map<String, String> values) {
            StringBuilder s = new StringBuilder();
            values.forEach((k, v) -> s.append(k.replace(" ", "\\ ")).append('=')
                    .append(v.replace("\\", "\\\\").replace("\n", " ")).append('\n'));
            try {
                Files.createDirectories(directory);
                Files.writeString(directory.resolve("environment.properties"), s, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write " + directory.resolve("environment.properties"), e);
            }
        }
    }
}
