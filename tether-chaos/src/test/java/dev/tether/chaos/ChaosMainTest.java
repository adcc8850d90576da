package dev.tether.chaos;

import static dev.tether.chaos.TestServers.connect;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The standalone server: arguments parsed into a plain object, and a start from a populate file. */
class ChaosMainTest {

    @Test
    void defaultsAreToxiproxysOnLoopback() {
        ChaosMain.Options o = ChaosMain.parse(new String[0]);
        assertThat(o.host()).isEqualTo("127.0.0.1");
        assertThat(o.port()).isEqualTo(8474);
        assertThat(o.config()).isNull();
    }

    @Test
    void parsesEveryOptionInBothSpellings() {
        ChaosMain.Options o = ChaosMain.parse(new String[] {"--host", "::1", "--port=0", "--config", "p.json"});
        assertThat(o.host()).isEqualTo("::1");
        assertThat(o.port()).isZero();
        assertThat(o.config()).isEqualTo(Path.of("p.json"));
        assertThat(ChaosMain.parse(new String[] {"-h"}).help()).isTrue();
    }

    @Test
    void badArgumentsNameTheProblem() {
        assertThatThrownBy(() -> ChaosMain.parse(new String[] {"--port", "99999"}))
                .hasMessage("--port: 99999 (expected: a number from 0 to 65535)");
        assertThatThrownBy(() -> ChaosMain.parse(new String[] {"--port"})).hasMessage("--port: missing value");
        assertThatThrownBy(() -> ChaosMain.parse(new String[] {"--verbose"})).hasMessage("unknown argument: --verbose");
    }

    @Test
    void servesTheProxiesOfAPopulateFile(@TempDir Path dir) throws IOException {
        try (TestServers.Echo echo = new TestServers.Echo()) {
            Path config = dir.resolve("proxies.json");
            Files.writeString(config, "[{\"name\":\"echo\",\"listen\":\"127.0.0.1:0\",\"upstream\":\""
                    + echo.address() + "\",\"comment\":\"ignored\"},{\"name\":\"off\",\"upstream\":\"127.0.0.1:1\",\"enabled\":false}]");
            try (ChaosLab lab = ChaosMain.serve("127.0.0.1", 0, config)) {
                assertThat(lab.apiAddress()).isPresent();
                assertThat(lab.proxy("off").isEnabled()).isFalse();
                try (Socket s = connect(lab.proxy("echo"))) {
                    s.getOutputStream().write(5);
                    assertThat(s.getInputStream().read()).isEqualTo(5);
                }
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                ChaosMain.printStarted(lab, new PrintStream(out, true));
                assertThat(out.toString()).contains("control API on http://127.0.0.1:").contains("echo: 127.0.0.1:");
            }
        }
    }

    @Test
    void aBrokenConfigFileIsReportedWithItsName(@TempDir Path dir) throws IOException {
        Path config = dir.resolve("bad.json");
        Files.writeString(config, "[{\"listen\":\"127.0.0.1:0\"}]");
        assertThatThrownBy(() -> ChaosMain.serve("127.0.0.1", 0, config))
                .hasMessageContaining("bad.json").hasMessageContaining("missing required field: name");
        assertThatThrownBy(() -> ChaosMain.serve("127.0.0.1", 0, dir.resolve("absent.json")))
                .hasMessageContaining("absent.json");
    }

    @Test
    void aConfigFileIsParsedAsStrictlyAsThePopulateEndpoint(@TempDir Path dir) throws IOException {
        Path config = dir.resolve("strict.json");
        Files.writeString(config, "[{\"name\":\"a\",\"upstream\":\"127.0.0.1:1\"},"
                + "{\"name\":\"b\",\"upstream\":\"127.0.0.1:1\",\"enabled\":\"yes\"}]");
        assertThatThrownBy(() -> ChaosMain.readConfig(config))
                .hasMessage("config " + config + ", proxy 2: enabled: \"yes\" (expected: true or false)");
        Files.writeString(config, "{\"name\":\"a\"}");
        assertThatThrownBy(() -> ChaosMain.readConfig(config))
                .hasMessage("config " + config + ": object (expected: an array of proxies)");
        Files.writeString(config, "[{\"name\":\"a\",\"upstream\":\"127.0.0.1:1\"} 3");
        assertThatThrownBy(() -> ChaosMain.readConfig(config)).hasMessageStartingWith("config " + config + ": not JSON: ");
    }
}
