package dev.tether.cli.lab;

import java.util.List;

/** One scenario's results, one row per client, and the sentence that explains them. */
public record ScenarioResult(int number, String id, String title, String fault, long durationMs, List<ClientResult> clients,
                             String explanation, String error) {
}
