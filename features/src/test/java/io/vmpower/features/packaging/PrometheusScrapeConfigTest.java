package io.vmpower.features.packaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * packaging/prometheus/prometheus.yml finds the DaemonSet's pods and the package's hosts and
 * scrapes their metrics port: its relabelling, applied here as Prometheus applies it, to the
 * targets Prometheus' discovery makes of them. (Debian's promtool, which ci/e2e-package.sh runs on
 * the file, is built without Kubernetes discovery and cannot check that job.)
 */
class PrometheusScrapeConfigTest {
  private static JsonNode config;
  private static DaemonSet daemonSet;

  @BeforeAll
  static void read() throws IOException {
    config =
        new ObjectMapper(new YAMLFactory())
            .readTree(
                PackagingFiles.root().resolve("packaging/prometheus/prometheus.yml").toFile());
    Map<String, String> files = new LinkedHashMap<>();
    Path dir = KubernetesManifestsTest.DIR;
    try (Stream<Path> s = Files.list(dir)) {
      for (Path p : s.filter(p -> p.toString().endsWith(".yaml")).toList()) {
        files.put(p.getFileName().toString(), Files.readString(p));
      }
    }
    daemonSet = new KubernetesManifests().check(files).one(DaemonSet.class);
  }

  private static JsonNode job(String name) {
    for (JsonNode j : config.path("scrape_configs")) {
      if (name.equals(j.path("job_name").asText())) {
        return j;
      }
    }
    throw new AssertionError("no job " + name);
  }

  /** Prometheus' relabelling (replace, keep, drop), or null when the target is dropped. */
  static Map<String, String> relabel(JsonNode rules, Map<String, String> target) {
    Map<String, String> labels = new HashMap<>(target);
    for (JsonNode r : rules) {
      StringBuilder value = new StringBuilder();
      String separator = r.path("separator").asText(";");
      int i = 0;
      for (JsonNode source : r.path("source_labels")) {
        value.append(i++ == 0 ? "" : separator).append(labels.getOrDefault(source.asText(), ""));
      }
      Pattern regex = Pattern.compile("^(?:" + r.path("regex").asText("(.*)") + ")$");
      Matcher m = regex.matcher(value);
      String action = r.path("action").asText("replace");
      switch (action) {
        case "keep" -> {
          if (!m.matches()) {
            return null;
          }
        }
        case "drop" -> {
          if (m.matches()) {
            return null;
          }
        }
        case "replace" -> {
          if (m.matches()) {
            String result = m.replaceFirst(r.path("replacement").asText("$1"));
            String to = r.path("target_label").asText();
            if (result.isEmpty()) {
              labels.remove(to);
            } else {
              labels.put(to, result);
            }
          }
        }
        default -> throw new AssertionError("an action this test does not apply: " + action);
      }
    }
    return labels;
  }

  /** The target Prometheus' pod discovery makes of a DaemonSet pod on node {@code node}. */
  private static Map<String, String> podTarget(ObjectMeta template, String ip, String node) {
    Map<String, String> t = new HashMap<>();
    int port =
        daemonSet
            .getSpec()
            .getTemplate()
            .getSpec()
            .getContainers()
            .get(0)
            .getPorts()
            .get(0)
            .getContainerPort();
    t.put("__address__", ip + ":" + port);
    t.put("__metrics_path__", "/metrics");
    t.put("__meta_kubernetes_namespace", daemonSet.getMetadata().getNamespace());
    t.put("__meta_kubernetes_pod_node_name", node);
    template.getLabels().forEach((k, v) -> t.put("__meta_kubernetes_pod_label_" + sanitize(k), v));
    template
        .getAnnotations()
        .forEach((k, v) -> t.put("__meta_kubernetes_pod_annotation_" + sanitize(k), v));
    return t;
  }

  private static String sanitize(String name) {
    return name.replaceAll("[^a-zA-Z0-9_]", "_");
  }

  @Test
  void theKubernetesJobScrapesEachDaemonSetPodOnItsMetricsPortWithItsNode() {
    JsonNode job = job("vmpower-kubernetes");
    JsonNode sd = job.path("kubernetes_sd_configs").get(0);
    assertEquals("pod", sd.path("role").asText());
    assertEquals(
        daemonSet.getMetadata().getNamespace(),
        sd.path("namespaces").path("names").get(0).asText());
    ObjectMeta template = daemonSet.getSpec().getTemplate().getMetadata();
    Map<String, String> scraped =
        relabel(job.path("relabel_configs"), podTarget(template, "10.244.1.7", "kvm1"));
    assertEquals(
        "10.244.1.7:" + template.getAnnotations().get("prometheus.io/port"),
        scraped.get("__address__"));
    assertEquals(
        template.getAnnotations().get("prometheus.io/path"), scraped.get("__metrics_path__"));
    assertEquals("kvm1", scraped.get("node"));
  }

  @Test
  void theKubernetesJobLeavesOtherPodsAlone() {
    JsonNode rules = job("vmpower-kubernetes").path("relabel_configs");
    ObjectMeta template = daemonSet.getSpec().getTemplate().getMetadata();
    Map<String, String> other = podTarget(template, "10.244.1.8", "kvm1");
    other.put("__meta_kubernetes_pod_label_app_kubernetes_io_name", "something-else");
    assertNull(relabel(rules, other));
    Map<String, String> notScraped = podTarget(template, "10.244.1.9", "kvm1");
    notScraped.put("__meta_kubernetes_pod_annotation_prometheus_io_scrape", "false");
    assertNull(relabel(rules, notScraped));
  }

  @Test
  void theHostsJobNamesEachHostsNode() throws IOException {
    JsonNode job = job("vmpower-hosts");
    String file = job.path("file_sd_configs").get(0).path("files").get(0).asText();
    Path hosts = PackagingFiles.root().resolve("packaging/prometheus").resolve(file);
    JsonNode groups = new ObjectMapper(new YAMLFactory()).readTree(hosts.toFile());
    String target = groups.get(0).path("targets").get(0).asText();
    assertTrue(target.endsWith(":9464"), target);
    Map<String, String> scraped =
        relabel(job.path("relabel_configs"), Map.of("__address__", target));
    assertEquals(target.substring(0, target.indexOf(':')), scraped.get("node"));
    assertEquals(target, scraped.get("__address__"));
  }

  @Test
  void relabellingAsPrometheusDoesIt() {
    // the rules this test applies, on cases whose result Prometheus' documentation gives
    JsonNode rules =
        new ObjectMapper()
            .valueToTree(
                List.of(
                    Map.of(
                        "source_labels", List.of("a", "b"), "regex", "x;(.*)", "target_label", "c"),
                    Map.of("source_labels", List.of("d"), "regex", "keep-me", "action", "keep")));
    assertEquals("y", relabel(rules, Map.of("a", "x", "b", "y", "d", "keep-me")).get("c"));
    assertNull(relabel(rules, Map.of("a", "x", "b", "y", "d", "keep-me-not")));
    assertNull(relabel(rules, Map.of("a", "z", "b", "y", "d", "other")));
    // a replace whose regex does not match leaves the target label alone
    JsonNode replaceOnly = new ObjectMapper().createArrayNode().add(rules.get(0));
    assertNull(relabel(replaceOnly, Map.of("a", "z")).get("c"));
  }
}
