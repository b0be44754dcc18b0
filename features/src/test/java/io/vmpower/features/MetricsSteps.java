package io.vmpower.features;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cucumber.guice.ScenarioScoped;
import io.cucumber.java.en.Given;
import io.cucumber.java.en.Then;
import io.cucumber.java.en.When;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.TreeMap;

/** Steps that scrape the host's Prometheus endpoint over HTTP, as Prometheus does. */
@ScenarioScoped
public final class MetricsSteps {
  private final SimulatedWorld world;
  private String exposition = "";
  private Map<String, Double> samples = Map.of();

  @Inject
  public MetricsSteps(SimulatedWorld world) {
    this.world = world;
  }

  @Given("the simulated host of the default scenario with its metrics endpoint")
  public void hostWithMetrics() {
    world.startWithMetrics();
  }

  @When("Prometheus scrapes the host")
  public void scrape() throws IOException, InterruptedException {
    HttpResponse<String> r =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(world.metricsUri()).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), "status of " + world.metricsUri());
    exposition = r.body();
    samples = Exposition.parse(exposition);
  }

  @Then("the metric {string} is {double}")
  public void metricIs(String series, double value) {
    String key = Exposition.key(series);
    assertTrue(samples.containsKey(key), () -> key + " is not exposed; exposed:\n" + near(key));
    assertEquals(value, samples.get(key), 1e-5, key + " (to the microjoule for energy)");
  }

  @Then("the metric {string} is absent")
  public void metricAbsent(String series) {
    String key = Exposition.key(series);
    assertFalse(samples.containsKey(key), () -> key + " is exposed: " + samples.get(key));
  }

  @Then("the exposition has a {word} named {string}")
  public void hasType(String type, String family) {
    assertTrue(
        exposition.contains("# TYPE " + family + " " + type + "\n"),
        () -> "no '# TYPE " + family + " " + type + "' in:\n" + exposition);
  }

  private String near(String key) {
    String name = key.contains("{") ? key.substring(0, key.indexOf('{')) : key;
    StringBuilder sb = new StringBuilder();
    samples.forEach(
        (k, v) -> {
          if (k.startsWith(name)) {
            sb.append(k).append(' ').append(v).append('\n');
          }
        });
    return sb.toString();
  }

  /** The Prometheus text format, read into series (labels sorted) and values. */
  static final class Exposition {
    private Exposition() {}

    static Map<String, Double> parse(String text) {
      Map<String, Double> out = new TreeMap<>();
      for (String line : text.split("\n")) {
        if (line.isBlank() || line.startsWith("#")) {
          continue;
        }
        int cut = line.lastIndexOf(' ');
        out.put(key(line.substring(0, cut)), Double.parseDouble(line.substring(cut + 1)));
      }
      return out;
    }

    /** {@code name{b="2",a="1"}} as {@code name{a="1",b="2"}}. */
    static String key(String series) {
      String s = series.strip();
      int brace = s.indexOf('{');
      if (brace < 0) {
        return s;
      }
      String name = s.substring(0, brace);
      String body = s.substring(brace + 1, s.lastIndexOf('}'));
      Map<String, String> labels = new TreeMap<>();
      int i = 0;
      while (i < body.length()) {
        int eq = body.indexOf('=', i);
        int open = body.indexOf('"', eq);
        int close = open + 1;
        while (body.charAt(close) != '"' || body.charAt(close - 1) == '\\') {
          close++;
        }
        labels.put(body.substring(i, eq).strip(), body.substring(open + 1, close));
        i = close + 1;
        while (i < body.length() && (body.charAt(i) == ',' || body.charAt(i) == ' ')) {
          i++;
        }
      }
      StringBuilder sb = new StringBuilder(name).append('{');
      labels.forEach((k, v) -> sb.append(k).append("=\"").append(v).append("\","));
      sb.setLength(sb.length() - 1);
      return sb.append('}').toString();
    }
  }
}
