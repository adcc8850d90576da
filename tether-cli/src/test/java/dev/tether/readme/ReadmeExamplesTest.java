package dev.tether.readme;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README's Java examples are the regions of {@link ReadmeExamples} (which the build compiles
 * against the real API), word for word: a README block marked {@code <!-- example: NAME -->} must
 * equal the region {@code // example: NAME} ... {@code // end} of that file, less its indentation.
 */
class ReadmeExamplesTest {
    private static final Path ROOT = Path.of(System.getProperty("user.dir")).getParent();
    private static final Pattern README_BLOCK = Pattern.compile("<!-- example: ([\\w-]+) -->\\s*```java\\n(.*?)```", Pattern.DOTALL);
    private static final Pattern SOURCE_REGION = Pattern.compile("// example: ([\\w-]+)\\n(.*?)\\n\\s*// end", Pattern.DOTALL);

    @Test
    void everyJavaBlockOfTheReadmeIsCompiledCode() throws IOException {
        String readme = Files.readString(ROOT.resolve("README.md"));
        Map<String, String> regions = regions(Files.readString(
                ROOT.resolve("tether-cli/src/test/java/dev/tether/readme/ReadmeExamples.java")));
        Map<String, String> blocks = new LinkedHashMap<>();
        Matcher m = README_BLOCK.matcher(readme);
        while (m.find()) {
            blocks.put(m.group(1), m.group(2).stripTrailing());
        }
        assertThat(blocks).as("README examples").isNotEmpty();
        assertThat(blocks.keySet()).as("every README example has a region, and every region is shown")
                .containsExactlyInAnyOrderElementsOf(regions.keySet());
        for (Map.Entry<String, String> b : blocks.entrySet()) {
            assertThat(b.getValue()).as("README example " + b.getKey()).isEqualTo(regions.get(b.getKey()));
        }
        long javaBlocks = Pattern.compile("```java").matcher(readme).results().count();
        assertThat(javaBlocks).as("every ```java block is marked as an example").isEqualTo(blocks.size());
    }

    private static Map<String, String> regions(String source) {
        Map<String, String> out = new LinkedHashMap<>();
        Matcher m = SOURCE_REGION.matcher(source);
        while (m.find()) {
            out.put(m.group(1), dedent(m.group(2)));
        }
        return out;
    }

    private static String dedent(String text) {
        List<String> lines = new ArrayList<>(List.of(text.split("\n", -1)));
        int indent = Integer.MAX_VALUE;
        for (String l : lines) {
            if (!l.isBlank()) {
                indent = Math.min(indent, l.length() - l.stripLeading().length());
            }
        }
        StringBuilder sb = new StringBuilder();
        for (String l : lines) {
            sb.append(l.isBlank() ? "" : l.substring(indent)).append('\n');
        }
        return sb.toString().stripTrailing();
    }
}
