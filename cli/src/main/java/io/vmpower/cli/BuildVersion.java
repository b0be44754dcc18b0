package io.vmpower.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/** The build's version, as Maven wrote it into {@code io/vmpower/cli/version.properties}. */
public final class BuildVersion {
  private static final String VERSION = load();

  private BuildVersion() {}

  public static String get() {
    return VERSION;
  }

  private static String load() {
    try (InputStream in = BuildVersion.class.getResourceAsStream("version.properties")) {
      if (in == null) {
        return "unknown";
      }
      Properties p = new Properties();
      p.load(in);
      String v = p.getProperty("version", "unknown");
      return v.contains("${") ? "unknown" : v;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the build's version", e);
    }
  }
}
