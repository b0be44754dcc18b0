package io.vmpower.core.hal;

import java.nio.file.Path;
import java.util.Objects;

/**
 * A power channel a domain's definition names: virtio-serial port {@code
 * virtio.serial.port.poweragent.N} (what the guest opens) backed by a unix socket QEMU listens on
 * (what the host connects to).
 *
 * @param number N, the channel number
 * @param path the socket's path on the host
 */
public record DomainChannel(int number, Path path) {
  /** What a power channel's virtio-serial port name starts with; the channel number follows. */
  public static final String PORT_PREFIX = "virtio.serial.port.poweragent.";

  /** The most digits a channel number may have in a port name (it then fits an int). */
  public static final int MAX_DIGITS = 9;

  public DomainChannel {
    if (number < 0) {
      throw new IllegalArgumentException("channel numbers are not negative: " + number);
    }
    Objects.requireNonNull(path, "path");
  }

  /** Whether a virtio-serial port name is meant as a power channel (it starts with the prefix). */
  public static boolean isPowerPort(String portName) {
    return portName != null && portName.startsWith(PORT_PREFIX);
  }

  /**
   * The channel number of a power port name, strictly: the prefix, then 1 to {@value #MAX_DIGITS}
   * ASCII digits without a leading zero (a guest opens {@code ...poweragent.%u}, so {@code 01}
   * would never be opened).
   *
   * @throws IllegalArgumentException saying what is wrong, when the name is not {@code PREFIX.N}
   */
  public static int portNumber(String portName) {
    if (!isPowerPort(portName)) {
      throw new IllegalArgumentException(
          "'" + portName + "' is not a power channel port: it does not start with " + PORT_PREFIX);
    }
    String digits = portName.substring(PORT_PREFIX.length());
    boolean ascii = !digits.isEmpty() && digits.chars().allMatch(c -> c >= '0' && c <= '9');
    if (!ascii
        || digits.length() > MAX_DIGITS
        || (digits.length() > 1 && digits.charAt(0) == '0')) {
      throw new IllegalArgumentException(
          "port '"
              + portName
              + "' has no valid channel number: "
              + PORT_PREFIX
              + "N with N of 1 to "
              + MAX_DIGITS
              + " digits, no leading zero");
    }
    return Integer.parseInt(digits);
  }
}
