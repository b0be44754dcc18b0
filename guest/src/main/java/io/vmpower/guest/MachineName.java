package io.vmpower.guest;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** The machine's host name, cut to fit the 31 bytes of a request's vm_name. */
final class MachineName {
  /** Bytes of a vm_name, leaving room for its terminating NUL. */
  static final int MAX_BYTES = 31;

  private MachineName() {}

  /** The host name from {@code hostnameFile} (Linux: /proc/sys/kernel/hostname), else the JDK's. */
  static String local(Path hostnameFile) {
    String name = "";
    try {
      name = Files.readString(hostnameFile, StandardCharsets.UTF_8).trim();
    } catch (IOException e) {
      try {
        name = InetAddress.getLocalHost().getHostName();
      } catch (IOException e2) {
        name = "";
      }
    }
    return truncate(name);
  }

  /** {@code name} cut at a character boundary to at most 31 bytes of UTF-8. */
  static String truncate(String name) {
    String n = name;
    while (n.getBytes(StandardCharsets.UTF_8).length > MAX_BYTES) {
      n = n.substring(0, n.offsetByCodePoints(n.length(), -1));
    }
    return n;
  }
}
