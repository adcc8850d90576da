package dev.tether.redis;

import dev.tether.net.TlsSettings;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConfigTest {

    @Test
    void urisCarryServerCredentialsDatabaseAndTls() {
        RedisUri u = RedisUri.parse("rediss://app:s%40cr%3At@cache.example:6380/4");
        assertThat(u).isEqualTo(new RedisUri(true, "app", "s@cr:t", "cache.example", 6380, 4));
        assertThat(u.toString()).isEqualTo("rediss://***@cache.example:6380/4").doesNotContain("s@cr");
        assertThat(RedisUri.parse("redis://localhost")).isEqualTo(new RedisUri(false, null, null, "localhost", 6379, 0));
        assertThat(RedisUri.parse("redis://:only@h/")).isEqualTo(new RedisUri(false, null, "only", "h", 6379, 0));
        assertThat(RedisUri.parse("redis://secret@h").password()).isEqualTo("secret");
        assertThat(RedisUri.parse("redis://[::1]:7000").host()).isEqualTo("::1");
        assertThat(RedisUri.parse("redis://[::1]:7000").toString()).isEqualTo("redis://[::1]:7000");
    }

    @Test
    void badUrisAreRefusedWithoutShowingThePassword() {
        assertThatThrownBy(() -> RedisUri.parse("http://u:hunter2@h")).hasMessageContaining("scheme must be redis or rediss")
                .hasMessageNotContaining("hunter2").hasMessageContaining("***@h");
        assertThatThrownBy(() -> RedisUri.parse("redis://u:hunter2@h/db")).hasMessageContaining("database number")
                .hasMessageNotContaining("hunter2");
        assertThatThrownBy(() -> RedisUri.parse("redis://u:hun%2@h")).hasMessageContaining("not a URI")
                .hasMessageNotContaining("hun%2");
        assertThatThrownBy(() -> RedisUri.parse("redis:///0")).hasMessageContaining("names no host");
    }

    @Test
    void theConfigComposesTheLowerLayersAndPrefixesTheirMessages() {
        RedisClientConfig c = RedisClientConfig.builder("rediss://:pw@h:7000/2")
                .pool(p -> p.maxPerKey(8).maxTotal(8))
                .socket(s -> s.readTimeout(Duration.ofSeconds(3)))
                .clientName("orders")
                .build();
        assertThat(c.pool().maxPerKey()).isEqualTo(8);
        assertThat(c.pool().name()).isEqualTo("redis");
        assertThat(c.socket().readTimeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(c.socket().connectTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(c.tls()).isEqualTo(TlsSettings.DEFAULT);
        assertThat(c.database()).isEqualTo(2);
        assertThat(c.hasPassword()).isTrue();
        assertThat(c.toString()).contains("password=***").doesNotContain("pw,").doesNotContain("=pw");
        assertThat(c.toBuilder().build().toString()).isEqualTo(c.toString());

        assertThatThrownBy(() -> RedisClientConfig.builder().pool(p -> p.maxPerKey(0)).build())
                .hasMessage("pool.maxPerKey: 0 (expected: >= 1)");
        assertThatThrownBy(() -> RedisClientConfig.builder().socket(s -> s.readTimeout(Duration.ZERO)).build())
                .hasMessageStartingWith("socket.readTimeout: PT0S");
        assertThatThrownBy(() -> RedisClientConfig.builder().socket(s -> s.connectTimeout(Duration.ofSeconds(30))).build())
                .hasMessageStartingWith("socket.connectTimeout: PT30S (expected: <= pool.openTimeout PT10S");
    }

    @Test
    void redisOwnSettingsAreChecked() {
        assertThatThrownBy(() -> RedisClientConfig.builder().clientName("has space").build())
                .hasMessageStartingWith("clientName: \"has space\"");
        assertThatThrownBy(() -> RedisClientConfig.builder().user("u").build()).hasMessageContaining("AUTH needs one");
        assertThatThrownBy(() -> RedisClientConfig.builder().database(-1).build()).hasMessage("database: -1 (expected: >= 0)");
        assertThatThrownBy(() -> RedisClientConfig.builder().maxBulkBytes(10).build()).hasMessage("maxBulkBytes: 10 (expected: >= 1024)");
        assertThatThrownBy(() -> RedisClientConfig.builder().maxReplyBytes(0).build()).hasMessage("maxReplyBytes: 0 (expected: >= 1024)");
        assertThatThrownBy(() -> RedisClientConfig.builder().maxNestingDepth(1).build()).hasMessage("maxNestingDepth: 1 (expected: 2..1000)");
        assertThatThrownBy(() -> RedisClientConfig.builder().blockingMargin(Duration.ZERO).build())
                .hasMessageStartingWith("blockingMargin: PT0S");
        assertThatThrownBy(() -> RedisClientConfig.builder().port(0).build()).hasMessage("port: 0 (expected: 1..65535)");
    }

    @Test
    void commandsCheckTheirArgumentsAndNeverPrintThem() {
        Command c = Command.of("AUTH", "user", "hunter2");
        assertThat(c.toString()).isEqualTo("AUTH (2 arguments)");
        assertThatThrownBy(() -> Command.of("GET", new Object())).hasMessageContaining("expected: byte[], String or a Number");
        assertThatThrownBy(() -> Command.of("GET KEY")).hasMessageContaining("without spaces");
        assertThatThrownBy(() -> Command.of("GET").readTimeout(Duration.ZERO)).hasMessageStartingWith("readTimeout: PT0S");
    }
}
