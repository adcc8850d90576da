package dev.tether.jdbc.internal;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The committed {@code *Delegate} classes are exactly what {@link DelegateGenerator} writes for the
 * JDBC interfaces of the running JDK. With {@code -Dtether.regenerate=true} it rewrites them first.
 */
class DelegatesAreUpToDateTest {
    private static final Path DIR = Path.of("src/main/java/dev/tether/jdbc/internal");

    @Test
    void generatedDelegatesMatchTheGenerator() throws IOException {
        if (Boolean.getBoolean("tether.regenerate")) {
            DelegateGenerator.main(new String[] {DIR.toString()});
        }
        for (DelegateGenerator.Spec s : DelegateGenerator.SPECS) {
            Path file = DIR.resolve(s.name() + ".java");
            assertThat(Files.readString(file))
                    .as(file + " differs from what DelegateGenerator writes; run this test with -Dtether.regenerate=true")
                    .isEqualTo(DelegateGenerator.source(s));
        }
    }
}
