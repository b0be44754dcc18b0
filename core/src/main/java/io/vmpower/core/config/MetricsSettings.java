package io.vmpower.core.config;

import java.util.Locale;

/**
 * The Prometheus metrics endpoint: off unless an address to listen on is given ({@code
 * --metrics-listen}, or the {@code metrics} section of the configuration).
 *
 * @param listen {@code ADDR:PORT}, {@code [IPV6]:PORT} or {@code :PORT} (loopback, 127.0.0.1); null
 *     or empty: no endpoint (the default). Port 0 takes any free port (reported at start).
 */
public record MetricsSettings(String listen) {
  /** No endpoint: the default. */
  public static final MetricsSettings OFF = new MetricsSettings(null);

  public MetricsSettings {
    if (listen != null && !listen.isBlank()) {
      Address.parse(listen);
    }
  }

  public boolean enabled() {
    return listen != null && !listen.isBlank();
  }

  /** The address to listen on; fails when {@link #enabled()} is false. */
  public Address address() {
    if (!enabled()) {
      throw new IllegalStateException("the metrics endpoint is off");
    }
    return Address.parse(listen);
  }

  /**
   * Where the endpoint listens: an IP literal or {@code localhost}, and a port.
   *
   * @param host an IPv4 literal, an IPv6 literal (without brackets) or {@code localhost}
   * @param port 0-65535; 0 means any free port
   */
  public record Address(String host, int port) {
    private static final String ACCEPTED =
        "expected ADDR:PORT (e.g. 127.0.0.1:9464, [::1]:9464, 0.0.0.0:9464) or :PORT for"
            + " loopback, with a port 0-65535";

    /**
     * Parses {@code text} strictly.
     *
     * @throws IllegalArgumentException naming what was wrong and what is accepted
     */
    public static Address parse(String text) {
      String t = text.strip();
      int colon = t.lastIndexOf(':');
      if (colon < 0) {
        throw new IllegalArgumentException("'" + text + "' has no port: " + ACCEPTED);
      }
      String host = t.substring(0, colon);
      int port = port(t.substring(colon + 1), text);
      if (host.isEmpty()) {
        return new Address("127.0.0.1", port);
      }
      if (host.startsWith("[") && host.endsWith("]")) {
        String v6 = host.substring(1, host.length() - 1);
        if (!isIpv6(v6)) {
          throw new IllegalArgumentException(
              "'" + host + "' is not an IPv6 address in brackets: " + ACCEPTED);
        }
        return new Address(v6, port);
      }
      if (isIpv4(host) || host.toLowerCase(Locale.ROOT).equals("localhost")) {
        return new Address(host, port);
      }
      throw new IllegalArgumentException(
          "'"
              + host
              + "' is not an IP address (IPv6 goes in brackets; host names other than localhost"
              + " are not resolved): "
              + ACCEPTED);
    }

    private static int port(String digits, String text) {
      if (digits.isEmpty() || digits.length() > 5 || !digits.chars().allMatch(Character::isDigit)) {
        throw new IllegalArgumentException(
            "'" + digits + "' in '" + text + "' is not a port: " + ACCEPTED);
      }
      int port = Integer.parseInt(digits);
      if (port > 65535) {
        throw new IllegalArgumentException("port " + port + " is out of range: " + ACCEPTED);
      }
      return port;
    }

    private static boolean isIpv4(String s) {
      String[] parts = s.split("\\.", -1);
      if (parts.length != 4) {
        return false;
      }
      for (String p : parts) {
        if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(Character::isDigit)) {
          return false;
        }
        if (Integer.parseInt(p) > 255) {
          return false;
        }
      }
      return true;
    }

    private static boolean isIpv6(String s) {
      if (s.isEmpty() || s.length() > 45 || !s.contains(":")) {
        return false;
      }
      return s.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == ':' || c == '.');
    }

    /** {@code host:port}, with brackets around an IPv6 host. */
    @Override
    public String toString() {
      return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }
  }
}
