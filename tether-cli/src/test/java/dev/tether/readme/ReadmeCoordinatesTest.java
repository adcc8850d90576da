package dev.tether.readme;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Maven and Gradle coordinates the README gives are the POMs' own: each names a module that is
 * published (in the root POM's modules, without {@code maven.deploy.skip}) at the project's
 * version, so a version bump or a renamed module cannot leave the README pointing at nothing.
 */
class ReadmeCoordinatesTest {
    private static final Path ROOT = Path.of(System.getProperty("user.dir")).getParent();
    /** {@code dev.tether:tether-http:0.1.0-SNAPSHOT}, as Gradle and the table write it. */
    private static final Pattern GRADLE = Pattern.compile("dev\\.tether:(tether-[\\w-]+):([\\w.-]+)");
    /** A Maven dependency: artifactId then version. */
    private static final Pattern MAVEN = Pattern.compile(
            "<artifactId>(tether-[\\w-]+)</artifactId>\\s*<version>([^<]+)</version>");

    @Test
    void everyCoordinateOfTheReadmeIsAPublishedModuleAtTheProjectVersion() throws IOException {
        String readme = Files.readString(ROOT.resolve("README.md"));
        String rootPom = Files.readString(ROOT.resolve("pom.xml"));
        Matcher v = Pattern.compile("<artifactId>tether-parent</artifactId>\\s*<version>([^<]+)</version>").matcher(rootPom);
        assertThat(v.find()).as("the root POM's version").isTrue();
        String version = v.group(1);
        List<String> published = new ArrayList<>();
        Matcher mod = Pattern.compile("<module>([^<]+)</module>").matcher(rootPom);
        while (mod.find()) {
            String pom = Files.readString(ROOT.resolve(mod.group(1)).resolve("pom.xml"));
            if (!pom.contains("<maven.deploy.skip>true</maven.deploy.skip>")) {
                published.add(mod.group(1));
            }
        }

        List<String> found = new ArrayList<>();
        for (Pattern p : List.of(GRADLE, MAVEN)) {
            Matcher m = p.matcher(readme);
            while (m.find()) {
                found.add(m.group(0));
                assertThat(published).as("a module the README tells users to depend on: " + m.group(0))
                        .contains(m.group(1));
                assertThat(m.group(2)).as("the version of " + m.group(0) + " (the root POM's)").isEqualTo(version);
            }
        }
        assertThat(found).as("the README's coordinates").isNotEmpty();
    }
}
