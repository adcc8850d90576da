package dev.tether.cli.lab;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Sentences read from measured counts say what was measured, zero and unknown included. */
class FormatTest {

    @Test
    void closeWaitSaysWhatEachClientHeld() {
        assertThat(Format.closeWait("the bare connection", 1, "the pool", 2))
                .isEqualTo("both held a dead socket in CLOSE_WAIT (1 and 2)");
        assertThat(Format.closeWait("the bare connection", 0, "the pool", 0))
                .isEqualTo("neither held a socket in CLOSE_WAIT (0 and 0)");
        assertThat(Format.closeWait("the bare connection", 0, "the pool", 1))
                .isEqualTo("the pool held 1 dead socket in CLOSE_WAIT, the bare connection none");
        assertThat(Format.closeWait("the bare connection", 3, "the pool", 0))
                .isEqualTo("the bare connection held 3 dead sockets in CLOSE_WAIT, the pool none");
        assertThat(Format.closeWait("the bare connection", -1, "the pool", 1)).contains("could not be read");
    }

    @Test
    void countsAreSingularOnlyForOne() {
        assertThat(Format.count(1, "failure")).isEqualTo("1 failure");
        assertThat(Format.count(0, "failure")).isEqualTo("0 failures");
    }
}
