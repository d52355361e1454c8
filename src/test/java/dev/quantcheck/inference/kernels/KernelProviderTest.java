package dev.quantcheck.inference.kernels;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The provider's choice, in this JVM and in child JVMs started with and without the vector module. */
class KernelProviderTest {

    /** Run by the child JVMs: prints the chosen kernels' name. */
    public static void main(String[] args) {
        System.out.println("kernels=" + KernelProvider.kernels().name() + " available=" + KernelProvider.vectorAvailable());
    }

    @Test
    void scalarIsAlwaysThere() {
        assertThat(KernelProvider.scalar().name()).isEqualTo("scalar");
        assertThat(KernelProvider.kernels()).isNotNull();
        assertThat(KernelProvider.vector().isPresent()).isEqualTo(KernelProvider.vectorAvailable());
    }

    @Test
    void aJvmWithoutTheVectorModuleGetsScalarKernelsAndNoError() throws Exception {
        String out = child();
        assertThat(out).contains("kernels=scalar available=false").doesNotContain("Exception").doesNotContain("Error");
    }

    @Test
    void theVectorModuleGivesVectorKernelsUnlessSwitchedOff() throws Exception {
        assertThat(child("--add-modules", "jdk.incubator.vector")).contains("kernels=vector(").contains("available=true");
        assertThat(child("--add-modules", "jdk.incubator.vector", "-Dquantcheck.vector=false"))
                .contains("kernels=scalar available=true");
    }

    private static String child(String... jvmArgs) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(List.of(jvmArgs));
        command.add("-cp");
        command.add(System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")));
        command.add(KernelProviderTest.class.getName());
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return out;
    }
}
