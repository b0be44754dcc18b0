package io.vmpower.core;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * What the build says about itself: its version, from {@code io/vmpower/core/build.properties}
 * (filled in by Maven from the pom's version). Both programs' {@code --version}, their man pages,
 * the Debian package, the tarball, the container image's tag and the {@code vmpower_build_info}
 * metric all take the version from here, so they cannot disagree.
 */
public final class BuildInfo {
  static final String RESOURCE = "build.properties";

  private static final String VERSION = load(BuildInfo.class, RESOURCE);

  private BuildInfo() {}

  /** The version of this build, e.g. {@code 0.1.0-SNAPSHOT}. */
  public static String version() {
    return VERSION;
  }

  /** The version read from the resource {@code name} beside {@code anchor}; fails if unusable. */
  static String load(Class<?> anchor, String name) {
    Properties p = new Properties();
    try (InputStream in = anchor.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException(
            "the build's version is missing: no " + name + " beside " + anchor.getName());
      }
      p.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + name + ": " + e.getMessage(), e);
    }
    String v = p.getProperty("version", "").strip();
    if (v.isEmpty() || v.contains("${")) {
      throw new IllegalStateException(
          "the build's version in " + name + " was not filled in by Maven: '" + v + "'");
    }
    return v;
  }
}
