package io.vmpower.features.packaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.vmpower.cli.config.ConfigLoader;
import io.vmpower.core.config.VmPowerConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The configurations the package and the DaemonSet ship are accepted by the host's own loader and
 * command line, and say what their comments say.
 */
class ShippedConfigurationTest {
  private static final Path PACKAGED =
      PackagingFiles.root().resolve("packaging/config/vmpower.yaml");

  @Test
  void thePackagesDefaultFileLoadsAndIsEveryDefault() throws Exception {
    VmPowerConfig loaded = ConfigLoader.load(PACKAGED, true);
    assertEquals(VmPowerConfig.defaults(), loaded);
  }

  @Test
  void everyCommentedKeyOfThePackagesFileLoadsWhenUncommented() throws Exception {
    // uncommenting every "#key: value" line (and the section lines) gives a file the loader takes,
    // with the values the comments say are the defaults
    StringBuilder b = new StringBuilder();
    for (String line : Files.readAllLines(PACKAGED)) {
      String t = line.stripLeading();
      int indent = line.length() - t.length();
      if (t.matches("#[a-z][a-z-]*:.*")) {
        b.append(" ".repeat(indent)).append(t.substring(1)).append('\n');
      }
    }
    VmPowerConfig uncommented = ConfigLoader.parse(b.toString(), "uncommented " + PACKAGED);
    assertEquals(VmPowerConfig.defaults(), uncommented, b.toString());
  }

  private static Map<String, String> manifests() throws IOException {
    Map<String, String> files = new LinkedHashMap<>();
    try (Stream<Path> s = Files.list(KubernetesManifestsTest.DIR)) {
      for (Path p : s.filter(p -> p.toString().endsWith(".yaml")).toList()) {
        files.put(p.getFileName().toString(), Files.readString(p));
      }
    }
    return files;
  }

  @Test
  void theConfigMapsFileLoadsWithTheNodesPathsAsTheDaemonSetMountsThem() throws Exception {
    KubernetesManifests.Result k = new KubernetesManifests().check(manifests());
    String text = k.one(ConfigMap.class).getData().get("vmpower.yaml");
    VmPowerConfig c = ConfigLoader.parse(text, "configmap.yaml");
    assertEquals(Path.of("/host/sys"), c.sysfsRoot());
    Container container =
        k.one(DaemonSet.class).getSpec().getTemplate().getSpec().getContainers().get(0);
    List<String> mounts = container.getVolumeMounts().stream().map(m -> m.getMountPath()).toList();
    assertTrue(
        mounts.contains(c.sysfsRoot().resolve("devices/system/cpu").toString()), mounts.toString());
    assertTrue(mounts.contains(c.stateFile().getParent().toString()), mounts.toString());
    assertTrue(mounts.contains(c.channels().folder().toString()), mounts.toString());
    for (Path allowed : c.channels().allowedFolders()) {
      assertTrue(mounts.contains(allowed.toString()), allowed + " in " + mounts);
    }
  }

  @Test
  void theDaemonSetsArgumentsAreTheHostProgramsOptions() throws Exception {
    KubernetesManifests.Result k = new KubernetesManifests().check(manifests());
    Container container =
        k.one(DaemonSet.class).getSpec().getTemplate().getSpec().getContainers().get(0);
    List<String> args = container.getArgs();
    io.vmpower.cli.HostOptions options = new io.vmpower.cli.HostOptions();
    new CommandLine(options).parseArgs(args.toArray(String[]::new));
    assertTrue(args.contains("--daemon"), args.toString());
    assertEquals("/etc/vmpower/vmpower.yaml", args.get(args.indexOf("--config") + 1));
  }
}
