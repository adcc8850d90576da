package dev.tether.cli.probe;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The probe's advice, case by case: each gets what fits it, in whole sentences. */
class HttpAdviceTest {

    private static HttpAdvice advise(int status, String version, String server, boolean tls, boolean persistent, Long idleMs,
                                     Long silentHighMs, boolean above, long advertisedS) {
        return HttpAdvice.of(new HttpAdvice.Facts(status, version, server, tls, persistent, idleMs, silentHighMs, above, advertisedS,
                120_000, 250));
    }

    @Test
    void everySuggestionIsAWholeSentence() {
        for (HttpAdvice a : new HttpAdvice[] {
            advise(404, "HTTP/1.1", null, true, false, null, null, false, -1),
            advise(200, "HTTP/1.1", null, false, true, null, null, true, 5),
            advise(200, "HTTP/1.1", null, false, true, 3000L, null, false, 30),
            advise(200, "HTTP/1.1", null, false, true, null, 4000L, false, 30)}) {
            assertThat(a.sentences()).isNotEmpty().allSatisfy(s -> assertThat(s).matches("[A-Zt].*[.]").doesNotContain("\n"));
        }
    }

    @Test
    void withoutKeepAliveNginxAndTlsAreNamedOnlyWhenTheyApply() {
        HttpAdvice http10 = advise(200, "HTTP/1.0", null, false, false, null, null, false, -1);
        assertThat(String.join(" ", http10.sentences())).contains("HTTP/1.0").doesNotContain("nginx").doesNotContain("TLS");
        assertThat(http10.code()).isNull();
        assertThat(http10.idleTimeoutMs()).isNull();

        String closing = String.join(" ", advise(200, "HTTP/1.1", "Apache", false, false, null, null, false, -1).sentences());
        assertThat(closing).contains("closes every connection after one response").doesNotContain("nginx").doesNotContain("TLS");
        assertThat(String.join(" ", advise(200, "HTTP/1.1", "nginx/1.24.0", true, false, null, null, false, -1).sentences()))
                .contains("a connect and a TLS handshake").contains("(nginx: keepalive_timeout above 0)");
    }

    @Test
    void aClosesSeenWhileIdleAreLearnedASilentDropIsNot() {
        HttpAdvice seen = advise(200, "HTTP/1.1", null, false, true, 3000L, null, false, -1);
        assertThat(seen.idleTimeoutMs()).isEqualTo(2700);
        assertThat(seen.code()).contains(".pool(p -> p.idleTimeout(Duration.ofMillis(2700)))");
        assertThat(seen.sentences()).containsExactly("Without this setting tether learns the timeout once two idle closes agree"
                + " (an idle close costs no request).");

        HttpAdvice balancer = advise(200, "HTTP/1.1", null, false, true, 3000L, null, false, 30);
        assertThat(balancer.sentences().get(0)).contains("advertises Keep-Alive: timeout=30 but closed idle connections sooner")
                .contains("once two agree");

        HttpAdvice silent = advise(200, "HTTP/1.1", null, false, true, null, 4000L, false, 30);
        assertThat(silent.idleTimeoutMs()).isEqualTo(3600);
        assertThat(String.join(" ", silent.sentences())).contains("died without a FIN or an RST").contains("learns nothing from it")
                .contains("keep TCP keepalive on").doesNotContain("once two").doesNotContain("agree");
    }

    @Test
    void aNon2xxResponseIsSaidFirst() {
        HttpAdvice a = advise(503, "HTTP/1.1", null, false, true, null, null, true, -1);
        assertThat(a.sentences().get(0)).startsWith("These numbers were measured on a 503 response");
        assertThat(advise(204, "HTTP/1.1", null, false, true, null, null, true, -1).sentences().get(0))
                .doesNotContain("measured on a");
    }
}
