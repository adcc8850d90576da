package dev.tether.chaos;

import static dev.tether.chaos.TestSockets.connect;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The lab standalone, as {@code tether proxy} runs it: {@link ChaosLab#serve} with a populate file,
 * what {@link ChaosLab#describe} says of it, and how a broken file is reported. (The command line
 * itself is tether-cli's, tested there.)
 */
class ServeTest {

    @Test
    void servesTheProxiesOfAPopulateFile(@TempDir Path dir) throws IOException {
        try (EchoServer echo = EchoServer.start()) {
            Path config = dir.resolve("proxies.json");
            Files.writeString(config, "[{\"name\":\"echo\",\"listen\":\"127.0.0.1:0\",\"upstream\":\""
                    + echo.address() + "\",\"comment\":\"ignored\"},{\"name\":\"off\",\"upstream\":\"127.0.0.1:1\",\"enabled\":false}]");
            try (ChaosLab lab = ChaosLab.serve("127.0.0.1", 0, config)) {
                assertThat(lab.apiAddress()).isPresent();
                assertThat(lab.proxy("off").isEnabled()).isFalse();
                try (Socket s = connect(lab.proxy("echo"))) {
                    s.getOutputStream().write(5);
                    assertThat(s.getInputStream().read()).isEqualTo(5);
                }
                int api = lab.apiAddress().orElseThrow().getPort();
                assertThat(lab.describe()).containsExactly("control API on 127.0.0.1:" + api + ", 2 proxies",
                        "echo: " + lab.proxy("echo").listen() + " -> " + echo.address(),
                        "off: 127.0.0.1:0 -> 127.0.0.1:1 (disabled)");
            }
        }
    }

    @Test
    void describesALabWithoutItsApi() {
        try (ChaosLab lab = ChaosLab.create()) {
            lab.createProxy(new ProxyConfig("one", "127.0.0.1:0", "127.0.0.1:1", false));
            assertThat(lab.describe()).containsExactly("no control API, 1 proxy", "one: 127.0.0.1:0 -> 127.0.0.1:1 (disabled)");
        }
    }

    @Test
    void aBrokenConfigFileIsReportedWithItsName(@TempDir Path dir) throws IOException {
        Path config = dir.resolve("bad.json");
        Files.writeString(config, "[{\"listen\":\"127.0.0.1:0\"}]");
        assertThatThrownBy(() -> ChaosLab.serve("127.0.0.1", 0, config))
                .hasMessage("config " + config + ", proxy 1: missing required field: name");
        assertThatThrownBy(() -> ChaosLab.serve("127.0.0.1", 0, dir.resolve("absent.json")))
                .hasMessageContaining("absent.json");
    }

    @Test
    void aConfigFileTakesOnlyJsonBooleansAndItsErrorsAreOneLineWithLineAndColumn(@TempDir Path dir) throws IOException {
        Path config = dir.resolve("proxies.json");
        Files.writeString(config, "[{\"name\":\"a\",\"upstream\":\"127.0.0.1:1\",\"enabled\":\"no\"}]");
        try (ChaosLab lab = ChaosLab.create()) {
            assertThatThrownBy(() -> lab.populate(config))
                    .hasMessage("config " + config + ", proxy 1: enabled: \"no\" (expected: true or false)");
            Files.writeString(config, "[\n  {\"name\": \"a\",\n   \"upstream\": tru}\n]");
            assertThatThrownBy(() -> lab.populate(config)).hasMessage("config " + config + ": line 3, column 20: not JSON:"
                    + " Unrecognized token 'tru': was expecting (JSON String, Number, Array, Object or token 'null', 'true' or 'false')");
            Files.writeString(config, "[{\"name\": \"a\"");
            assertThatThrownBy(() -> lab.populate(config)).hasMessage("config " + config
                    + ": line 1, column 14: not JSON: Unexpected end-of-input: expected close marker for Object");
            Files.writeString(config, "[] []");
            assertThatThrownBy(() -> lab.populate(config)).hasMessage("config " + config
                    + ": line 1, column 4: not JSON: more JSON after the end of the value");
            assertThatThrownBy(() -> lab.populate(dir.resolve("absent.json")))
                    .hasMessage("config " + dir.resolve("absent.json") + ": cannot read it: no such file");
            assertThatThrownBy(() -> lab.populate(dir)).hasMessageStartingWith("config " + dir + ": cannot read it: ");
            assertThat(lab.proxies()).isEmpty();
        }
    }

    @Test
    void aConfigFileIsParsedAsStrictlyAsThePopulateEndpoint(@TempDir Path dir) throws IOException {
        Path config = dir.resolve("strict.json");
        Files.writeString(config, "[{\"name\":\"a\",\"upstream\":\"127.0.0.1:1\"},"
                + "{\"name\":\"b\",\"upstream\":\"127.0.0.1:1\",\"enabled\":\"yes\"}]");
        try (ChaosLab lab = ChaosLab.create()) {
            assertThatThrownBy(() -> lab.populate(config))
                    .hasMessage("config " + config + ", proxy 2: enabled: \"yes\" (expected: true or false)");
            assertThat(lab.proxies()).as("nothing of a broken file is created").isEmpty();
            Files.writeString(config, "{\"name\":\"a\"}");
            assertThatThrownBy(() -> lab.populate(config))
                    .hasMessage("config " + config + ": object (expected: an array of proxies)");
            Files.writeString(config, "[{\"name\":\"a\",\"upstream\":\"127.0.0.1:1\"} 3");
            assertThatThrownBy(() -> lab.populate(config)).hasMessage("config " + config
                    + ": line 1, column 40: not JSON: Unexpected character ('3' (code 51)): was expecting comma to separate Array entries");
        }
    }
}
