package io.vmpower.features.packaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * packaging/kubernetes/ is valid for the Kubernetes API (KubernetesManifests) and deploys what
 * vmpower needs on a node; a broken copy of it is refused, each with the reason.
 */
class KubernetesManifestsTest {
  static final Path DIR = PackagingFiles.root().resolve("packaging/kubernetes");

  private static Map<String, String> files;
  private static KubernetesManifests.Result result;

  @BeforeAll
  static void check() throws IOException {
    files = new LinkedHashMap<>();
    try (Stream<Path> s = Files.list(DIR)) {
      for (Path p : s.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
        files.put(p.getFileName().toString(), Files.readString(p));
      }
    }
    result = new KubernetesManifests().check(files);
  }

  @Test
  void theManifestsAreValidForTheKubernetesApi() {
    assertEquals(List.of(), result.errors());
    assertEquals(
        List.of("ConfigMap", "DaemonSet", "Namespace", "ServiceAccount"),
        result.objects().stream().map(o -> o.getKind()).sorted().toList());
  }

  private static PodSpec pod() {
    return result.one(DaemonSet.class).getSpec().getTemplate().getSpec();
  }

  private static Container container() {
    List<Container> containers = pod().getContainers();
    assertEquals(1, containers.size());
    return containers.get(0);
  }

  private static Optional<Volume> hostPath(String path) {
    return pod().getVolumes().stream()
        .filter(v -> v.getHostPath() != null && v.getHostPath().getPath().equals(path))
        .findFirst();
  }

  private static VolumeMount mountOf(Volume v) {
    return container().getVolumeMounts().stream()
        .filter(m -> m.getName().equals(v.getName()))
        .findFirst()
        .orElseThrow(() -> new AssertionError("volume " + v.getName() + " is not mounted"));
  }

  @Test
  void theImageIsTaggedWithTheBuildsVersion() {
    String pom = System.getProperty("vmpower.pom.version");
    assertTrue(pom != null && !pom.isBlank(), "surefire passes the pom's version");
    assertEquals("vmpower:" + pom, container().getImage());
  }

  @Test
  void theNodesHostPathsAreMountedAsVmpowerNeedsThem() {
    // cpufreq is written: read-write; the rest of sysfs (powercap energy counters) read-only
    Volume cpu = hostPath("/sys/devices/system/cpu").orElseThrow();
    assertEquals("/host/sys/devices/system/cpu", mountOf(cpu).getMountPath());
    assertTrue(mountOf(cpu).getReadOnly() == null || !mountOf(cpu).getReadOnly());
    Volume sys = hostPath("/sys").orElseThrow();
    assertEquals("/host/sys", mountOf(sys).getMountPath());
    assertEquals(Boolean.TRUE, mountOf(sys).getReadOnly());
    // the libvirt socket, the channel folders and /run/vmpower at the node's own paths
    for (String path :
        List.of(
            "/run/libvirt",
            "/var/lib/libvirt/qemu/channel/target",
            "/tmp/powermonitor",
            "/run/vmpower")) {
      Volume v = hostPath(path).orElseThrow(() -> new AssertionError("no hostPath " + path));
      assertEquals(path, mountOf(v).getMountPath(), path);
    }
    Volume config =
        pod().getVolumes().stream().filter(v -> v.getConfigMap() != null).findFirst().orElseThrow();
    assertEquals("/etc/vmpower", mountOf(config).getMountPath());
    assertEquals(
        "vmpower-config", result.one(ConfigMap.class).getMetadata().getName(), "the mounted map");
    assertTrue(result.one(ConfigMap.class).getData().containsKey("vmpower.yaml"));
  }

  @Test
  void onlyNodesRunningLibvirtGetAPod() {
    assertEquals("true", pod().getNodeSelector().get("vmpower.io/libvirt"));
  }

  @Test
  void theMetricsPortIsScrapedThroughThePodsAnnotations() {
    ContainerPort metrics =
        container().getPorts().stream()
            .filter(p -> "metrics".equals(p.getName()))
            .findFirst()
            .orElseThrow();
    Map<String, String> annotations =
        result.one(DaemonSet.class).getSpec().getTemplate().getMetadata().getAnnotations();
    assertEquals("true", annotations.get("prometheus.io/scrape"));
    assertEquals(String.valueOf(metrics.getContainerPort()), annotations.get("prometheus.io/port"));
    assertEquals("/metrics", annotations.get("prometheus.io/path"));
    List<String> args = container().getArgs();
    int at = args.indexOf("--metrics-listen");
    assertTrue(at >= 0, "the endpoint is turned on: " + args);
    assertEquals("0.0.0.0:" + metrics.getContainerPort(), args.get(at + 1));
  }

  @Test
  void thePodsMayNotUseTheKubernetesApi() {
    assertEquals(Boolean.FALSE, result.one(ServiceAccount.class).getAutomountServiceAccountToken());
    assertEquals(Boolean.FALSE, pod().getAutomountServiceAccountToken());
    assertEquals("vmpower", pod().getServiceAccountName());
    assertEquals(Boolean.FALSE, container().getSecurityContext().getPrivileged());
    assertEquals(List.of("ALL"), container().getSecurityContext().getCapabilities().getDrop());
  }

  /** A broken copy of the manifests: the file, the text replaced, its replacement, the error. */
  static Stream<Arguments> brokenCopies() {
    return Stream.of(
        Arguments.of(
            "daemonset.yaml",
            "mountPath: /run/vmpower",
            "mountpath: /run/vmpower",
            "unknown field(s) [mountpath]"),
        Arguments.of(
            "daemonset.yaml",
            "containerPort: 9464",
            "containerPort: \"9464\"",
            "Cannot coerce String value (\"9464\") to `java.lang.Integer` value (but might if"
                + " coercion using `CoercionConfig` was enabled) at"
                + " spec.template.spec.containers[0].ports[0].containerPort"),
        Arguments.of(
            "daemonset.yaml",
            "prometheus.io/port: \"9464\"",
            "prometheus.io/port: 9464",
            "Cannot coerce Integer value (9464) to `java.lang.String` value (but could if coercion"
                + " was enabled using `CoercionConfig`) at"
                + " spec.template.metadata.annotations.prometheus.io/port"),
        Arguments.of("daemonset.yaml", "containerPort: 9464", "containerPort: 99999", "1 to 65535"),
        Arguments.of(
            "daemonset.yaml",
            "- name: run\n              mountPath",
            "- name: rundir\n              mountPath",
            "volumeMount 'rundir' names no volume"),
        Arguments.of(
            "daemonset.yaml",
            "path: /run/vmpower\n            type: DirectoryOrCreate",
            "path: /run/vmpower\n            type: Folder",
            "hostPath.type 'Folder'"),
        Arguments.of(
            "daemonset.yaml",
            "      app.kubernetes.io/component: host\n  updateStrategy",
            "      app.kubernetes.io/component: agent\n  updateStrategy",
            "does not match the pod template's labels"),
        Arguments.of(
            "daemonset.yaml",
            "memory: 256Mi",
            "memory: 256 MiB",
            "limits.memory: '256 MiB' is not a quantity"),
        Arguments.of(
            "daemonset.yaml",
            "name: vmpower-config",
            "name: vmpower-settings",
            "ConfigMap vmpower-settings is not defined here"),
        Arguments.of(
            "daemonset.yaml",
            "apiVersion: apps/v1",
            "apiVersion: extensions/v1beta1",
            "is not one of"),
        Arguments.of(
            "serviceaccount.yaml",
            "name: vmpower\n  namespace",
            "name: VMpower\n  namespace",
            "not a DNS-1123 subdomain"),
        Arguments.of(
            "daemonset.yaml",
            "          image: vmpower",
            "          imagename: vmpower",
            "image is required"));
  }

  @ParameterizedTest(name = "{0}: {2}")
  @MethodSource("brokenCopies")
  void aBrokenCopyIsRefused(String file, String text, String broken, String error) {
    String original = files.get(file);
    assertTrue(original.contains(text), file + " has '" + text + "'");
    Map<String, String> copy = new LinkedHashMap<>(files);
    copy.put(file, original.replace(text, broken));
    List<String> errors = new KubernetesManifests().check(copy).errors();
    assertTrue(
        errors.stream().anyMatch(e -> e.contains(error)),
        "expected an error with '" + error + "', got " + errors);
  }
}
