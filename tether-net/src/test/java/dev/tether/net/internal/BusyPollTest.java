package dev.tether.net.internal;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The polling slots: never more pollers than slots, and a slot given back is taken again. */
class BusyPollTest {

    @Test
    void noMorePollersThanSlots() {
        BusyPoll slots = new BusyPoll(2);
        assertThat(slots.enter()).isTrue();
        assertThat(slots.enter()).isTrue();
        assertThat(slots.enter()).as("both slots taken").isFalse();
        slots.exit();
        assertThat(slots.enter()).as("one given back").isTrue();
        assertThat(slots.enter()).isFalse();
    }

    @Test
    void theProcessPollsOnAtMostHalfItsCpusAndNeverOnOne() {
        int cpus = Runtime.getRuntime().availableProcessors();
        if (cpus == 1) {
            assertThat(BusyPoll.SHARED).isNull();
            return;
        }
        int taken = 0;
        while (BusyPoll.SHARED.enter()) {
            taken++;
        }
        for (int i = 0; i < taken; i++) {
            BusyPoll.SHARED.exit();
        }
        // The tests of a module run one at a time: no connection holds a slot meanwhile.
        assertThat(taken).isBetween(1, Math.max(1, cpus / 2));
    }

    @Test
    void atLeastOneSlot() {
        assertThatThrownBy(() -> new BusyPoll(0)).hasMessage("slots: 0 (expected: >= 1)");
    }
}
