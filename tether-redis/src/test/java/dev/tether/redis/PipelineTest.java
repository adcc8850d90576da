package dev.tether.redis;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What a pipeline hands to its runner, without a server: its commands, in order, no longer changeable. */
class PipelineTest {

    @Test
    void theRunnerGetsTheCommandsInOrderAndCannotChangeThem() {
        List<List<Command>> handed = new ArrayList<>();
        Pipeline p = new Pipeline(cmds -> {
            handed.add(cmds);
            return new Replies(List.of("OK", 1L));
        });
        Command incr = Command.of("INCR", "n");
        Replies r = p.add("SET", "k", "v").add(incr).execute();
        assertThat(r.asList()).containsExactly("OK", 1L);
        assertThat(handed).hasSize(1);
        List<Command> cmds = handed.get(0);
        assertThat(cmds).hasSize(2);
        assertThat(cmds.get(0).name()).isEqualTo("SET");
        assertThat(cmds.get(1)).isSameAs(incr);
        assertThatThrownBy(() -> cmds.add(incr)).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> p.add(incr)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(p::execute).isInstanceOf(IllegalStateException.class);
        assertThat(cmds).hasSize(2);
    }

    @Test
    void aNullCommandIsRefusedWhenAdded() {
        Pipeline p = new Pipeline(cmds -> {
            throw new AssertionError("not run");
        });
        assertThatThrownBy(() -> p.add((Command) null)).isInstanceOf(NullPointerException.class).hasMessageContaining("command");
        assertThat(p.size()).isZero();
        assertThat(p.execute()).isSameAs(Replies.EMPTY);
    }
}
