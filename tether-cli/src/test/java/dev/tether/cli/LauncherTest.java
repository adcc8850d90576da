package dev.tether.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code ./tether} launcher, run by bash in a copy of the project's layout whose {@code mvnw}
 * and {@code java} are fakes that record their calls: it builds the jar when it is missing or older
 * than a source or a pom, and only then.
 */
class LauncherTest {
    private static final Path SCRIPT = Path.of(System.getProperty("user.dir")).getParent().resolve("tether");

    @TempDir
    Path root;

    record Run(int code, String out, String err) {
    }

    private Run launch() throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder("bash", root.resolve("tether").toString(), "--version");
        pb.environment().put("PATH", root.resolve("bin") + ":" + System.getenv("PATH"));
        Process p = pb.start();
        p.getOutputStream().close();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("the launcher ended").isTrue();
        return new Run(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8),
                new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
    }

    private Path executable(Path file, String body) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, "#!/usr/bin/env bash\n" + body + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
        return file;
    }

    private List<String> builds() throws IOException {
        Path log = root.resolve("builds.log");
        return Files.exists(log) ? Files.readAllLines(log) : List.of();
    }

    @Test
    void buildsWhenTheJarIsMissingOrOlderThanASourceOrAPomAndOnlyThen() throws Exception {
        Files.copy(SCRIPT, root.resolve("tether"));
        executable(root.resolve("mvnw"), "echo built >> \"$(dirname \"$0\")/builds.log\"\n"
                + "mkdir -p \"$(dirname \"$0\")/tether-cli/target\" && touch \"$(dirname \"$0\")/tether-cli/target/tether.jar\"");
        executable(root.resolve("bin/java"), "echo \"java $*\"");
        Files.writeString(root.resolve("pom.xml"), "<project/>");
        Path source = root.resolve("tether-pool/src/main/java/A.java");
        Files.createDirectories(source.getParent());
        Files.writeString(source, "class A {}");
        Instant past = Instant.now().minusSeconds(3600);
        Files.setLastModifiedTime(source, FileTime.from(past));
        Files.setLastModifiedTime(root.resolve("pom.xml"), FileTime.from(past));

        Run first = launch();
        assertThat(first.code()).as(first.err()).isZero();
        assertThat(first.err()).contains("tether: building tether-cli/target/tether.jar (first run only");
        assertThat(first.out()).contains("java -jar " + root.resolve("tether-cli/target/tether.jar") + " --version");
        assertThat(builds()).hasSize(1);

        assertThat(launch().err()).as("up to date: started at once").isEmpty();
        assertThat(builds()).hasSize(1);

        Path jar = root.resolve("tether-cli/target/tether.jar");
        Files.setLastModifiedTime(jar, FileTime.from(past.plusSeconds(60)));
        Files.setLastModifiedTime(source, FileTime.from(past.plusSeconds(120)));
        Run edited = launch();
        assertThat(edited.err()).contains("rebuilding tether-cli/target/tether.jar: tether-pool/src/main/java/A.java changed since"
                + " it was built");
        assertThat(builds()).hasSize(2);
        assertThat(launch().err()).isEmpty();

        Files.setLastModifiedTime(jar, FileTime.from(past.plusSeconds(60)));
        Files.setLastModifiedTime(root.resolve("pom.xml"), FileTime.from(past.plusSeconds(120)));
        assertThat(launch().err()).contains("pom.xml changed");
        assertThat(builds()).hasSize(3);
    }
}
